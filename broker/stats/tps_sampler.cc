#include "broker/stats/tps_sampler.h"

#include <algorithm>

#include "common/json.h"

namespace rmq::broker {

void TpsSampler::sample(int64_t nowMs, int64_t counter) {
  std::lock_guard<std::mutex> lock(mutex_);
  samples_.emplace_back(nowMs, counter);
  while (samples_.size() > 601) samples_.pop_front();  // 10 minutes at one sample a second
}

double TpsSampler::tps(int64_t windowSeconds) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (samples_.size() < 2) return -1;
  const auto& last = samples_.back();
  // The newest sample at least `windowSeconds` older than the last one.
  for (auto it = samples_.rbegin(); it != samples_.rend(); ++it) {
    if (last.first - it->first >= windowSeconds * 1000) {
      const double secs = double(last.first - it->first) / 1000.0;
      return double(last.second - it->second) / secs;
    }
  }
  return -1;
}

std::string TpsSampler::text() const {
  auto field = [this](int64_t window) -> std::string {
    double v = tps(window);
    return v < 0 ? std::string() : json::javaDoubleText(v);
  };
  return field(10) + " " + field(60) + " " + field(600);
}

std::string TpsSampler::sumText(const TpsSampler& a, const TpsSampler& b) {
  auto field = [&](int64_t window) {
    return json::javaDoubleText(std::max(0.0, a.tps(window)) + std::max(0.0, b.tps(window)));
  };
  return field(10) + " " + field(60) + " " + field(600);
}

}  // namespace rmq::broker
