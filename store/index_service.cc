#include "store/index_service.h"

#include <dirent.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <mutex>

#include "common/file_util.h"
#include "common/logging.h"
#include "store/store_format.h"

namespace rmq::store {

std::string indexFileNameForNow() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  tm local{};
  localtime_r(&tv.tv_sec, &local);
  char buf[32];
  size_t n = strftime(buf, sizeof(buf), "%Y%m%d%H%M%S", &local);
  snprintf(buf + n, sizeof(buf) - n, "%03d", static_cast<int>(tv.tv_usec / 1000));
  return buf;
}

IndexService::IndexService(const MessageStoreConfig& config, StoreCheckpoint& checkpoint)
    : config_(config), checkpoint_(checkpoint) {}

Status IndexService::load(bool lastExitOK) {
  std::vector<std::string> names;
  const std::string dir = config_.indexDir();
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      names.push_back(name);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  // A crash while the newest file was being created leaves it empty: drop it, it held no data.
  while (!names.empty() && isZeroLengthFile(dir + "/" + names.back())) {
    RMQ_LOG(WARN) << "removing the empty index file " << names.back()
                  << " (its creation was interrupted)";
    ::unlink((dir + "/" + names.back()).c_str());
    names.pop_back();
  }
  std::unique_lock lock(mutex_);
  files_.clear();
  for (const auto& name : names) {
    Status s;
    auto f =
        IndexFile::open(dir + "/" + name, config_.maxHashSlotNum, config_.maxIndexNum, false, s);
    if (!f) return s;
    if (!lastExitOK && f->endTimestamp() > checkpoint_.indexMsgTimestamp()) {
      RMQ_LOG(INFO) << "delete index file " << name << " newer than the checkpoint";
      (void)f->destroy();
      continue;
    }
    files_.push_back(std::move(f));
  }
  return Status::Ok();
}

IndexFile* IndexService::lastFileForWrite() {
  {
    std::shared_lock lock(mutex_);
    if (!files_.empty() && !files_.back()->isFull()) return files_.back().get();
  }
  int64_t endPhy = 0, endTs = 0;
  IndexFile* previous = nullptr;
  {
    std::shared_lock lock(mutex_);
    if (!files_.empty()) {
      previous = files_.back().get();
      endPhy = previous->endPhyOffset();
      endTs = previous->endTimestamp();
    }
  }
  Status s = makeDirectories(config_.indexDir());
  std::string name = indexFileNameForNow();
  {
    std::shared_lock lock(mutex_);
    // Names must increase even if two files are created within one millisecond.
    if (!files_.empty() && name <= files_.back()->fileName()) {
      name = std::to_string(std::stoll(files_.back()->fileName()) + 1);
    }
  }
  auto f = IndexFile::open(config_.indexDir() + "/" + name, config_.maxHashSlotNum,
                           config_.maxIndexNum, true, s);
  if (!f) {
    RMQ_LOG(ERROR) << "cannot create index file: " << s.message();
    return nullptr;
  }
  f->initHeader(endPhy, endTs);
  IndexFile* raw = f.get();
  {
    std::unique_lock lock(mutex_);
    files_.push_back(std::move(f));
  }
  if (previous) {
    // The full file is made durable and becomes the checkpoint's index time.
    (void)previous->flush();
    checkpoint_.setIndexMsgTimestamp(previous->endTimestamp());
    (void)checkpoint_.flush();
  }
  return raw;
}

bool IndexService::putKey(IndexFile*& file, std::string_view topic, std::string_view key,
                          int64_t offset, int64_t storeTimestamp) {
  keyScratch_.assign(topic);
  keyScratch_.push_back(index::kKeyJoiner);
  keyScratch_.append(key);
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (file->putKey(keyScratch_, offset, storeTimestamp)) return true;
    file = lastFileForWrite();
    if (!file) return false;
  }
  return false;
}

void IndexService::buildIndex(const IndexRequest& req) {
  if ((req.sysFlag & sysflag::kTransactionMask) == sysflag::kTransactionRollback) return;
  IndexFile* file = lastFileForWrite();
  if (!file) return;
  // Already indexed (re-dispatch after recovery). The message at exactly endPhyOffset is
  // indexed again, as Java does.
  if (req.commitLogOffset < file->endPhyOffset()) return;
  if (!req.uniqKey.empty()) {
    if (!putKey(file, req.topic, req.uniqKey, req.commitLogOffset, req.storeTimestamp)) return;
  }
  std::string_view keys = req.keys;
  while (!keys.empty()) {
    size_t sp = keys.find(' ');
    std::string_view k = keys.substr(0, sp);
    keys = sp == std::string_view::npos ? std::string_view() : keys.substr(sp + 1);
    if (k.empty()) continue;
    if (!putKey(file, req.topic, k, req.commitLogOffset, req.storeTimestamp)) return;
  }
}

QueryOffsetResult IndexService::queryOffset(std::string_view topic, std::string_view key,
                                            int32_t maxNum, int64_t begin, int64_t end) const {
  QueryOffsetResult r;
  const size_t cap = static_cast<size_t>(std::max(0, std::min(maxNum, config_.maxMsgsNumBatch)));
  std::string k(topic);
  k.push_back(index::kKeyJoiner);
  k.append(key);
  std::shared_lock lock(mutex_);
  for (size_t i = files_.size(); i-- > 0;) {
    const IndexFile& f = *files_[i];
    if (i + 1 == files_.size()) {
      r.indexLastUpdateTimestamp = f.endTimestamp();
      r.indexLastUpdatePhyoffset = f.endPhyOffset();
    }
    if (f.isTimeMatched(begin, end)) f.selectPhyOffsets(k, cap, begin, end, r.phyOffsets);
    if (f.beginTimestamp() < begin || r.phyOffsets.size() >= cap) break;
  }
  return r;
}

int IndexService::deleteExpiredFiles(int64_t commitLogMinOffset) {
  std::vector<std::unique_ptr<IndexFile>> victims;
  {
    std::unique_lock lock(mutex_);
    while (files_.size() > 1 && files_.front()->endPhyOffset() < commitLogMinOffset) {
      victims.push_back(std::move(files_.front()));
      files_.erase(files_.begin());
    }
  }
  for (auto& f : victims) (void)f->destroy();
  return static_cast<int>(victims.size());
}

void IndexService::flush() {
  std::shared_lock lock(mutex_);
  if (!files_.empty()) (void)files_.back()->flush();
}

void IndexService::destroy() {
  std::unique_lock lock(mutex_);
  for (auto& f : files_) (void)f->destroy();
  files_.clear();
}

size_t IndexService::fileCount() const {
  std::shared_lock lock(mutex_);
  return files_.size();
}

}  // namespace rmq::store
