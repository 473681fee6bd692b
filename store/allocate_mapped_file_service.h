// Keeps the CommitLog writer off the slow paths of a memory-mapped append (Java's
// AllocateMappedFileService plus its warmMappedFile, done incrementally):
//  * the next file is created (open + fallocate + mmap) before the writer needs it, so a roll
//    under the put lock only swaps a pointer;
//  * the pages just ahead of the write position are faulted in writable (MADV_POPULATE_WRITE),
//    so the copy under the put lock does not take first-touch page faults (48 % of the locked
//    time before, docs/PERFORMANCE.md). At most `warmAheadBytes` ahead: the resident set grows
//    by that window, not by the file size;
//  * what is flushed and more than kResidentWindow behind the writer is unmapped from the
//    process (it stays in the page cache), every kTrimIntervalMs: the resident set does not
//    grow with the amount stored, only readers of old data map pages again for a while.
//
// Threading: one background thread. The writer calls notifyWrote() after publishing a write; it
// costs one relaxed load and compare unless the write crossed a warm chunk, then one notify.
// The service never takes the put lock and never writes bytes into the files.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "store/mapped_file_queue.h"

namespace rmq::store {

class AllocateMappedFileService {
 public:
  // `randomAccess`: keep the file being written in MADV_RANDOM (SYNC_FLUSH), see MappedFile.
  AllocateMappedFileService(MappedFileQueue& files, int64_t warmAheadBytes, bool randomAccess);
  ~AllocateMappedFileService();
  AllocateMappedFileService(const AllocateMappedFileService&) = delete;
  AllocateMappedFileService& operator=(const AllocateMappedFileService&) = delete;

  void start();
  void shutdown();

  // The writer published [wroteFrom, wroteTo) (global offsets); `rolled`: it started a new file.
  void notifyWrote(int64_t wroteFrom, int64_t wroteTo, bool rolled) {
    if (rolled || wroteFrom / kChunk != wroteTo / kChunk) wake();
  }
  // Runs one round synchronously (tests, and start()).
  void prepareOnce();

  // Size of one populate call; the writer wakes the service once per chunk written.
  static constexpr int64_t kChunk = 1 << 20;
  static constexpr int64_t kResidentWindow = 128 << 20;
  static constexpr int64_t kTrimIntervalMs = 10000;

  // Unmaps what is flushed and at least `window` bytes behind the write position (see above).
  void trimResident(int64_t window = kResidentWindow);

 private:
  void wake();
  void run();

  MappedFileQueue& files_;
  const int64_t warmAhead_;
  const bool randomAccess_;
  bool populateWorks_ = true;
  // Service thread only:
  int64_t warmedTo_ = -1;   // global offset populated so far
  MappedFilePtr previous_;  // the file last seen being written
  int64_t lastTrimMs_ = 0;

  std::mutex mutex_;
  std::condition_variable cv_;
  bool pending_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rmq::store
