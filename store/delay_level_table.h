// The delay levels of scheduled messages (messageDelayLevel, e.g. "1s 5s 10s 30s 1m ... 2h"):
// level N (1-based) -> delay in milliseconds. SCHEDULE_TOPIC_XXXX queue id = level - 1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace rmq::store {

class DelayLevelTable {
 public:
  static Status parse(const std::string& text, DelayLevelTable& out);
  int32_t maxLevel() const { return static_cast<int32_t>(delays_.size()); }
  // Delay of `level` (clamped to [1, maxLevel]).
  int64_t delayMillis(int32_t level) const;
  // Java's computeDeliverTimestamp: storeTimestamp + delay, or storeTimestamp + 1 s if unknown.
  int64_t deliverTimestamp(int32_t level, int64_t storeTimestamp) const;

 private:
  std::vector<int64_t> delays_;
};

}  // namespace rmq::store
