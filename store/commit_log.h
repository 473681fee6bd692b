// The CommitLog: every message of the broker, back to back in fixed-size mapped files (shared
// protocol store-format.md section 3, docs/store-format.md).
//
// Append path: one writer position under a short put lock that covers only the assignment of
// the queue offset / physical offset / store time and the copy of the encoded record into the
// mapped file. Flushing, dispatch to ConsumeQueue/index and long-poll wake-ups never run under
// that lock: ASYNC_FLUSH returns as soon as the bytes are in the page cache; SYNC_FLUSH hands the
// caller's completion to the GroupCommitService.
//
// Durability contract: in SYNC_FLUSH a put completes with PUT_OK only after a flush covered it,
// with FLUSH_DISK_TIMEOUT after syncFlushTimeout (the data is stored but not known durable).
// In ASYNC_FLUSH data is flushed every flushIntervalCommitLog ms (at least
// flushCommitLogLeastPages dirty pages, everything every flushCommitLogThoroughInterval).
//
// Threading: put*() from any thread; reads from any thread; recovery before start().
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "store/allocate_mapped_file_service.h"
#include "store/group_commit_service.h"
#include "store/mapped_file_queue.h"
#include "store/message_record.h"
#include "store/message_store_config.h"
#include "store/put_message_result.h"
#include "store/store_stats_service.h"

namespace rmq::store {

// Queue offsets per topic and queue (Java CommitLog.topicQueueTable, keyed "topic-queueId").
// Lookups take the topic as a string_view: no key string is built per put.
// Threading: guarded by the CommitLog put lock.
class QueueOffsetTable {
 public:
  int64_t next(std::string_view topic, int32_t queueId) const;  // current value (0 if absent)
  // The entry itself (created at 0): one lookup serves the read and the advance of a put.
  int64_t& slot(std::string_view topic, int32_t queueId);
  void advance(std::string_view topic, int32_t queueId, int64_t by) { slot(topic, queueId) += by; }
  void set(std::string_view topic, int32_t queueId, int64_t value) { slot(topic, queueId) = value; }
  void remove(std::string_view topic, int32_t queueId);
  void clear() { table_.clear(); }

 private:
  struct Key {
    std::string topic;
    int32_t queueId;
  };
  struct KeyView {
    std::string_view topic;
    int32_t queueId;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(const KeyView& k) const {
      return std::hash<std::string_view>()(k.topic) * 31 + static_cast<uint32_t>(k.queueId);
    }
    size_t operator()(const Key& k) const { return (*this)(KeyView{k.topic, k.queueId}); }
  };
  struct Equal {
    using is_transparent = void;
    static KeyView view(const Key& k) { return {k.topic, k.queueId}; }
    static KeyView view(const KeyView& k) { return k; }
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      KeyView x = view(a), y = view(b);
      return x.queueId == y.queueId && x.topic == y.topic;
    }
  };
  std::unordered_map<Key, int64_t, Hash, Equal> table_;
};

class CommitLog {
 public:
  explicit CommitLog(const MessageStoreConfig& config);
  ~CommitLog();

  Status load() { return files_.load(); }
  void start();     // flush services
  void shutdown();  // final flush

  // Stores one message. `done` runs when the put is complete (see class comment).
  void putMessage(const MessageToStore& msg, bool waitStoreMsgOK, PutCallback done) {
    putMessages(std::span<const MessageToStore>(&msg, 1), waitStoreMsgOK, std::move(done));
  }
  // Stores the messages of a batch contiguously in one file with consecutive queue offsets.
  // The records are encoded (CRC included) into a per-thread buffer before the put lock; under
  // it only the placement fields are patched and the bytes copied into the mapped file.
  void putMessages(std::span<const MessageToStore> batch, bool waitStoreMsgOK, PutCallback done);

  // ---- reads ----
  int64_t minOffset() const;
  int64_t maxOffset() const { return files_.maxOffset(); }
  int64_t flushedWhere() const { return files_.flushedWhere(); }
  // `size` bytes at `offset`, if written.
  MappedRegion getData(int64_t offset, int32_t size) const;
  // From `offset` to the end of what is written in its file (for the dispatcher).
  MappedRegion getData(int64_t offset) const;
  // Start of the next file after `offset` (to skip a blank marker).
  int64_t rollNextFile(int64_t offset) const;
  int32_t fileSize() const { return config_.mappedFileSizeCommitLog; }
  MappedFileQueue& files() { return files_; }
  QueueOffsetTable& queueOffsets() { return queueOffsets_; }
  std::mutex& putLock() { return putMutex_; }

  // Where put times, counts and failures are counted (the MessageStore's); null = not counted.
  void setStatsService(StoreStatsService* stats) { stats_ = stats; }

  // Store time of the last record appended (for the checkpoint).
  int64_t lastStoreTimestamp() const { return lastStoreTimestamp_.load(); }
  // Store time of the newest record covered by the last flush.
  int64_t flushedStoreTimestamp() const { return flushedStoreTimestamp_.load(); }
  bool isOsPageCacheBusy() const;

  // ---- recovery ----
  // Walks the records from the 3rd-from-last file (normal) or from the file chosen by
  // `chooseStart` (abnormal); `onRecord` sees every valid record (abnormal recovery dispatches).
  // Returns the offset where valid data ends and truncates everything after it.
  struct RecoveryResult {
    int64_t processOffset = 0;
    int64_t records = 0;
  };
  Status recover(bool abnormal, int64_t minTimestamp,
                 const std::function<void(const DecodedRecord&, int64_t offset)>& onRecord,
                 RecoveryResult& result);

  // Flushes everything written; returns the durable offset.
  int64_t flushAll();

 private:
  enum class Append { kOk, kEndOfFile, kError };
  // `beginMs`: monotonic time the put entered putMessages (for the store statistics).
  void complete(const PutMessageResult& result, bool waitStoreMsgOK, PutCallback& done,
                int64_t beginMs);
  void flushLoop();

  const MessageStoreConfig& config_;
  MappedFileQueue files_;
  std::mutex putMutex_;
  MappedFilePtr writeFile_;        // guarded by putMutex_
  QueueOffsetTable queueOffsets_;  // guarded by putMutex_
  std::atomic<int64_t> lockBeginMs_{0};
  std::atomic<int64_t> lastStoreTimestamp_{0};
  std::atomic<int64_t> flushedStoreTimestamp_{0};
  std::vector<uint8_t> blank_;

  StoreStatsService* stats_ = nullptr;
  std::unique_ptr<AllocateMappedFileService> allocator_;
  std::unique_ptr<GroupCommitService> groupCommit_;
  std::thread flushThread_;
  std::mutex flushMutex_;
  std::condition_variable flushCv_;
  bool stopping_ = false;
};

}  // namespace rmq::store
