#include "broker/client/queue_lock_manager.h"

#include "common/logging.h"

namespace rmq::broker {

std::set<MessageQueueKey> QueueLockManager::tryLockBatch(const std::string& group,
                                                         const std::set<MessageQueueKey>& mqs,
                                                         const std::string& clientId,
                                                         int64_t nowMs) {
  std::set<MessageQueueKey> locked;
  std::lock_guard<std::mutex> lock(mutex_);
  auto& g = table_[group];
  for (const auto& mq : mqs) {
    auto it = g.find(mq);
    if (it == g.end()) {
      g[mq] = Entry{clientId, nowMs};
      RMQ_LOG(INFO) << "tryLockBatch, message queue not locked, I got it. Group: " << group
                    << " NewClientId: " << clientId << " " << mq.topic << ":" << mq.queueId;
      locked.insert(mq);
      continue;
    }
    Entry& e = it->second;
    if (e.clientId == clientId) {
      e.lastUpdate = nowMs;
      locked.insert(mq);
    } else if (nowMs - e.lastUpdate > maxLive_) {
      RMQ_LOG(WARN) << "tryLockBatch, message queue lock expired, I got it. Group: " << group
                    << " OldClientId: " << e.clientId << " NewClientId: " << clientId;
      e = Entry{clientId, nowMs};
      locked.insert(mq);
    }
  }
  return locked;
}

void QueueLockManager::unlockBatch(const std::string& group, const std::set<MessageQueueKey>& mqs,
                                   const std::string& clientId) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto g = table_.find(group);
  if (g == table_.end()) return;
  for (const auto& mq : mqs) {
    auto it = g->second.find(mq);
    if (it != g->second.end() && it->second.clientId == clientId) {
      RMQ_LOG(INFO) << "unlockBatch, Group: " << group << " " << mq.topic << ":" << mq.queueId
                    << " " << clientId;
      g->second.erase(it);
    }
  }
}

}  // namespace rmq::broker
