// Unit tests of broker/stats: StatsKey, StatsItem windows, StatsItemSet lookups / growth /
// deletion / concurrency, BrokerStatsManager keys, BrokerStats midnights, TpsSampler text.
#include <gtest/gtest.h>

#include <ctime>
#include <thread>
#include <vector>

#include "broker/stats/broker_stats.h"
#include "broker/stats/broker_stats_manager.h"
#include "broker/stats/stats_item_set.h"
#include "broker/stats/tps_sampler.h"

namespace rmq::broker {
namespace {

TEST(StatsKeyTest, PartsHashAndCompareAsTheJoinedText) {
  const StatsKey parts("TopicA", "GroupB");
  const StatsKey joined("TopicA@GroupB");
  EXPECT_EQ(parts.hash(), joined.hash());
  EXPECT_EQ(parts.str(), "TopicA@GroupB");
  EXPECT_EQ(parts.size(), 13u);
  EXPECT_TRUE(parts.equals("TopicA@GroupB"));
  EXPECT_FALSE(parts.equals("TopicA@GroupC"));
  EXPECT_FALSE(parts.equals("TopicAxGroupB"));
  EXPECT_FALSE(parts.equals("TopicA@GroupB2"));
  const StatsKey three("3", StatsKey("T", "G"));
  EXPECT_EQ(three.hash(), StatsKey("3@T@G").hash());
  EXPECT_TRUE(three.equals("3@T@G"));
  EXPECT_EQ(three.str(), "3@T@G");
  EXPECT_NE(StatsKey("T", "G").hash(), StatsKey("G", "T").hash());
  EXPECT_NE(StatsKey("TG").hash(), StatsKey("T", "G").hash());
  // More parts than a key has: valid for nothing.
  EXPECT_FALSE(StatsKey("a@b@c@d").valid());
  EXPECT_FALSE(StatsKey("a@b@c@d").equals("a@b@c@d"));
  EXPECT_FALSE(StatsKey("x", StatsKey("a@b@c")).valid());
  EXPECT_TRUE(StatsKey("").valid());
}

TEST(StatsItemSetTest, KeysThatCannotBeLookedUpAreNotKept) {
  StatsItemSet set("S");
  set.addValue(StatsKey("a@b@c@d"), 1, 1);
  set.addValue(StatsKey("a@b@c@d"), 1, 1);
  EXPECT_EQ(set.liveItemCount(), 0u);
  EXPECT_EQ(set.getStatsItem(StatsKey("a@b@c@d")), nullptr);
}

TEST(StatsItemTest, EmptyItemReportsZero) {
  StatsItem item("N", "K", 0);
  StatsSnapshot s = item.statsDataInMinute();
  EXPECT_EQ(s.sum, 0);
  EXPECT_EQ(s.tps, 0);
  EXPECT_EQ(s.avgpt, 0);
  EXPECT_FALSE(item.live());
  item.add(1, 1);
  EXPECT_TRUE(item.live());
}

TEST(StatsItemTest, FirstSampleCountsFromAZeroEntryOnePeriodEarlier) {
  StatsItem item("N", "K", 0);
  item.add(10, 2);
  item.add(2, 2);
  item.samplingInSeconds(100000);
  StatsSnapshot s = item.statsDataInMinute();
  EXPECT_EQ(s.sum, 12);
  EXPECT_DOUBLE_EQ(s.tps, 1.2);  // 12 over the 10 s before the first tick
  EXPECT_DOUBLE_EQ(s.avgpt, 3.0);
  EXPECT_EQ(s.times, 4);
  // Nothing sampled into the hour and day lists yet.
  EXPECT_EQ(item.statsDataInHour().sum, 0);
  EXPECT_EQ(item.statsDataInDay().sum, 0);
  item.samplingInMinutes(100000);
  EXPECT_EQ(item.statsDataInHour().sum, 12);
  EXPECT_DOUBLE_EQ(item.statsDataInHour().tps, 12.0 / 600);
  item.samplingInHour(100000);
  EXPECT_DOUBLE_EQ(item.statsDataInDay().tps, 12.0 / 3600);
}

TEST(StatsItemTest, MinuteWindowKeepsSevenSnapshots) {
  StatsItem item("N", "K", 0);
  int64_t now = 0;
  for (int i = 0; i < 10; ++i) {
    item.add(1, 1);
    now += 10000;
    item.samplingInSeconds(now);
  }
  // The list holds the last 7 samples: 6 intervals of 10 s, one add each.
  StatsSnapshot s = item.statsDataInMinute();
  EXPECT_EQ(s.sum, 6);
  EXPECT_DOUBLE_EQ(s.tps, 0.1);
  EXPECT_DOUBLE_EQ(s.avgpt, 1.0);
  // The day list keeps 25 hourly samples (24 h).
  for (int i = 0; i < 30; ++i) {
    item.add(2, 1);
    now += 3600000;
    item.samplingInHour(now);
  }
  EXPECT_EQ(item.statsDataInDay().sum, 48);
}

TEST(StatsItemTest, ResetForgetsEverything) {
  StatsItem item("N", "K", 0);
  item.add(5, 1);
  item.samplingInSeconds(1000);
  item.reset();
  EXPECT_FALSE(item.live());
  EXPECT_EQ(item.value(), 0);
  EXPECT_EQ(item.statsDataInMinute().sum, 0);
}

TEST(StatsItemSetTest, ItemsExistFromTheirFirstAdd) {
  StatsItemSet set("TOPIC_PUT_NUMS");
  EXPECT_EQ(set.getStatsItem(StatsKey("T")), nullptr);
  StatsItem& resolved = set.getAndCreateStatsItem(StatsKey("T"));
  EXPECT_EQ(set.getStatsItem(StatsKey("T")), nullptr);  // resolved, not yet used
  resolved.add(3, 1);
  ASSERT_EQ(set.getStatsItem(StatsKey("T")), &resolved);
  EXPECT_EQ(&set.getAndCreateStatsItem(StatsKey("T")), &resolved);
  EXPECT_EQ(resolved.statsKey(), "T");
  EXPECT_EQ(resolved.statsName(), "TOPIC_PUT_NUMS");
  EXPECT_EQ(set.getStatsDataInMinute(StatsKey("T")).sum, 0);  // not sampled yet
  set.samplingInSeconds(50000);
  EXPECT_EQ(set.getStatsDataInMinute(StatsKey("T")).sum, 3);
  EXPECT_EQ(set.getStatsDataInMinute(StatsKey("Other")).sum, 0);
}

TEST(StatsItemSetTest, GrowthKeepsEveryItemAndItsAddress) {
  StatsItemSet set("S");
  std::vector<StatsItem*> items;
  for (int i = 0; i < 5000; ++i) {
    const std::string topic = "topic" + std::to_string(i);
    StatsItem& it = set.getAndCreateStatsItem(StatsKey(topic, "g"));
    it.add(i, 1);
    items.push_back(&it);
  }
  EXPECT_EQ(set.liveItemCount(), 5000u);
  for (int i = 0; i < 5000; ++i) {
    const std::string key = "topic" + std::to_string(i) + "@g";
    ASSERT_EQ(set.getStatsItem(StatsKey(key)), items[i]) << key;
    EXPECT_EQ(items[i]->value(), i);
  }
}

TEST(StatsItemSetTest, DeletionsMatchJavaKeyForms) {
  StatsItemSet set("S");
  for (const char* k : {"T@G", "T@H", "TT@G", "U@G", "0@T@G", "1@U@G", "T"}) {
    set.addValue(StatsKey(k), 1, 1);
  }
  set.delValueByPrefixKey("T", '@');  // T@G, T@H
  EXPECT_EQ(set.getStatsItem(StatsKey("T@G")), nullptr);
  EXPECT_EQ(set.getStatsItem(StatsKey("T@H")), nullptr);
  EXPECT_NE(set.getStatsItem(StatsKey("TT@G")), nullptr);
  EXPECT_NE(set.getStatsItem(StatsKey("T")), nullptr);
  set.delValueByInfixKey("T", '@');  // 0@T@G
  EXPECT_EQ(set.getStatsItem(StatsKey("0@T@G")), nullptr);
  EXPECT_NE(set.getStatsItem(StatsKey("1@U@G")), nullptr);
  set.delValueBySuffixKey("G", '@');  // TT@G, U@G, 1@U@G
  EXPECT_EQ(set.getStatsItem(StatsKey("U@G")), nullptr);
  EXPECT_EQ(set.getStatsItem(StatsKey("1@U@G")), nullptr);
  set.delValue("T");
  EXPECT_EQ(set.liveItemCount(), 0u);
  // A deleted key starts again from zero.
  set.addValue(StatsKey("T", "G"), 2, 1);
  set.samplingInSeconds(10000);
  EXPECT_EQ(set.getStatsDataInMinute(StatsKey("T@G")).sum, 2);
}

TEST(StatsItemSetTest, ConcurrentAddsAndCreationsLoseNothing) {
  StatsItemSet set("S");
  constexpr int kThreads = 4;
  constexpr int kKeys = 500;
  constexpr int kRounds = 20;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&set] {
      for (int r = 0; r < kRounds; ++r) {
        for (int k = 0; k < kKeys; ++k) {
          const std::string topic = "t" + std::to_string(k);
          set.addValue(StatsKey(topic), 1, 1);
        }
      }
    });
  }
  std::thread sampler([&set] {
    for (int i = 0; i < 50; ++i) set.samplingInSeconds(i * 10000);
  });
  for (auto& th : threads) th.join();
  sampler.join();
  EXPECT_EQ(set.liveItemCount(), static_cast<size_t>(kKeys));
  for (int k = 0; k < kKeys; ++k) {
    const StatsItem* item = set.getStatsItem(StatsKey("t" + std::to_string(k)));
    ASSERT_NE(item, nullptr);
    EXPECT_EQ(item->value(), kThreads * kRounds);
    EXPECT_EQ(item->times(), kThreads * kRounds);
  }
}

TEST(BrokerStatsManagerTest, PutAndGetItemsWithJavaKeys) {
  BrokerStatsManager m("DefaultCluster", true);
  auto put = m.resolveTopicPut("T1");
  m.onPut(put, 1, 100);
  m.onPut(put, 3, 300);  // a batch of 3
  m.onGet("G1", "T1", 2, 4, 400, 7);
  m.incSendBackNums("G1", "T1");
  m.samplingInSeconds(10000);

  const StatsItem* nums = m.getStatsItem("TOPIC_PUT_NUMS", "T1");
  ASSERT_NE(nums, nullptr);
  EXPECT_EQ(nums->statsDataInMinute().sum, 4);
  EXPECT_DOUBLE_EQ(nums->statsDataInMinute().avgpt, 2.0);
  EXPECT_EQ(m.getStatsItem("TOPIC_PUT_SIZE", "T1")->statsDataInMinute().sum, 400);
  EXPECT_EQ(m.getStatsItem("GROUP_GET_NUMS", "T1@G1")->statsDataInMinute().sum, 4);
  EXPECT_EQ(m.getStatsItem("GROUP_GET_SIZE", "T1@G1")->statsDataInMinute().sum, 400);
  EXPECT_EQ(m.getStatsItem("SNDBCK_PUT_NUMS", "T1@G1")->statsDataInMinute().sum, 1);
  // enableDetailStat: queueId@topic@group.
  EXPECT_EQ(m.getStatsItem("GROUP_GET_LATENCY", "2@T1@G1")->statsDataInMinute().sum, 7);
  // Broker-wide items count values only (Java adds no call count): avgpt 0.
  const StatsItem* brokerPut = m.getStatsItem("BROKER_PUT_NUMS", "DefaultCluster");
  ASSERT_NE(brokerPut, nullptr);
  EXPECT_EQ(brokerPut->statsDataInMinute().sum, 4);
  EXPECT_EQ(brokerPut->statsDataInMinute().avgpt, 0);
  EXPECT_EQ(m.getStatsItem("BROKER_GET_NUMS", "DefaultCluster")->statsDataInMinute().sum, 4);
  EXPECT_DOUBLE_EQ(m.tpsGroupGetNums("G1", "T1"), 0.4);

  EXPECT_EQ(m.getStatsItem("NO_SUCH_STATS", "T1"), nullptr);
  EXPECT_EQ(m.getStatsItem("TOPIC_PUT_NUMS", "T2"), nullptr);
  EXPECT_EQ(m.getStatsItem("GROUP_GET_NUMS", "G1@T1"), nullptr);

  BrokerStatsManager plain("C", false);
  plain.incGroupGetLatency("G", "T", 0, 5);
  EXPECT_NE(plain.getStatsItem("GROUP_GET_LATENCY", "T@G"), nullptr);
}

TEST(BrokerStatsManagerTest, TopicAndGroupDeletion) {
  BrokerStatsManager m("C", true);
  m.onPut(m.resolveTopicPut("T1"), 1, 10);
  m.onPut(m.resolveTopicPut("T2"), 1, 10);
  m.onGet("G1", "T1", 0, 1, 10, 1);
  m.onGet("G2", "T2", 0, 1, 10, -1);
  m.onTopicDeleted("T1");
  EXPECT_EQ(m.getStatsItem("TOPIC_PUT_NUMS", "T1"), nullptr);
  EXPECT_EQ(m.getStatsItem("GROUP_GET_NUMS", "T1@G1"), nullptr);
  EXPECT_EQ(m.getStatsItem("GROUP_GET_LATENCY", "0@T1@G1"), nullptr);
  EXPECT_EQ(m.getStatsItem("GROUP_GET_LATENCY", "0@T2@G2"), nullptr);  // -1: not recorded
  EXPECT_NE(m.getStatsItem("TOPIC_PUT_NUMS", "T2"), nullptr);
  m.onGroupDeleted("G2");
  EXPECT_EQ(m.getStatsItem("GROUP_GET_NUMS", "T2@G2"), nullptr);
  EXPECT_NE(m.getStatsItem("TOPIC_PUT_NUMS", "T2"), nullptr);
}

TEST(BrokerStatsManagerTest, SamplingThreadStartsAndStops) {
  BrokerStatsManager m("C", true);
  m.start();
  m.onPut(m.resolveTopicPut("T"), 1, 1);
  m.shutdown();
  m.shutdown();  // idempotent
}

TEST(BrokerStatsTest, RecordShiftsTodayIntoYesterday) {
  BrokerStats s;
  EXPECT_EQ(s.msgPutTotalTodayMorning(), 0);
  s.record(10, 20);
  EXPECT_EQ(s.msgPutTotalTodayMorning(), 10);
  EXPECT_EQ(s.msgGetTotalTodayMorning(), 20);
  EXPECT_EQ(s.msgPutTotalYesterdayMorning(), 0);
  s.record(15, 26);
  EXPECT_EQ(s.msgPutTotalYesterdayMorning(), 10);
  EXPECT_EQ(s.msgGetTotalYesterdayMorning(), 20);
  EXPECT_EQ(s.msgPutTotalTodayMorning(), 15);
  EXPECT_EQ(s.msgGetTotalTodayMorning(), 26);
}

TEST(BrokerStatsTest, NextMorningIsTheNextLocalMidnight) {
  const int64_t now = 1700000000123;  // some afternoon
  const int64_t next = BrokerStats::nextMorningMillis(now);
  EXPECT_GT(next, now);
  EXPECT_LE(next - now, 25LL * 3600 * 1000);
  const std::time_t t = static_cast<std::time_t>(next / 1000);
  std::tm local{};
  localtime_r(&t, &local);
  EXPECT_EQ(local.tm_hour, 0);
  EXPECT_EQ(local.tm_min, 0);
  EXPECT_EQ(local.tm_sec, 0);
  EXPECT_EQ(next % 1000, 0);
  // From a midnight, the following one (23 to 25 h later across DST changes).
  const int64_t after = BrokerStats::nextMorningMillis(next);
  EXPECT_GE(after - next, 23LL * 3600 * 1000);
  EXPECT_LE(after - next, 25LL * 3600 * 1000);
}

TEST(TpsSamplerTest, JavaDoubleTextAndFillingWindows) {
  TpsSampler put;
  put.sample(0, 0);
  put.sample(10000, 48);
  // 10 s window full, 1 min and 10 min still filling: Java leaves them empty.
  EXPECT_EQ(put.text(), "4.8  ");
  TpsSampler a;
  TpsSampler b;
  EXPECT_EQ(TpsSampler::sumText(a, b), "0.0 0.0 0.0");
  a.sample(0, 0);
  a.sample(10000, 10);
  b.sample(0, 0);
  b.sample(10000, 25);
  EXPECT_EQ(TpsSampler::sumText(a, b), "3.5 0.0 0.0");
  TpsSampler odd;
  odd.sample(0, 0);
  odd.sample(30000, 10);
  EXPECT_EQ(odd.text(), "0.3333333333333333  ");
}

}  // namespace
}  // namespace rmq::broker
