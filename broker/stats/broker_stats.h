// The message totals at the last two local midnights (Java BrokerStats), from which mqadmin
// clusterList / brokerStatus show yesterday's and today's traffic: runtime-info keys
// msgPutTotalYesterdayMorning, msgPutTotalTodayMorning, msgGetTotal... (the "TodayNow" values
// are the live counters themselves).
//
// Threading contract: record() runs on the broker's periodic thread once a day at local
// midnight (never before the first midnight after start, as Java, so the morning values are 0
// until then); the getters are relaxed loads, any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace rmq::broker {

class BrokerStats {
 public:
  void record(int64_t putTotalNow, int64_t getTotalNow);

  int64_t msgPutTotalYesterdayMorning() const { return putYesterday_.load(kRelaxed); }
  int64_t msgPutTotalTodayMorning() const { return putToday_.load(kRelaxed); }
  int64_t msgGetTotalYesterdayMorning() const { return getYesterday_.load(kRelaxed); }
  int64_t msgGetTotalTodayMorning() const { return getToday_.load(kRelaxed); }

  // The next local midnight after `nowMs` (Java UtilAll.computeNextMorningTimeMillis).
  static int64_t nextMorningMillis(int64_t nowMs);

 private:
  static constexpr auto kRelaxed = std::memory_order_relaxed;
  std::atomic<int64_t> putYesterday_{0};
  std::atomic<int64_t> putToday_{0};
  std::atomic<int64_t> getYesterday_{0};
  std::atomic<int64_t> getToday_{0};
};

}  // namespace rmq::broker
