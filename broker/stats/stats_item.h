// One statistics item (Java StatsItem): a value and a count of calls that only grow, plus the
// snapshots that give the sums and rates over the last minute, hour and day.
//
// Snapshot windows, as Java: every 10 s into the minute list (7 entries = 60 s), every 10 min into
// the hour list (7 entries = 60 min), every hour into the day list (25 entries = 24 h). The first
// sample of a list is preceded by a zero entry one period earlier, so an item created between two
// ticks reports everything it counted since creation. A window's figures are last - first:
// sum = value difference, tps = sum * 1000 / elapsed ms, avgpt = sum / calls (0 without calls).
//
// Threading contract:
// - add() is the hot path: one or two relaxed fetch_adds on the item's own cache line and one
//   relaxed load; no lock, no allocation. Any thread.
// - sampling*() run on the stats sampling thread; snapshots and reset() take the item's mutex,
//   which only the sampling thread and admin readers ever take.
// - A snapshot may see an add's value without its call count (relaxed): figures are estimates,
//   as Java's LongAdder sums are.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>

namespace rmq::broker {

// What a window reports (Java StatsSnapshot).
struct StatsSnapshot {
  int64_t sum = 0;
  double tps = 0;
  double avgpt = 0;
  int64_t times = 0;
};

class StatsItem {
 public:
  StatsItem(std::string statsName, std::string statsKey, uint64_t keyHash);
  StatsItem(const StatsItem&) = delete;
  StatsItem& operator=(const StatsItem&) = delete;

  void add(int64_t incValue, int64_t incTimes) {
    value_.fetch_add(incValue, std::memory_order_relaxed);
    if (incTimes != 0) times_.fetch_add(incTimes, std::memory_order_relaxed);
    // An item exists for the admin requests from its first add on (Java creates it then).
    if (!live_.load(std::memory_order_relaxed)) live_.store(true, std::memory_order_relaxed);
  }

  int64_t value() const { return value_.load(std::memory_order_relaxed); }
  int64_t times() const { return times_.load(std::memory_order_relaxed); }
  bool live() const { return live_.load(std::memory_order_relaxed); }
  const std::string& statsName() const { return statsName_; }
  const std::string& statsKey() const { return statsKey_; }
  uint64_t keyHash() const { return keyHash_; }

  void samplingInSeconds(int64_t nowMs);
  void samplingInMinutes(int64_t nowMs);
  void samplingInHour(int64_t nowMs);

  StatsSnapshot statsDataInMinute() const;
  StatsSnapshot statsDataInHour() const;
  StatsSnapshot statsDataInDay() const;

  // Back to a never-used item (Java removes the item; pointers to this one stay valid).
  void reset();

 private:
  struct CallSnapshot {
    int64_t timestamp;
    int64_t times;
    int64_t value;
  };
  using SnapshotList = std::deque<CallSnapshot>;

  void sample(SnapshotList& list, int64_t nowMs, int64_t periodMs, size_t maxEntries);
  StatsSnapshot compute(const SnapshotList& list) const;

  // Counters first and on their own cache line: the only memory the hot path writes.
  alignas(64) std::atomic<int64_t> value_{0};
  std::atomic<int64_t> times_{0};
  std::atomic<bool> live_{false};

  alignas(64) const std::string statsName_;
  const std::string statsKey_;
  const uint64_t keyHash_;
  mutable std::mutex mutex_;  // the three lists
  SnapshotList minute_;
  SnapshotList hour_;
  SnapshotList day_;
};

}  // namespace rmq::broker
