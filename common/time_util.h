#pragma once

#include <chrono>
#include <cstdint>

namespace rmq {

// Wall clock in milliseconds since the epoch (what Java's System.currentTimeMillis returns).
inline int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Monotonic milliseconds, for timeouts and intervals.
inline int64_t monotonicMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace rmq
