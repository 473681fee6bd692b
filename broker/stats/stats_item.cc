#include "broker/stats/stats_item.h"

namespace rmq::broker {

namespace {
constexpr int64_t kSecondsPeriodMs = 10 * 1000;
constexpr int64_t kMinutesPeriodMs = 10 * 60 * 1000;
constexpr int64_t kHourPeriodMs = 60 * 60 * 1000;
}  // namespace

StatsItem::StatsItem(std::string statsName, std::string statsKey, uint64_t keyHash)
    : statsName_(std::move(statsName)), statsKey_(std::move(statsKey)), keyHash_(keyHash) {}

void StatsItem::sample(SnapshotList& list, int64_t nowMs, int64_t periodMs, size_t maxEntries) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (list.empty()) list.push_back({nowMs - periodMs, 0, 0});
  list.push_back({nowMs, times(), value()});
  if (list.size() > maxEntries) list.pop_front();
}

void StatsItem::samplingInSeconds(int64_t nowMs) {
  sample(minute_, nowMs, kSecondsPeriodMs, 7);
}
void StatsItem::samplingInMinutes(int64_t nowMs) {
  sample(hour_, nowMs, kMinutesPeriodMs, 7);
}
void StatsItem::samplingInHour(int64_t nowMs) {
  sample(day_, nowMs, kHourPeriodMs, 25);
}

StatsSnapshot StatsItem::compute(const SnapshotList& list) const {
  std::lock_guard<std::mutex> lock(mutex_);
  StatsSnapshot s;
  if (list.empty()) return s;
  const CallSnapshot& first = list.front();
  const CallSnapshot& last = list.back();
  s.sum = last.value - first.value;
  const int64_t elapsed = last.timestamp - first.timestamp;
  // Java divides by the elapsed time unguarded; two samples in the same millisecond (a test
  // clock) would give NaN there, 0 here.
  s.tps = elapsed > 0 ? static_cast<double>(s.sum) * 1000.0 / static_cast<double>(elapsed) : 0;
  s.times = last.times - first.times;
  if (s.times > 0) s.avgpt = static_cast<double>(s.sum) / static_cast<double>(s.times);
  return s;
}

StatsSnapshot StatsItem::statsDataInMinute() const {
  return compute(minute_);
}
StatsSnapshot StatsItem::statsDataInHour() const {
  return compute(hour_);
}
StatsSnapshot StatsItem::statsDataInDay() const {
  return compute(day_);
}

void StatsItem::reset() {
  live_.store(false, std::memory_order_relaxed);
  value_.store(0, std::memory_order_relaxed);
  times_.store(0, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(mutex_);
  minute_.clear();
  hour_.clear();
  day_.clear();
}

}  // namespace rmq::broker
