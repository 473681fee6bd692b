#include "compat-tests/golden/broker_replay_time.h"

#include <limits>

namespace rmq::compat::brokerreplay {

std::vector<int64_t> TimeMap::offsetsAt(int64_t storeTime) const {
  std::vector<int64_t> out;
  for (const auto& [off, rec] : java_) {
    if (rec.first == storeTime) out.push_back(off);
  }
  return out;
}

const TimeMap::Place* TimeMap::placeOf(int64_t offset) const {
  auto it = java_.find(offset);
  return it == java_.end() ? nullptr : &it->second.second;
}

int64_t TimeMap::mapBound(int64_t t, const std::vector<std::pair<int64_t, int64_t>>& pairs,
                          bool begin) {
  if (pairs.empty() || t <= 0 || t >= std::numeric_limits<int64_t>::max() / 2) return t;
  if (begin) {
    auto next = std::lower_bound(pairs.begin(), pairs.end(), std::make_pair(t, INT64_MIN));
    if (next == pairs.end()) return pairs.back().second + (t - pairs.back().first);
    return next->second - (next->first - t);
  }
  auto after = std::upper_bound(pairs.begin(), pairs.end(), std::make_pair(t, INT64_MAX));
  if (after == pairs.begin()) return pairs.front().second - (pairs.front().first - t);
  auto prev = after - 1;
  return prev->second + (t - prev->first);
}

int64_t TimeMap::map(int64_t t, const std::vector<std::pair<int64_t, int64_t>>& pairs) {
  if (pairs.empty() || t <= 0 || t >= std::numeric_limits<int64_t>::max() / 2) return t;
  if (t <= pairs.front().first) return pairs.front().second - (pairs.front().first - t);
  if (t >= pairs.back().first) return pairs.back().second + (t - pairs.back().first);
  auto hi = std::lower_bound(pairs.begin(), pairs.end(), std::make_pair(t, INT64_MIN));
  if (hi->first == t) return hi->second;
  auto lo = hi - 1;
  const double f = static_cast<double>(t - lo->first) / static_cast<double>(hi->first - lo->first);
  return lo->second + static_cast<int64_t>(f * static_cast<double>(hi->second - lo->second));
}

}  // namespace rmq::compat::brokerreplay
