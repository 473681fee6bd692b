#include "broker/stats/broker_stats_manager.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include <pthread.h>

#include "common/time_util.h"

namespace rmq::broker {

namespace {
constexpr int64_t kTickMs = 10 * 1000;
constexpr int64_t kTicksPerMinutesSample = 60;  // 10 min
constexpr int64_t kTicksPerHourSample = 360;    // 1 h
}  // namespace

BrokerStatsManager::BrokerStatsManager(std::string clusterName, bool enableQueueStat)
    : clusterName_(std::move(clusterName)), enableQueueStat_(enableQueueStat) {
  brokerPutNums_ = &brokerPutNumsSet_.getAndCreateStatsItem(StatsKey(clusterName_));
  brokerGetNums_ = &brokerGetNumsSet_.getAndCreateStatsItem(StatsKey(clusterName_));
  for (StatsItemSet* s :
       {&topicPutNums_, &topicPutSize_, &groupGetNums_, &groupGetSize_, &groupGetLatency_,
        &sendBackNums_, &brokerPutNumsSet_, &brokerGetNumsSet_}) {
    byName_.emplace(s->statsName(), s);
  }
}

BrokerStatsManager::~BrokerStatsManager() {
  shutdown();
}

void BrokerStatsManager::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "BrokerStats");
    run();
  });
}

void BrokerStatsManager::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BrokerStatsManager::run() {
  const int64_t begin = monotonicMillis();
  std::unique_lock<std::mutex> lock(mutex_);
  for (int64_t tick = 0; !stopping_; ++tick) {
    const int64_t due = begin + tick * kTickMs;
    cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(0, due - monotonicMillis())),
                 [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    // Snapshot times only ever enter differences: the monotonic clock keeps them immune to
    // wall-clock steps.
    const int64_t now = monotonicMillis();
    samplingInSeconds(now);
    if (tick % kTicksPerMinutesSample == 0) samplingInMinutes(now);
    if (tick % kTicksPerHourSample == 0) samplingInHour(now);
    lock.lock();
  }
}

void BrokerStatsManager::onGet(std::string_view group, std::string_view topic, int32_t queueId,
                               int32_t msgCount, int64_t bytes, int64_t latencyMs) {
  const StatsKey key(topic, group);
  groupGetNums_.addValue(key, msgCount, 1);
  groupGetSize_.addValue(key, bytes, 1);
  brokerGetNums_->add(msgCount, 0);
  if (latencyMs >= 0) addLatency(key, queueId, latencyMs);
}

void BrokerStatsManager::addLatency(const StatsKey& topicAtGroup, int32_t queueId, int64_t millis) {
  if (!enableQueueStat_) {
    groupGetLatency_.addValue(topicAtGroup, millis, 1);
    return;
  }
  char buf[16];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), queueId);
  groupGetLatency_.addValue(StatsKey(std::string_view(buf, end - buf), topicAtGroup), millis, 1);
}

const StatsItem* BrokerStatsManager::getStatsItem(std::string_view statsName,
                                                  std::string_view statsKey) const {
  auto it = byName_.find(statsName);
  if (it == byName_.end()) return nullptr;
  return it->second->getStatsItem(StatsKey(statsKey));
}

void BrokerStatsManager::onTopicDeleted(std::string_view topic) {
  topicPutNums_.delValue(topic);
  topicPutSize_.delValue(topic);
  groupGetNums_.delValueByPrefixKey(topic, '@');
  groupGetSize_.delValueByPrefixKey(topic, '@');
  sendBackNums_.delValueByPrefixKey(topic, '@');
  // Java matches "@topic@", which only finds the queueId@topic@group form.
  groupGetLatency_.delValueByInfixKey(topic, '@');
}

void BrokerStatsManager::onGroupDeleted(std::string_view group) {
  groupGetNums_.delValueBySuffixKey(group, '@');
  groupGetSize_.delValueBySuffixKey(group, '@');
  sendBackNums_.delValueBySuffixKey(group, '@');
  groupGetLatency_.delValueBySuffixKey(group, '@');
}

void BrokerStatsManager::samplingInSeconds(int64_t nowMs) {
  for (auto& [name, set] : byName_) set->samplingInSeconds(nowMs);
}
void BrokerStatsManager::samplingInMinutes(int64_t nowMs) {
  for (auto& [name, set] : byName_) set->samplingInMinutes(nowMs);
}
void BrokerStatsManager::samplingInHour(int64_t nowMs) {
  for (auto& [name, set] : byName_) set->samplingInHour(nowMs);
}

}  // namespace rmq::broker
