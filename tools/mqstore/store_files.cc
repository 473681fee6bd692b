#include "tools/mqstore/store_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/properties.h"

namespace rmq::tools::mqstore {

std::unique_ptr<ReadOnlyFile> ReadOnlyFile::open(const std::string& path, Status& status) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    status = Status::Error("open " + path + ": " + std::strerror(errno));
    return nullptr;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    status = Status::Error("stat " + path + ": " + std::strerror(errno));
    ::close(fd);
    return nullptr;
  }
  const size_t size = static_cast<size_t>(st.st_size);
  const uint8_t* data = nullptr;
  if (size > 0) {
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
      status = Status::Error("mmap " + path + ": " + std::strerror(errno));
      ::close(fd);
      return nullptr;
    }
    data = static_cast<const uint8_t*>(p);
  }
  ::close(fd);  // the mapping stays valid
  status = Status::Ok();
  return std::make_unique<ReadOnlyFile>(path, data, size);
}

ReadOnlyFile::~ReadOnlyFile() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

Settings defaultSettings() {
  const store::MessageStoreConfig c;
  Settings s;
  s.maxHashSlotNum = c.maxHashSlotNum;
  s.maxIndexNum = c.maxIndexNum;
  (void)store::DelayLevelTable::parse(c.messageDelayLevel, s.delayLevels);
  return s;
}

Status loadSettings(const std::string& path, Settings& out) {
  Properties props;
  Status s = Properties::loadFile(path, props);
  if (!s.ok()) return s;
  store::MessageStoreConfig c;
  std::vector<std::string> unknown;  // broker keys: not ours
  s = store::MessageStoreConfig::binder().apply(c, props, &unknown);
  if (!s.ok()) return Status::Error(path + ": " + s.message());
  out = Settings();
  out.fromConfig = true;
  out.commitLogFileSize = c.mappedFileSizeCommitLog;
  out.consumeQueueFileSize = c.consumeQueueFileSize();
  out.maxHashSlotNum = c.maxHashSlotNum;
  out.maxIndexNum = c.maxIndexNum;
  out.enableConsumeQueueExt = c.enableConsumeQueueExt;
  s = store::DelayLevelTable::parse(c.messageDelayLevel, out.delayLevels);
  if (!s.ok()) return Status::Error(path + ": messageDelayLevel: " + s.message());
  return Status::Ok();
}

std::vector<std::string> sortedNames(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool isDirectory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

Status mapSegments(const std::string& dir, std::vector<SegmentFile>& out,
                   std::vector<std::string>& strays) {
  for (const auto& name : sortedNames(dir)) {
    auto start = parseJavaLong(name);
    if (!start || name.size() != 20 || *start < 0) {
      strays.push_back(dir + "/" + name);
      continue;
    }
    SegmentFile f;
    f.name = name;
    f.start = *start;
    Status s;
    f.file = ReadOnlyFile::open(dir + "/" + name, s);
    if (!f.file) return s;
    out.push_back(std::move(f));
  }
  return Status::Ok();
}

Status StoreFiles::open(const std::string& root, Settings settings) {
  root_ = root;
  settings_ = std::move(settings);
  if (!isDirectory(root)) return Status::Error(root + " is not a directory");
  Status s = mapSegments(root + "/commitlog", commitLog_, strays_);
  if (!s.ok()) return s;
  if (!settings_.fromConfig && !commitLog_.empty()) {
    settings_.commitLogFileSize = static_cast<int64_t>(commitLog_.front().file->bytes().size());
  }
  if (!settings_.fromConfig) settings_.consumeQueueFileSize = consumeQueueFileSize();
  return Status::Ok();
}

std::span<const uint8_t> StoreFiles::commitLogAt(int64_t offset) const {
  // Files are sorted by start offset; find the last one starting at or before `offset`.
  auto it = std::upper_bound(commitLog_.begin(), commitLog_.end(), offset,
                             [](int64_t o, const SegmentFile& f) { return o < f.start; });
  if (it == commitLog_.begin()) return {};
  const SegmentFile& f = *(it - 1);
  const auto bytes = f.file->bytes();
  const int64_t pos = offset - f.start;
  if (pos < 0 || pos >= static_cast<int64_t>(bytes.size())) return {};
  return bytes.subspan(static_cast<size_t>(pos));
}

int64_t StoreFiles::commitLogMinOffset() const {
  return commitLog_.empty() ? 0 : commitLog_.front().start;
}

std::vector<std::pair<std::string, int32_t>> StoreFiles::queues() const {
  std::vector<std::pair<std::string, int32_t>> out;
  const std::string dir = root_ + "/consumequeue";
  for (const auto& topic : sortedNames(dir)) {
    if (!isDirectory(dir + "/" + topic)) continue;
    std::vector<int32_t> ids;
    for (const auto& q : sortedNames(dir + "/" + topic)) {
      auto id = parseJavaInt(q);
      if (id && isDirectory(dir + "/" + topic + "/" + q)) ids.push_back(*id);
    }
    std::sort(ids.begin(), ids.end());
    for (int32_t id : ids) out.emplace_back(topic, id);
  }
  return out;
}

std::string StoreFiles::queueDirectory(const std::string& topic, int32_t queueId) const {
  return root_ + "/consumequeue/" + topic + "/" + std::to_string(queueId);
}

int64_t StoreFiles::consumeQueueFileSize() const {
  if (settings_.fromConfig || settings_.consumeQueueFileSize > 0) {
    return settings_.consumeQueueFileSize;
  }
  for (const auto& [topic, id] : queues()) {
    const std::string dir = queueDirectory(topic, id);
    for (const auto& name : sortedNames(dir)) {
      struct stat st {};
      if (name.size() == 20 && ::stat((dir + "/" + name).c_str(), &st) == 0) return st.st_size;
    }
  }
  return 0;
}

bool StoreFiles::abortPresent() const {
  struct stat st {};
  return ::stat((root_ + "/abort").c_str(), &st) == 0;
}

}  // namespace rmq::tools::mqstore
