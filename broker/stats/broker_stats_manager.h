// The broker's per-topic and per-group statistics (Java BrokerStatsManager), read by
// VIEW_BROKER_STATS_DATA (mqadmin statsAll), GET_CONSUME_STATS / GET_BROKER_CONSUME_STATS
// (consumeTps) and the stats log.
//
// Items kept, with their Java names and keys:
//   TOPIC_PUT_NUMS, TOPIC_PUT_SIZE      topic              per successful put (value, 1 call)
//   GROUP_GET_NUMS, GROUP_GET_SIZE      topic@group        per pull that found messages
//   GROUP_GET_LATENCY                   queueId@topic@group (topic@group without enableDetailStat)
//   SNDBCK_PUT_NUMS                     topic@group        per CONSUMER_SEND_MSG_BACK stored
//   BROKER_PUT_NUMS, BROKER_GET_NUMS    brokerClusterName  value only (no call count, as Java)
// Queue-level (QUEUE_*), disk (GROUP_GET_FROM_DISK_*), fall-behind and commercial items are not
// kept: nothing in the admin tools reads them; VIEW_BROKER_STATS_DATA answers "not exist".
//
// Threading contract: the inc*/resolve methods are the hot path (send and pull handlers on the
// I/O threads and the pull executor): lock-free and allocation-free once a key has been seen
// (see StatsItemSet); the broker-wide items are resolved once at construction. One sampling
// thread (start/shutdown), the "BrokerStatsThread", snapshots every set every 10 s / 10 min /
// 1 h from its start, as Java's scheduled executor does. Reads and deletions: any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "broker/stats/stats_item_set.h"

namespace rmq::broker {

namespace stats {
inline constexpr std::string_view TOPIC_PUT_NUMS = "TOPIC_PUT_NUMS";
inline constexpr std::string_view TOPIC_PUT_SIZE = "TOPIC_PUT_SIZE";
inline constexpr std::string_view GROUP_GET_NUMS = "GROUP_GET_NUMS";
inline constexpr std::string_view GROUP_GET_SIZE = "GROUP_GET_SIZE";
inline constexpr std::string_view GROUP_GET_LATENCY = "GROUP_GET_LATENCY";
inline constexpr std::string_view SNDBCK_PUT_NUMS = "SNDBCK_PUT_NUMS";
inline constexpr std::string_view BROKER_PUT_NUMS = "BROKER_PUT_NUMS";
inline constexpr std::string_view BROKER_GET_NUMS = "BROKER_GET_NUMS";
}  // namespace stats

class BrokerStatsManager {
 public:
  // The put counters of one topic, resolved before the put and added to on its completion.
  struct TopicPutItems {
    StatsItem* nums;
    StatsItem* size;
  };

  BrokerStatsManager(std::string clusterName, bool enableQueueStat);
  ~BrokerStatsManager();
  BrokerStatsManager(const BrokerStatsManager&) = delete;
  BrokerStatsManager& operator=(const BrokerStatsManager&) = delete;

  void start();
  void shutdown();

  TopicPutItems resolveTopicPut(std::string_view topic) {
    const StatsKey key(topic);
    return {&topicPutNums_.getAndCreateStatsItem(key), &topicPutSize_.getAndCreateStatsItem(key)};
  }
  // A successful put of `msgNum` records, `wroteBytes` bytes (Java incTopicPutNums(topic, num,
  // 1), incTopicPutSize, incBrokerPutNums).
  void onPut(const TopicPutItems& items, int32_t msgNum, int32_t wroteBytes) {
    items.nums->add(msgNum, 1);
    items.size->add(wroteBytes, 1);
    brokerPutNums_->add(msgNum, 0);
  }
  // A pull that found messages (Java incGroupGetNums, incGroupGetSize, incBrokerGetNums and,
  // when latencyMs >= 0, incGroupGetLatency). The key parts are hashed once for all items.
  void onGet(std::string_view group, std::string_view topic, int32_t queueId, int32_t msgCount,
             int64_t bytes, int64_t latencyMs);
  // Java incGroupGetNums + incGroupGetSize alone (the schedule service's deliveries).
  void incGroupGet(std::string_view group, std::string_view topic, int32_t msgCount,
                   int64_t bytes) {
    const StatsKey key(topic, group);
    groupGetNums_.addValue(key, msgCount, 1);
    groupGetSize_.addValue(key, bytes, 1);
  }
  void incGroupGetLatency(std::string_view group, std::string_view topic, int32_t queueId,
                          int64_t millis) {
    addLatency(StatsKey(topic, group), queueId, millis);
  }
  void incSendBackNums(std::string_view group, std::string_view topic) {
    sendBackNums_.addValue(StatsKey(topic, group), 1, 1);
  }
  // Minute TPS of GROUP_GET_NUMS topic@group: the consumeTps of consume stats.
  double tpsGroupGetNums(std::string_view group, std::string_view topic) const {
    return groupGetNums_.getStatsDataInMinute(StatsKey(topic, group)).tps;
  }

  // The live item, or nullptr for an unknown statistic or key (VIEW_BROKER_STATS_DATA).
  const StatsItem* getStatsItem(std::string_view statsName, std::string_view statsKey) const;

  // Java's autoDeleteUnusedStats clean-up.
  void onTopicDeleted(std::string_view topic);
  void onGroupDeleted(std::string_view group);

  // One tick of each period for every set (the sampling thread; tests drive them directly).
  void samplingInSeconds(int64_t nowMs);
  void samplingInMinutes(int64_t nowMs);
  void samplingInHour(int64_t nowMs);

  const std::string& clusterName() const { return clusterName_; }

 private:
  void run();
  void addLatency(const StatsKey& topicAtGroup, int32_t queueId, int64_t millis);

  const std::string clusterName_;
  const bool enableQueueStat_;
  StatsItemSet topicPutNums_{std::string(stats::TOPIC_PUT_NUMS)};
  StatsItemSet topicPutSize_{std::string(stats::TOPIC_PUT_SIZE)};
  StatsItemSet groupGetNums_{std::string(stats::GROUP_GET_NUMS)};
  StatsItemSet groupGetSize_{std::string(stats::GROUP_GET_SIZE)};
  StatsItemSet groupGetLatency_{std::string(stats::GROUP_GET_LATENCY)};
  StatsItemSet sendBackNums_{std::string(stats::SNDBCK_PUT_NUMS)};
  StatsItemSet brokerPutNumsSet_{std::string(stats::BROKER_PUT_NUMS)};
  StatsItemSet brokerGetNumsSet_{std::string(stats::BROKER_GET_NUMS)};
  StatsItem* brokerPutNums_;
  StatsItem* brokerGetNums_;
  std::map<std::string_view, StatsItemSet*> byName_;

  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace rmq::broker
