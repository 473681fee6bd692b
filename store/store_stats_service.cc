#include "store/store_stats_service.h"

#include <climits>
#include <cstdio>

namespace rmq::store {
namespace {

constexpr const char* kRangeNames[StoreStatsService::kRanges] = {
    "[<=0ms]", "[0~10ms]", "[10~50ms]", "[50~100ms]", "[100~200ms]", "[200~500ms]", "[500ms~1s]",
    "[1~2s]",  "[2~3s]",   "[3~4s]",    "[4~5s]",     "[5~10s]",     "[10s~]"};
constexpr int64_t kRangeUpper[StoreStatsService::kRanges - 1] = {
    1, 10, 50, 100, 200, 500, 1000, 2000, 3000, 4000, 5000, 10000};

// Java's bucket rule: (step, count) pairs from 0 ms; a time falls in the first bucket whose upper
// bound is >= it.
struct Step {
  int64_t step;
  int count;
};
constexpr Step kSteps[] = {{1, 20}, {2, 15}, {5, 10}, {10, 10}, {50, 6}, {100, 5}, {1000, 9}};

void raiseMax(std::atomic<int64_t>& max, int64_t v) {
  int64_t cur = max.load(std::memory_order_relaxed);
  while (v > cur && !max.compare_exchange_weak(cur, v, std::memory_order_relaxed)) {
  }
}

}  // namespace

int StoreStatsService::rangeIndex(int64_t ms) {
  if (ms <= 0) return 0;
  for (int i = 1; i < kRanges - 1; ++i) {
    if (ms < kRangeUpper[i]) return i;
  }
  return kRanges - 1;
}

int StoreStatsService::fineIndex(int64_t ms) {
  int64_t upper = 0;
  int index = 0;
  for (const Step& s : kSteps) {
    if (ms <= upper + s.step * s.count) {
      const int64_t over = ms - upper;
      return index + (over <= 0 ? 0 : static_cast<int>((over + s.step - 1) / s.step) - 1);
    }
    upper += s.step * s.count;
    index += s.count;
  }
  return kFineBuckets - 1;
}

int64_t StoreStatsService::fineUpperBound(int index) {
  int64_t upper = 0;
  int at = 0;
  for (const Step& s : kSteps) {
    if (index < at + s.count) return upper + s.step * (index - at + 1);
    upper += s.step * s.count;
    at += s.count;
  }
  return INT64_MAX;
}

void StoreStatsService::onPut(int64_t elapsedMs, int32_t msgNum, int64_t bytes, bool ok) {
  if (ok) {
    putTimesTotal_.fetch_add(msgNum, std::memory_order_relaxed);
    putSizeTotal_.fetch_add(bytes, std::memory_order_relaxed);
  } else {
    putFailed_.fetch_add(1, std::memory_order_relaxed);
  }
  ranges_[static_cast<size_t>(rangeIndex(elapsedMs))].fetch_add(1, std::memory_order_relaxed);
  fine_[static_cast<size_t>(fineIndex(elapsedMs))].fetch_add(1, std::memory_order_relaxed);
  raiseMax(putMax_, elapsedMs);
}

void StoreStatsService::onGet(int64_t elapsedMs) {
  raiseMax(getMax_, elapsedMs);
}

void StoreStatsService::rotate() {
  std::lock_guard<std::mutex> lock(lastMutex_);
  for (int i = 0; i < kRanges; ++i) {
    lastRanges_[static_cast<size_t>(i)] =
        ranges_[static_cast<size_t>(i)].exchange(0, std::memory_order_relaxed);
  }
  for (int i = 0; i < kFineBuckets; ++i) {
    lastFine_[static_cast<size_t>(i)] =
        fine_[static_cast<size_t>(i)].exchange(0, std::memory_order_relaxed);
  }
  haveLast_ = true;
}

void StoreStatsService::maybeRotate(int64_t nowMs) {
  int64_t last = lastRotateMs_.load(std::memory_order_relaxed);
  if (last == 0) {
    lastRotateMs_.store(nowMs, std::memory_order_relaxed);
    return;
  }
  if (nowMs - last < 60000) return;
  lastRotateMs_.store(nowMs, std::memory_order_relaxed);
  rotate();
}

std::optional<std::string> StoreStatsService::distributionText() const {
  std::lock_guard<std::mutex> lock(lastMutex_);
  if (!haveLast_) return std::nullopt;
  std::string out;
  char buf[64];
  for (int i = 0; i < kRanges; ++i) {
    std::snprintf(buf, sizeof(buf), "%s:%lld ", kRangeNames[i],
                  static_cast<long long>(lastRanges_[static_cast<size_t>(i)]));
    out += buf;
  }
  return out;
}

double StoreStatsService::putLatency(double px) const {
  std::lock_guard<std::mutex> lock(lastMutex_);
  if (!haveLast_) return 0.0;
  int64_t total = 0;
  for (int64_t c : lastFine_) total += c;
  const auto pxIndex = static_cast<int64_t>(static_cast<double>(total) * px);
  int64_t passed = 0;
  for (int i = 0; i < kFineBuckets; ++i) {
    const int64_t count = lastFine_[static_cast<size_t>(i)];
    if (pxIndex <= passed + count) {
      const int64_t relative = pxIndex - passed;
      const double upper = static_cast<double>(fineUpperBound(i));
      if (i == 0) return count == 0 ? 0.0 : upper * static_cast<double>(relative) / count;
      const double lower = static_cast<double>(fineUpperBound(i - 1));
      return lower + (count == 0 ? 0.0 : (upper - lower) * static_cast<double>(relative) / count);
    }
    passed += count;
  }
  return 0.0;
}

}  // namespace rmq::store
