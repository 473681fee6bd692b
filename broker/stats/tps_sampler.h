// Moving averages of a monotonically growing counter (messages put / got), sampled once a
// second from the broker's periodic thread: the "putTps"/"getTransferedTps" figures of
// GET_BROKER_RUNTIME_INFO over 10 s, 1 min and 10 min (Java StoreStatsService). A window is
// reported only once that many seconds were sampled, as Java does (an empty field before).
// Figures are written as Java's Double.toString writes them ("0.0", "4.848060775689723").
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

namespace rmq::broker {

class TpsSampler {
 public:
  void sample(int64_t nowMs, int64_t counter);
  // "a b c", a field left empty while its window is still filling (Java getPutTps...).
  std::string text() const;
  // Java getGetTotalTps: the sum of two samplers per window, 0 for a window still filling.
  static std::string sumText(const TpsSampler& a, const TpsSampler& b);
  double tps(int64_t windowSeconds) const;  // -1 when not enough samples

 private:
  mutable std::mutex mutex_;
  std::deque<std::pair<int64_t, int64_t>> samples_;  // (ms, counter), oldest first
};

}  // namespace rmq::broker
