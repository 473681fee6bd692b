// The message store (Java DefaultMessageStore): CommitLog + ConsumeQueues + index + checkpoint,
// with load/recovery, the dispatcher ("reput") that builds ConsumeQueue units and index entries
// from the CommitLog, the ConsumeQueue flush service, and the read API the broker uses.
//
// Knows nothing of remoting. Threading: put*/get*/query* from any thread. The dispatcher is one
// thread; arrival listeners (long-poll wake-ups) run on it and must not block.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "store/clean_service.h"
#include "store/commit_log.h"
#include "store/consume_queue.h"
#include "store/delay_level_table.h"
#include "store/index_service.h"
#include "store/message_store_config.h"
#include "store/store_checkpoint.h"

namespace rmq::store {

enum class GetMessageStatus {
  FOUND,
  NO_MATCHED_MESSAGE,
  MESSAGE_WAS_REMOVING,
  OFFSET_FOUND_NULL,
  OFFSET_OVERFLOW_BADLY,
  OFFSET_OVERFLOW_ONE,
  OFFSET_TOO_SMALL,
  NO_MATCHED_LOGIC_QUEUE,
  NO_MESSAGE_IN_QUEUE,
};
const char* getMessageStatusName(GetMessageStatus s);

struct GetMessageResult {
  GetMessageStatus status = GetMessageStatus::NO_MESSAGE_IN_QUEUE;
  int64_t nextBeginOffset = 0;
  int64_t minOffset = 0;
  int64_t maxOffset = 0;
  std::vector<MappedRegion> messages;  // whole records, straight from the mapped CommitLog
  int64_t bufferTotalSize = 0;
  bool suggestPullingFromSlave = false;
};

// Decides which messages a pull returns (tags, SQL92...). Implemented by the broker.
class MessageFilter {
 public:
  virtual ~MessageFilter() = default;
  virtual bool isMatchedByConsumeQueue(int64_t tagsCode) const = 0;
  // `properties` is the record's PROPERTIES string.
  virtual bool isMatchedByCommitLog(std::string_view properties) const = 0;
};

// What the dispatcher learned about one record.
struct DispatchRequest {
  std::string_view topic;
  int32_t queueId = 0;
  int64_t commitLogOffset = 0;
  int32_t msgSize = 0;
  int64_t tagsCode = 0;
  int64_t storeTimestamp = 0;
  int64_t consumeQueueOffset = 0;
  std::string_view keys;
  std::string_view uniqKey;
  int32_t sysFlag = 0;
  int64_t preparedTransactionOffset = 0;
  std::string_view properties;
};
using ArrivalListener = std::function<void(const DispatchRequest&)>;

struct QueryMessageResult {
  std::vector<MappedRegion> messages;
  int64_t indexLastUpdateTimestamp = 0;
  int64_t indexLastUpdatePhyoffset = 0;
  int64_t bufferTotalSize = 0;
};

class MessageStore {
 public:
  explicit MessageStore(MessageStoreConfig config);
  ~MessageStore();
  MessageStore(const MessageStore&) = delete;
  MessageStore& operator=(const MessageStore&) = delete;

  // Maps the files and recovers (normal, or abnormal when the abort file is present).
  Status load();
  // Takes the lock file, dispatches what recovery left, starts the services, writes `abort`.
  Status start();
  void shutdown();

  const MessageStoreConfig& config() const { return config_; }
  const DelayLevelTable& delayLevels() const { return delayLevels_; }
  bool lastExitOK() const { return lastExitOK_; }

  // ---- writes ----
  // `waitStoreMsgOK` is the sender's WAIT property (SYNC_FLUSH waits for the flush only when
  // true); the broker strips WAIT from stored single messages, so it is passed separately.
  void putMessage(const MessageToStore& msg, PutCallback done);
  void putMessage(const MessageToStore& msg, bool waitStoreMsgOK, PutCallback done);
  void putMessages(std::span<const MessageToStore> batch, PutCallback done);
  void putMessages(std::span<const MessageToStore> batch, bool waitStoreMsgOK, PutCallback done);
  // Disk-space guard: writes are refused while the disk is over the warning ratio.
  bool isDiskFull() const { return diskFull_.load(); }
  void setDiskFull(bool full) { diskFull_.store(full); }

  // ---- reads ----
  GetMessageResult getMessage(std::string_view topic, int32_t queueId, int64_t offset,
                              int32_t maxMsgNums, const MessageFilter* filter);
  int64_t maxOffsetInQueue(std::string_view topic, int32_t queueId);
  int64_t minOffsetInQueue(std::string_view topic, int32_t queueId);
  int64_t commitLogOffsetInQueue(std::string_view topic, int32_t queueId, int64_t queueOffset);
  int64_t earliestMessageTime(std::string_view topic, int32_t queueId);
  int64_t messageStoreTimestamp(std::string_view topic, int32_t queueId, int64_t queueOffset);
  int64_t offsetInQueueByTime(std::string_view topic, int32_t queueId, int64_t timestamp);
  // The whole record at a CommitLog offset (size read from the record), or invalid.
  MappedRegion lookMessageByOffset(int64_t commitLogOffset);
  MappedRegion selectOneMessageByOffset(int64_t commitLogOffset, int32_t size);
  QueryMessageResult queryMessage(std::string_view topic, std::string_view key, int32_t maxNum,
                                  int64_t begin, int64_t end);
  bool checkInDiskByConsumeOffset(std::string_view topic, int32_t queueId, int64_t queueOffset);
  int64_t minPhyOffset() const { return commitLog_->minOffset(); }
  int64_t maxPhyOffset() const { return commitLog_->maxOffset(); }
  int64_t dispatchBehindBytes() const { return maxPhyOffset() - reputFromOffset_.load(); }
  int64_t reputFromOffset() const { return reputFromOffset_.load(); }

  // Every (topic, queueId) with a ConsumeQueue.
  std::vector<std::pair<std::string, int32_t>> consumeQueueKeys() const;
  ConsumeQueue* findConsumeQueue(std::string_view topic, int32_t queueId, bool create = true);
  // Drops the ConsumeQueues (and queue offsets) of topics no longer wanted.
  void deleteTopics(const std::vector<std::string>& topics);

  void setArrivalListener(ArrivalListener l) { arrivalListener_ = std::move(l); }
  CleanService& cleanService() { return *cleanService_; }
  CommitLog& commitLog() { return *commitLog_; }
  // Put/get counts, times and their distribution (GET_BROKER_RUNTIME_INFO).
  const StoreStatsService& storeStats() const { return storeStats_; }
  IndexService& indexService() { return *indexService_; }
  StoreCheckpoint& checkpoint() { return checkpoint_; }

  // Exposed for recovery tests and tools: dispatch of one record.
  void dispatch(const DecodedRecord& rec, int64_t offset);

 private:
  Status loadConsumeQueues();
  void recoverTopicQueueTable();
  GetMessageResult getMessageImpl(std::string_view topic, int32_t queueId, int64_t offset,
                                  int32_t maxMsgNums, const MessageFilter* filter);
  void reputLoop();
  bool reputOnce();  // returns true when it dispatched something
  void flushConsumeQueueLoop();
  Status acquireLock();
  void releaseLock();
  bool waitForReputCatchUp(int64_t timeoutMillis);
  void wakeReput();

  MessageStoreConfig config_;
  DelayLevelTable delayLevels_;
  StoreStatsService storeStats_;  // before commitLog_: the CommitLog points at it
  std::unique_ptr<CommitLog> commitLog_;
  StoreCheckpoint checkpoint_;
  std::unique_ptr<IndexService> indexService_;
  mutable std::shared_mutex cqMutex_;
  std::map<std::string, std::map<int32_t, std::unique_ptr<ConsumeQueue>>, std::less<>>
      consumeQueues_;
  bool lastExitOK_ = true;
  int lockFd_ = -1;
  std::atomic<bool> diskFull_{false};
  std::atomic<bool> running_{false};

  std::atomic<int64_t> reputFromOffset_{0};
  std::thread reputThread_;
  std::mutex reputMutex_;
  std::condition_variable reputCv_;
  // The dispatcher is about to sleep / has been signalled since: puts notify only in between,
  // so a busy dispatcher costs them one load and a sleeping one gets one notify per sleep.
  std::atomic<bool> reputWaiting_{false};
  std::atomic<bool> reputSignaled_{false};
  std::atomic<bool> stopReput_{false};
  ArrivalListener arrivalListener_;

  std::unique_ptr<CleanService> cleanService_;
  std::thread cqFlushThread_;
  std::mutex cqFlushMutex_;
  std::condition_variable cqFlushCv_;
  bool stopCqFlush_ = false;
  int64_t physicalMemoryBytes_ = 0;
};

}  // namespace rmq::store
