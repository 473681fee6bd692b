// Latency histogram with logarithmic buckets (about 1.5 % relative precision), constant memory,
// lock-free recording per thread and merge for reporting. Values are in nanoseconds.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace rmq::bench {

class LatencyHistogram {
 public:
  // Each power of two is split into kSub linear sub-buckets.
  static constexpr int kSubBits = 6;
  static constexpr int kSub = 1 << kSubBits;
  static constexpr int kBuckets = 64 * kSub;

  void record(uint64_t ns) {
    ++counts_[index(ns)];
    ++total_;
    sum_ += ns;
    max_ = std::max(max_, ns);
  }
  void merge(const LatencyHistogram& o) {
    for (int i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
    sum_ += o.sum_;
    max_ = std::max(max_, o.max_);
  }
  void reset() { *this = LatencyHistogram(); }

  uint64_t count() const { return total_; }
  uint64_t max() const { return max_; }
  double mean() const { return total_ ? double(sum_) / double(total_) : 0.0; }
  // Value at quantile q (0..1): the upper bound of the bucket holding it.
  uint64_t percentile(double q) const {
    if (total_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(std::ceil(q * double(total_)));
    if (rank == 0) rank = 1;
    uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(upperBound(i), max_);
    }
    return max_;
  }

 private:
  static int index(uint64_t v) {
    if (v < kSub) return static_cast<int>(v);
    int msb = 63 - __builtin_clzll(v);
    int shift = msb - kSubBits;
    int sub = static_cast<int>((v >> shift) & (kSub - 1));
    return (shift + 1) * kSub + sub;
  }
  static uint64_t upperBound(int i) {
    if (i < kSub) return static_cast<uint64_t>(i);
    int shift = i / kSub - 1;
    uint64_t sub = static_cast<uint64_t>(i % kSub);
    return ((uint64_t(kSub) + sub + 1) << shift) - 1;
  }

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
};

}  // namespace rmq::bench
