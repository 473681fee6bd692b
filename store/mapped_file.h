// One fixed-size store file mapped into memory (MAP_SHARED), named by the global offset of its
// first byte: a CommitLog or ConsumeQueue segment.
//
// Durability contract: bytes copied into data() reach the page cache at once and the disk when
// flush() has covered them (msync of the dirty page range). Files are created at full size with
// fallocate so that writing through the mapping never faults on a full disk (SIGBUS); creation
// fails with an error instead.
//
// Threading contract: one writer at a time (the owner of the append path) copies bytes and then
// publishes them with setWrotePosition() (release). Readers on any thread read up to
// wrotePosition() (acquire). flush() may run on a flush thread concurrently with the writer.
// Lifetime: shared_ptr. destroy() unlinks the file; the mapping stays valid until the last
// reference (e.g. a pull response still being written to a socket) goes away.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace rmq::store {

class MappedFile {
 public:
  // Opens (or creates, when `create` and absent) `path` with exactly `fileSize` bytes.
  // An existing file of another size is refused with an error naming the file.
  static std::shared_ptr<MappedFile> open(const std::string& path, int64_t fileFromOffset,
                                          int64_t fileSize, bool create, Status& status);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const std::string& path() const { return path_; }
  const std::string& fileName() const { return fileName_; }
  int64_t fileFromOffset() const { return fileFromOffset_; }
  int64_t fileSize() const { return fileSize_; }
  char* data() const { return base_; }

  int64_t wrotePosition() const { return wrote_.load(std::memory_order_acquire); }
  void setWrotePosition(int64_t pos) { wrote_.store(pos, std::memory_order_release); }
  int64_t flushedPosition() const { return flushed_.load(std::memory_order_acquire); }
  void setFlushedPosition(int64_t pos) { flushed_.store(pos, std::memory_order_release); }
  bool isFull() const { return wrotePosition() >= fileSize_; }
  int64_t remaining() const { return fileSize_ - wrotePosition(); }

  // Flushes [flushed, wrote) when at least `leastPages` dirty pages (0 = whatever is dirty)
  // or the file is full. Returns the flushed position (== wrote position when all flushed).
  Status flush(int leastPages, int64_t* flushedTo = nullptr);

  // Time of the last modification of the file (for retention).
  int64_t lastModifiedMillis() const;
  // Unlinks the file; the mapping remains until the last reference is gone.
  Status destroy();
  bool destroyed() const { return destroyed_.load(std::memory_order_acquire); }

  // Advises the kernel about access: sequential reads of older segments, or drop them.
  void adviseSequential() const;
  // Access advice for the file being appended to under SYNC_FLUSH: no readahead, so the page
  // cache holds it in 4 KiB folios and a flush writes back only the pages it dirtied (large
  // folios are written back whole: 26-231x write amplification measured, docs/PERFORMANCE.md).
  void adviseRandom() const;
  void adviseNormal() const;
  // Unmaps [from, to) (rounded in to pages) from this process: the pages stay in the page cache
  // (dirty ones are still written back), a later access maps them again. Keeps the resident set
  // to the part of the log in use instead of everything written since start.
  void releaseResident(int64_t from, int64_t to) const;
  // Maps [from, to) (file positions, rounded out to pages) writable ahead of the writer, so the
  // copy under the put lock does not take the page faults. Contents are unchanged. Returns false
  // when the kernel cannot do it (no MADV_POPULATE_WRITE, before Linux 5.14).
  bool populate(int64_t from, int64_t to) const;

  static constexpr int64_t kPageSize = 4096;

 private:
  MappedFile(std::string path, int64_t from, int64_t size, int fd, char* base);
  std::string path_;
  std::string fileName_;
  int64_t fileFromOffset_;
  int64_t fileSize_;
  int fd_;
  char* base_;
  std::atomic<int64_t> wrote_{0};
  std::atomic<int64_t> flushed_{0};
  std::atomic<bool> destroyed_{false};
};

using MappedFilePtr = std::shared_ptr<MappedFile>;

// A readable region of a mapped file, kept alive by `file`.
struct MappedRegion {
  MappedFilePtr file;
  const char* data = nullptr;
  int64_t size = 0;
  int64_t startOffset = 0;  // global offset of data[0]
  bool valid() const { return data != nullptr; }
};

// "%020d" of an offset: the Java file name of a segment.
std::string offsetToFileName(int64_t offset);

// True for an existing file of length 0: MappedFile::open(create) died between creating the file
// and sizing it, so it never held data. Loaders drop such a file when it is the newest one.
bool isZeroLengthFile(const std::string& path);

}  // namespace rmq::store
