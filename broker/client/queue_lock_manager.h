// Locks of ordered consumption (Java RebalanceLockManager): per group, per message queue, the
// client holding it and when it last refreshed; a lock expires 60 s after its last refresh.
// In memory only. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>

namespace rmq::broker {

struct MessageQueueKey {
  std::string topic;
  std::string brokerName;
  int32_t queueId = 0;
  bool operator<(const MessageQueueKey& o) const {
    return std::tie(topic, brokerName, queueId) < std::tie(o.topic, o.brokerName, o.queueId);
  }
};

class QueueLockManager {
 public:
  explicit QueueLockManager(int64_t lockMaxLiveMillis = 60000) : maxLive_(lockMaxLiveMillis) {}
  // Returns the queues now held by `clientId`.
  std::set<MessageQueueKey> tryLockBatch(const std::string& group,
                                         const std::set<MessageQueueKey>& mqs,
                                         const std::string& clientId, int64_t nowMs);
  void unlockBatch(const std::string& group, const std::set<MessageQueueKey>& mqs,
                   const std::string& clientId);

 private:
  struct Entry {
    std::string clientId;
    int64_t lastUpdate = 0;
  };
  int64_t maxLive_;
  std::mutex mutex_;
  std::map<std::string, std::map<MessageQueueKey, Entry>> table_;
};

}  // namespace rmq::broker
