#include "compat-tests/golden/broker_replay_time.h"

#include <limits>
#include <optional>

#include "common/properties.h"
#include "common/time_util.h"
#include "compat-tests/golden/replay_support.h"
#include "remoting/request_code.h"

namespace rmq::compat::brokerreplay {

int64_t javaClockBehind(const CaptureFile& cf) {
  namespace req = remoting::request_code;
  std::optional<int64_t> zero;
  for (const CaptureFrame& f : cf.frames) {
    if (f.isResponse || f.from != Party::kClient) continue;
    const char* key = f.code == req::SEND_MESSAGE_V2 || f.code == req::SEND_BATCH_MESSAGE ? "g"
                      : f.code == req::SEND_MESSAGE ? "bornTimestamp"
                                                    : nullptr;
    if (!key) continue;
    auto born = parseJavaLong(recordedExt(f, key).value_or(""));
    if (!born) continue;
    const int64_t z = *born - static_cast<int64_t>(f.t * 1000.0);
    if (!zero || z < *zero) zero = z;
  }
  return zero ? std::max<int64_t>(0, nowMillis() - *zero) : 0;
}

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
