#include "store/mapped_file_queue.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

#include "common/file_util.h"
#include "common/logging.h"
#include "common/properties.h"

namespace rmq::store {

MappedFileQueue::MappedFileQueue(std::string directory, int64_t fileSize)
    : directory_(std::move(directory)), fileSize_(fileSize) {}

Status MappedFileQueue::load() {
  std::vector<std::string> names;
  DIR* dir = ::opendir(directory_.c_str());
  if (!dir) return Status::Ok();  // no directory yet: empty log
  while (dirent* e = ::readdir(dir)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    names.push_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  std::erase_if(names, [this](const std::string& name) {
    if (name.size() == 20 && parseJavaLong(name)) return false;
    RMQ_LOG(WARN) << "ignoring unexpected file " << directory_ << "/" << name;
    return true;
  });
  // A crash while the newest file was being created leaves it empty: drop it, it held no data.
  while (!names.empty() && isZeroLengthFile(directory_ + "/" + names.back())) {
    RMQ_LOG(WARN) << "removing the empty file " << directory_ << "/" << names.back()
                  << " (its creation was interrupted)";
    ::unlink((directory_ + "/" + names.back()).c_str());
    names.pop_back();
  }
  std::vector<MappedFilePtr> loaded;
  for (const auto& name : names) {
    auto start = parseJavaLong(name);
    Status s;
    auto file = MappedFile::open(directory_ + "/" + name, *start, fileSize_, false, s);
    if (!file) return s;
    if (!loaded.empty() && loaded.back()->fileFromOffset() + fileSize_ != *start) {
      return Status::Error("gap in " + directory_ + ": " + loaded.back()->fileName() +
                           " is not followed by " +
                           offsetToFileName(loaded.back()->fileFromOffset() + fileSize_));
    }
    file->setWrotePosition(fileSize_);
    file->setFlushedPosition(fileSize_);
    loaded.push_back(std::move(file));
  }
  std::unique_lock lock(mutex_);
  files_ = std::move(loaded);
  return Status::Ok();
}

bool MappedFileQueue::empty() const {
  std::shared_lock lock(mutex_);
  return files_.empty();
}

size_t MappedFileQueue::fileCount() const {
  std::shared_lock lock(mutex_);
  return files_.size();
}

std::vector<MappedFilePtr> MappedFileQueue::files() const {
  std::shared_lock lock(mutex_);
  return files_;
}

MappedFilePtr MappedFileQueue::firstFile() const {
  std::shared_lock lock(mutex_);
  return files_.empty() ? nullptr : files_.front();
}

MappedFilePtr MappedFileQueue::lastFile() const {
  std::shared_lock lock(mutex_);
  return files_.empty() ? nullptr : files_.back();
}

MappedFilePtr MappedFileQueue::findFileByOffset(int64_t offset, bool returnFirstOnNotFound) const {
  std::shared_lock lock(mutex_);
  if (files_.empty()) return nullptr;
  const int64_t first = files_.front()->fileFromOffset();
  if (offset >= first) {
    size_t index = static_cast<size_t>((offset - first) / fileSize_);
    if (index < files_.size()) {
      const auto& f = files_[index];
      if (offset >= f->fileFromOffset() && offset < f->fileFromOffset() + fileSize_) return f;
    }
  }
  return returnFirstOnNotFound ? files_.front() : nullptr;
}

MappedFilePtr MappedFileQueue::lastFileForWrite(int64_t startOffsetIfEmpty, Status& status) {
  int64_t createOffset;
  {
    std::shared_lock lock(mutex_);
    if (!files_.empty() && !files_.back()->isFull()) {
      status = Status::Ok();
      return files_.back();
    }
    createOffset = files_.empty() ? startOffsetIfEmpty - (startOffsetIfEmpty % fileSize_)
                                  : files_.back()->fileFromOffset() + fileSize_;
  }
  std::lock_guard prep(prepareMutex_);
  MappedFilePtr file;
  if (prepared_ && prepared_->fileFromOffset() == createOffset) {
    file = std::move(prepared_);
    prepared_.reset();
    status = Status::Ok();
  } else {
    dropPreparedLocked();
    Status s = makeDirectories(directory_);
    if (!s.ok()) {
      status = s;
      return nullptr;
    }
    file = MappedFile::open(directory_ + "/" + offsetToFileName(createOffset), createOffset,
                            fileSize_, true, status);
    if (!file) return nullptr;
  }
  // A file left behind with data (pre-allocated by Java, or after truncation) starts empty here.
  file->setWrotePosition(0);
  file->setFlushedPosition(0);
  std::unique_lock lock(mutex_);
  files_.push_back(file);
  return file;
}

MappedFilePtr MappedFileQueue::prepareNextFile(Status& status) {
  int64_t nextOffset;
  {
    std::shared_lock lock(mutex_);
    if (files_.empty()) {
      status = Status::Ok();
      return nullptr;
    }
    nextOffset = files_.back()->fileFromOffset() + fileSize_;
  }
  std::lock_guard prep(prepareMutex_);
  if (prepared_ && prepared_->fileFromOffset() == nextOffset) {
    status = Status::Ok();
    return prepared_;
  }
  {
    // The writer may have rolled meanwhile: then the next file is already in the list.
    std::shared_lock lock(mutex_);
    if (files_.back()->fileFromOffset() + fileSize_ != nextOffset) {
      status = Status::Ok();
      return nullptr;
    }
  }
  dropPreparedLocked();
  Status s = makeDirectories(directory_);
  if (!s.ok()) {
    status = s;
    return nullptr;
  }
  auto file = MappedFile::open(directory_ + "/" + offsetToFileName(nextOffset), nextOffset,
                               fileSize_, true, status);
  if (!file) return nullptr;
  file->setWrotePosition(0);
  file->setFlushedPosition(0);
  prepared_ = file;
  return file;
}

MappedFilePtr MappedFileQueue::preparedFile() const {
  std::lock_guard prep(prepareMutex_);
  return prepared_;
}

void MappedFileQueue::dropPreparedFile() {
  std::lock_guard prep(prepareMutex_);
  dropPreparedLocked();
}

void MappedFileQueue::dropPreparedLocked() {
  // A prepared file that no longer follows the last one (the log was truncated or emptied) must
  // not stay on disk: a later load() would see a gap.
  if (!prepared_) return;
  (void)prepared_->destroy();
  prepared_.reset();
}

int64_t MappedFileQueue::minOffset() const {
  std::shared_lock lock(mutex_);
  return files_.empty() ? -1 : files_.front()->fileFromOffset();
}

int64_t MappedFileQueue::maxOffset() const {
  std::shared_lock lock(mutex_);
  if (files_.empty()) return 0;
  return files_.back()->fileFromOffset() + files_.back()->wrotePosition();
}

Status MappedFileQueue::flush(int leastPages, bool* flushedSomething) {
  if (flushedSomething) *flushedSomething = false;
  auto file = findFileByOffset(flushedWhere(), flushedWhere() == 0);
  if (!file) return Status::Ok();
  int64_t before = file->flushedPosition();
  int64_t to = before;
  Status s = file->flush(leastPages, &to);
  if (!s.ok()) return s;
  if (to != before && flushedSomething) *flushedSomething = true;
  int64_t where = file->fileFromOffset() + to;
  if (where > flushedWhere()) setFlushedWhere(where);
  return Status::Ok();
}

Status MappedFileQueue::truncateDirtyFiles(int64_t offset) {
  {
    std::lock_guard prep(prepareMutex_);
    if (prepared_ && prepared_->fileFromOffset() > offset) dropPreparedLocked();
  }
  std::unique_lock lock(mutex_);
  std::vector<MappedFilePtr> keep;
  for (auto& f : files_) {
    const int64_t end = f->fileFromOffset() + fileSize_;
    if (end <= offset) {
      keep.push_back(f);
    } else if (offset >= f->fileFromOffset()) {
      const int64_t pos = offset - f->fileFromOffset();
      f->setWrotePosition(pos);
      f->setFlushedPosition(pos);
      keep.push_back(f);
    } else {
      RMQ_LOG(INFO) << "delete dirty file " << f->path();
      Status s = f->destroy();
      if (!s.ok()) return s;
    }
  }
  files_ = std::move(keep);
  return Status::Ok();
}

Status MappedFileQueue::deleteLastFile() {
  {
    std::lock_guard prep(prepareMutex_);
    dropPreparedLocked();
  }
  std::unique_lock lock(mutex_);
  if (files_.empty()) return Status::Ok();
  RMQ_LOG(INFO) << "delete last file " << files_.back()->path();
  Status s = files_.back()->destroy();
  if (!s.ok()) return s;
  files_.pop_back();
  return Status::Ok();
}

Status MappedFileQueue::destroyAll() {
  {
    std::lock_guard prep(prepareMutex_);
    dropPreparedLocked();
  }
  std::unique_lock lock(mutex_);
  for (auto& f : files_) {
    Status s = f->destroy();
    if (!s.ok()) return s;
  }
  files_.clear();
  flushedWhere_ = 0;
  return Status::Ok();
}

int MappedFileQueue::deleteFromFront(const std::function<bool(const MappedFile&)>& shouldDelete,
                                     int maxFiles) {
  std::vector<MappedFilePtr> victims;
  {
    std::unique_lock lock(mutex_);
    size_t n = 0;
    while (n + 1 < files_.size() && static_cast<int>(n) < maxFiles && shouldDelete(*files_[n])) {
      ++n;
    }
    victims.assign(files_.begin(), files_.begin() + static_cast<long>(n));
    files_.erase(files_.begin(), files_.begin() + static_cast<long>(n));
  }
  for (auto& f : victims) {
    RMQ_LOG(INFO) << "delete expired file " << f->path();
    (void)f->destroy();
  }
  return static_cast<int>(victims.size());
}

}  // namespace rmq::store
