// One ConsumeQueue (topic, queueId): 20-byte units (CommitLog offset, size, tagsCode) indexed by
// logical queue offset, in fixed-size files under consumequeue/<topic>/<queueId>/.
//
// Threading contract: one writer (the dispatcher, or recovery) calls putUnit(); any thread reads.
// A unit becomes visible to readers only after all 20 bytes are written (the file's wrote
// position is published with release semantics).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/mapped_file_queue.h"

namespace rmq::store {

struct ConsumeQueueUnit {
  int64_t commitLogOffset = 0;
  int32_t size = 0;
  int64_t tagsCode = 0;
};

class ConsumeQueue {
 public:
  ConsumeQueue(std::string topic, int32_t queueId, const std::string& rootDir, int32_t fileSize);

  const std::string& topic() const { return topic_; }
  int32_t queueId() const { return queueId_; }

  Status load() { return files_.load(); }
  // Finds the end of valid units (shared protocol store-format.md 8.1) and drops what follows.
  Status recover();

  // Appends the unit for `queueOffset` (idempotent for re-dispatch: units already present are
  // skipped). Returns false only when the file could not be created.
  bool putUnit(int64_t commitLogOffset, int32_t size, int64_t tagsCode, int64_t queueOffset);

  int64_t minOffsetInQueue() const { return minLogicOffset_.load() / kUnit; }
  int64_t maxOffsetInQueue() const { return files_.maxOffset() / kUnit; }
  int64_t maxPhysicOffset() const { return maxPhysicOffset_.load(); }
  void setMaxPhysicOffset(int64_t v) { maxPhysicOffset_.store(v); }

  bool getUnit(int64_t queueOffset, ConsumeQueueUnit& out) const;
  // Units from `queueOffset` to the end of what is written in the file holding it.
  MappedRegion getUnits(int64_t queueOffset) const;
  // The same units decoded, at most `maxCount`; false when there is none (Java's
  // getIndexBuffer returning null).
  bool readUnitsInFile(int64_t queueOffset, int64_t maxCount,
                       std::vector<ConsumeQueueUnit>& out) const;
  // Queue offset where the file after the one holding `queueOffset` starts.
  int64_t rollNextFile(int64_t queueOffset) const;

  // Drops every unit that refers to CommitLog data at or beyond `phyOffset`.
  Status truncateDirtyLogicFiles(int64_t phyOffset);
  // minOffset = first unit (in the first file) whose CommitLog offset >= phyMinOffset.
  void correctMinOffset(int64_t phyMinOffset);
  // Deletes files whose last unit points below `phyMinOffset`; returns how many.
  int deleteExpiredFiles(int64_t phyMinOffset);

  // SEARCH_OFFSET_BY_TIMESTAMP: `storeTimeOf(offset, size)` reads a message's store time from
  // the CommitLog (or -1). See shared protocol semantics.md section 12.
  int64_t offsetInQueueByTime(int64_t timestamp, int64_t phyMinOffset,
                              const std::function<int64_t(int64_t, int32_t)>& storeTimeOf) const;

  Status flush(int leastPages) { return files_.flush(leastPages); }
  Status destroy();
  MappedFileQueue& files() { return files_; }

  static constexpr int32_t kUnit = 20;

 private:
  static ConsumeQueueUnit readUnit(const char* p);
  std::string topic_;
  int32_t queueId_;
  MappedFileQueue files_;
  std::atomic<int64_t> maxPhysicOffset_{-1};
  std::atomic<int64_t> minLogicOffset_{0};
};

}  // namespace rmq::store
