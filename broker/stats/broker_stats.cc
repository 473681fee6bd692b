#include "broker/stats/broker_stats.h"

#include <ctime>

namespace rmq::broker {

void BrokerStats::record(int64_t putTotalNow, int64_t getTotalNow) {
  putYesterday_.store(putToday_.load(kRelaxed), kRelaxed);
  getYesterday_.store(getToday_.load(kRelaxed), kRelaxed);
  putToday_.store(putTotalNow, kRelaxed);
  getToday_.store(getTotalNow, kRelaxed);
}

int64_t BrokerStats::nextMorningMillis(int64_t nowMs) {
  const std::time_t now = static_cast<std::time_t>(nowMs / 1000);
  std::tm local{};
  localtime_r(&now, &local);
  local.tm_mday += 1;  // mktime normalizes month and year ends
  local.tm_hour = 0;
  local.tm_min = 0;
  local.tm_sec = 0;
  local.tm_isdst = -1;  // let mktime find the DST of that midnight
  return static_cast<int64_t>(std::mktime(&local)) * 1000;
}

}  // namespace rmq::broker
