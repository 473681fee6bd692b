// The 4096-byte `checkpoint` file (shared protocol store-format.md 7.1): store times of the newest
// message covered by a full CommitLog flush, dispatched to a ConsumeQueue, and of the last full
// index file. Recovery starts from min(physic, logics) - 3 s.
//
// Threading: setters from any thread (atomics); flush() writes the three values and msyncs.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "store/mapped_file.h"

namespace rmq::store {

class StoreCheckpoint {
 public:
  Status open(const std::string& path);
  Status flush();
  void close();

  int64_t physicMsgTimestamp() const { return physic_.load(); }
  int64_t logicsMsgTimestamp() const { return logics_.load(); }
  int64_t indexMsgTimestamp() const { return index_.load(); }
  void setPhysicMsgTimestamp(int64_t v) { physic_.store(v); }
  void setLogicsMsgTimestamp(int64_t v) { logics_.store(v); }
  void setIndexMsgTimestamp(int64_t v) { index_.store(v); }

  // max(0, min(physic, logics) - 3000) and its variant including the index time.
  int64_t minTimestamp() const;
  int64_t minTimestampIndex() const;

 private:
  MappedFilePtr file_;
  std::atomic<int64_t> physic_{0};
  std::atomic<int64_t> logics_{0};
  std::atomic<int64_t> index_{0};
};

}  // namespace rmq::store
