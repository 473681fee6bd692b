#include "store/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace rmq::store {

std::string offsetToFileName(int64_t offset) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%020lld", static_cast<long long>(offset));
  return buf;
}

bool isZeroLengthFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0;
}

MappedFile::MappedFile(std::string path, int64_t from, int64_t size, int fd, char* base)
    : path_(std::move(path)), fileFromOffset_(from), fileSize_(size), fd_(fd), base_(base) {
  auto slash = path_.find_last_of('/');
  fileName_ = slash == std::string::npos ? path_ : path_.substr(slash + 1);
}

MappedFile::~MappedFile() {
  if (base_) ::munmap(base_, static_cast<size_t>(fileSize_));
  if (fd_ >= 0) ::close(fd_);
}

std::shared_ptr<MappedFile> MappedFile::open(const std::string& path, int64_t fileFromOffset,
                                             int64_t fileSize, bool create, Status& status) {
  int flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0);
  int fd = ::open(path.c_str(), flags, 0644);
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
  if (st.st_size != fileSize) {
    if (st.st_size != 0 || !create) {
      status = Status::Error("file " + path + " has length " + std::to_string(st.st_size) +
                             ", expected " + std::to_string(fileSize) +
                             " (check mappedFileSize* settings)");
      ::close(fd);
      return nullptr;
    }
    // Reserve the blocks now: a later write through the mapping cannot fail on a full disk.
    int rc = ::posix_fallocate(fd, 0, fileSize);
    if (rc == EOPNOTSUPP || rc == EINVAL) {
      rc = ::ftruncate(fd, fileSize) == 0 ? 0 : errno;
    }
    if (rc != 0) {
      status = Status::Error("cannot allocate " + std::to_string(fileSize) + " bytes for " + path +
                             ": " + std::strerror(rc));
      ::close(fd);
      ::unlink(path.c_str());
      return nullptr;
    }
  }
  void* base =
      ::mmap(nullptr, static_cast<size_t>(fileSize), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    status = Status::Error("mmap " + path + ": " + std::strerror(errno));
    ::close(fd);
    return nullptr;
  }
  status = Status::Ok();
  return std::shared_ptr<MappedFile>(
      new MappedFile(path, fileFromOffset, fileSize, fd, static_cast<char*>(base)));
}

Status MappedFile::flush(int leastPages, int64_t* flushedTo) {
  const int64_t wrote = wrotePosition();
  const int64_t flushed = flushedPosition();
  if (flushedTo) *flushedTo = flushed;
  if (wrote <= flushed) return Status::Ok();
  const bool full = wrote >= fileSize_;
  if (!full && leastPages > 0) {
    int64_t dirtyPages = wrote / kPageSize - flushed / kPageSize;
    if (dirtyPages < leastPages) return Status::Ok();
  }
  const int64_t start = (flushed / kPageSize) * kPageSize;
  const int64_t end = std::min(fileSize_, ((wrote + kPageSize - 1) / kPageSize) * kPageSize);
  if (::msync(base_ + start, static_cast<size_t>(end - start), MS_SYNC) != 0) {
    return Status::Error("msync " + path_ + ": " + std::strerror(errno));
  }
  // Concurrent flushers only move the position forward.
  int64_t cur = flushed_.load(std::memory_order_acquire);
  while (cur < wrote && !flushed_.compare_exchange_weak(cur, wrote, std::memory_order_acq_rel)) {
  }
  if (flushedTo) *flushedTo = flushedPosition();
  return Status::Ok();
}

int64_t MappedFile::lastModifiedMillis() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return 0;
  return int64_t(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
}

Status MappedFile::destroy() {
  if (destroyed_.exchange(true)) return Status::Ok();
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
    return Status::Error("unlink " + path_ + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

void MappedFile::adviseSequential() const {
  ::madvise(base_, static_cast<size_t>(fileSize_), MADV_SEQUENTIAL);
}

void MappedFile::adviseRandom() const {
  ::madvise(base_, static_cast<size_t>(fileSize_), MADV_RANDOM);
}

void MappedFile::adviseNormal() const {
  ::madvise(base_, static_cast<size_t>(fileSize_), MADV_NORMAL);
}

void MappedFile::releaseResident(int64_t from, int64_t to) const {
  from = (std::max<int64_t>(0, from) + kPageSize - 1) / kPageSize * kPageSize;
  to = std::min(fileSize_, to) / kPageSize * kPageSize;
  if (to > from) ::madvise(base_ + from, static_cast<size_t>(to - from), MADV_DONTNEED);
}

bool MappedFile::populate(int64_t from, int64_t to) const {
#ifdef MADV_POPULATE_WRITE
  from = std::max<int64_t>(0, from) / kPageSize * kPageSize;
  to = std::min(fileSize_, (to + kPageSize - 1) / kPageSize * kPageSize);
  if (to <= from) return true;
  return ::madvise(base_ + from, static_cast<size_t>(to - from), MADV_POPULATE_WRITE) == 0;
#else
  (void)from;
  (void)to;
  return false;
#endif
}

}  // namespace rmq::store
