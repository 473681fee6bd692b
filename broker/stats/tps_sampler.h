// Moving averages of a monotonically growing counter (messages put / got), sampled once a
// second from the broker's periodic thread: the "putTps"/"getTransferedTps" figures of
// GET_BROKER_RUNTIME_INFO over 10 s, 1 min and 10 min (Java StoreStatsService). A window is
// reported only once that many seconds were sampled, as Java does (an empty field before).
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

namespace rmq::broker {

class TpsSampler {
 public:
  void sample(int64_t nowMs, int64_t counter);
  // "a b c" with one decimal each, or fewer fields while the window is still filling.
  std::string text() const;
  double tps(int64_t windowSeconds) const;  // -1 when not enough samples

 private:
  mutable std::mutex mutex_;
  std::deque<std::pair<int64_t, int64_t>> samples_;  // (ms, counter), oldest first
};

}  // namespace rmq::broker
