// Java's StoreStatsService figures that GET_BROKER_RUNTIME_INFO reports: how many puts, how many
// failed, their bytes, the slowest put and get, and the distribution of put times over the last
// full minute (the 13 ranges of putMessageDistributeTime and the finer buckets putLatency99 /
// putLatency999 are interpolated from).
//
// Put time: from entry into the CommitLog append to its result, in ms (Java measures to the
// completion of the put future, which in SYNC_FLUSH also covers the flush wait; ours does not).
//
// Threading: onPut()/onGet() from any thread (relaxed atomics, no lock); rotate() from one
// housekeeping thread about once a minute; the readers from any thread (the last minute's
// snapshot is guarded by a mutex that the hot path never takes).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace rmq::store {

class StoreStatsService {
 public:
  static constexpr int kRanges = 13;       // [<=0ms] [0~10ms] ... [10s~]
  static constexpr int kFineBuckets = 76;  // 1 ms steps to 20 ms ... 1 s steps to 10 s, then +inf

  void onPut(int64_t elapsedMs, int32_t msgNum, int64_t bytes, bool ok);
  void onGet(int64_t elapsedMs);
  // Makes the minute that just ended the one reported (Java's printTps every 60 s).
  void rotate();
  // Calls rotate() when a minute has passed since the last rotation (monotonic ms).
  void maybeRotate(int64_t nowMs);

  int64_t putTimesTotal() const { return putTimesTotal_.load(std::memory_order_relaxed); }
  int64_t putSizeTotal() const { return putSizeTotal_.load(std::memory_order_relaxed); }
  int64_t putFailedTimes() const { return putFailed_.load(std::memory_order_relaxed); }
  int64_t putEntireTimeMax() const { return putMax_.load(std::memory_order_relaxed); }
  int64_t getEntireTimeMax() const { return getMax_.load(std::memory_order_relaxed); }
  // "[<=0ms]:N [0~10ms]:N ... [10s~]:N " of the last full minute; nullopt before the first
  // minute ended (Java prints "null" then).
  std::optional<std::string> distributionText() const;
  // The px quantile (0.99, 0.999) of the last full minute's put times in ms, interpolated within
  // its bucket as Java does; 0 before the first minute ended.
  double putLatency(double px) const;

 private:
  static int rangeIndex(int64_t ms);
  static int fineIndex(int64_t ms);
  static int64_t fineUpperBound(int index);  // INT64_MAX for the last

  std::atomic<int64_t> putTimesTotal_{0};
  std::atomic<int64_t> putSizeTotal_{0};
  std::atomic<int64_t> putFailed_{0};
  std::atomic<int64_t> putMax_{0};
  std::atomic<int64_t> getMax_{0};
  std::array<std::atomic<int64_t>, kRanges> ranges_{};
  std::array<std::atomic<int64_t>, kFineBuckets> fine_{};

  mutable std::mutex lastMutex_;
  bool haveLast_ = false;
  std::array<int64_t, kRanges> lastRanges_{};
  std::array<int64_t, kFineBuckets> lastFine_{};
  std::atomic<int64_t> lastRotateMs_{0};
};

}  // namespace rmq::store
