// Delivery of delayed messages (Java ScheduleMessageService, shared protocol semantics.md 6.1):
// SCHEDULE_TOPIC_XXXX queue level-1 holds the messages of delay level `level`; when a unit's
// delivery time (its tagsCode) has come, a copy goes to REAL_TOPIC/REAL_QID. Progress per level
// is kept in config/delayOffset.json (levels that never delivered have no entry = 0).
//
// Threading: one delivery thread; offsets() and persist() from any thread. Master only.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "store/message_store.h"

namespace rmq::broker {

class ScheduleMessageService {
 public:
  ScheduleMessageService(store::MessageStore& store, std::string delayOffsetPath);
  ~ScheduleMessageService();

  Status load();  // also clamps every stored offset into its queue's [min, max]
  void start();
  void shutdown();
  Status persist();
  std::map<int32_t, int64_t> offsets() const;
  std::string encodeOffsets() const;  // delayOffset.json text (GET_ALL_DELAY_OFFSET body)
  // Called on the delivery thread after each delivered message (set before start()).
  using DeliveryListener = std::function<void(int32_t level, std::string_view realTopic,
                                              const store::PutMessageResult& result)>;
  void setDeliveryListener(DeliveryListener listener) { onDelivered_ = std::move(listener); }

 private:
  void run();
  // Delivers what is due in one level; returns true when it made progress.
  bool deliverLevel(int32_t level);

  store::MessageStore& store_;
  std::string path_;
  DeliveryListener onDelivered_;
  mutable std::mutex mutex_;
  std::mutex persistMutex_;             // persist(): encode + write, one at a time
  std::map<int32_t, int64_t> offsets_;  // level -> next queue offset
  std::thread thread_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool started_ = false;
};

}  // namespace rmq::broker
