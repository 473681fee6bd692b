// Retention of the store (Java CleanCommitLogService / CleanConsumeQueueService, shared protocol
// store-format.md section 11): expired CommitLog files are deleted at the hours of `deleteWhen`,
// when the disk is fuller than diskMaxUsedSpaceRatio, or when an admin asked for it; then the
// ConsumeQueue and index files that only point below the new CommitLog min offset. Above the
// warning ratio (0.90) the store refuses writes (disk full) until usage falls again.
//
// Threading: run() on the store's clean thread; requestDeleteNow() from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "store/message_store_config.h"

namespace rmq::store {

class MessageStore;

class CleanService {
 public:
  CleanService(MessageStore& store, const MessageStoreConfig& config);

  // One round (called every cleanResourceInterval).
  void run();
  // DELETE_EXPIRED_COMMITLOG: force deletion of expired files for the next 20 rounds.
  void requestDeleteNow() { manualDeleteRounds_.store(20); }
  // Used ratio (0..1, in whole percent) of the file system holding `path`, or -1 when unknown,
  // by Java's rule (usedRatioOf), which the cleaning thresholds and runtime info follow.
  static double diskUsedRatio(const std::string& path);
  // From the file system's total, free (f_bfree) and usable (f_bavail) bytes.
  static double usedRatioOf(uint64_t total, uint64_t free, uint64_t usable);
  // For tests: replaces the disk usage probe and the clock.
  void setProbes(std::function<double()> usage, std::function<int64_t()> nowMs) {
    usage_ = std::move(usage);
    now_ = std::move(nowMs);
  }
  int deletedCommitLogFiles() const { return deletedFiles_.load(); }

 private:
  bool isTimeToDelete(int64_t nowMs) const;
  void cleanConsumeQueuesAndIndex();

  MessageStore& store_;
  const MessageStoreConfig& config_;
  std::atomic<int> manualDeleteRounds_{0};
  std::atomic<int> deletedFiles_{0};
  int64_t lastPhyMinOffset_ = 0;
  std::function<double()> usage_;
  std::function<int64_t()> now_;
};

}  // namespace rmq::store
