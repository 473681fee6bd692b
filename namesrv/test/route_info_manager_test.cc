#include "namesrv/route_info_manager.h"

#include <gtest/gtest.h>

#include "namesrv/route_body_cache.h"

namespace rmq::namesrv {
namespace {

protocol::TopicConfigSerializeWrapper topics(std::initializer_list<std::string> names,
                                             int64_t counter, int32_t queues = 4) {
  protocol::TopicConfigSerializeWrapper w;
  w.dataVersion = protocol::DataVersion{1000, counter};
  for (const auto& n : names) {
    protocol::TopicConfig tc;
    tc.topicName = n;
    tc.readQueueNums = tc.writeQueueNums = queues;
    w.topicConfigTable[n] = tc;
  }
  return w;
}

TEST(RouteInfoManager, RegistrationBuildsRoutes) {
  RouteInfoManager m;
  auto w = topics({"T1", "TBW102"}, 1);
  m.registerBroker("C", "1.1.1.1:10911", "broker-a", 0, "1.1.1.1:10912", &w, {}, 7, 100);
  auto route = m.pickupTopicRouteData("T1");
  ASSERT_TRUE(route);
  ASSERT_EQ(route->brokerDatas.size(), 1u);
  EXPECT_EQ(route->brokerDatas[0].brokerAddrs.at(0), "1.1.1.1:10911");
  EXPECT_EQ(route->brokerDatas[0].cluster, "C");
  ASSERT_EQ(route->queueDatas.size(), 1u);
  EXPECT_EQ(route->queueDatas[0].writeQueueNums, 4);
  EXPECT_FALSE(m.pickupTopicRouteData("missing"));
  EXPECT_EQ(m.getTopicsByCluster("C").size(), 2u);
  EXPECT_TRUE(m.getTopicsByCluster("other").empty());
}

TEST(RouteInfoManager, MergeOnlyAndDataVersion) {
  RouteInfoManager m;
  auto all = topics({"T1", "T2"}, 1);
  m.registerBroker("C", "a:1", "broker-a", 0, "", &all, {}, 1, 100);
  // A single-topic registration (admin topic creation) does not remove other topics.
  auto one = topics({"T3"}, 2);
  m.registerBroker("C", "a:1", "broker-a", 0, "", &one, {}, 1, 200);
  EXPECT_TRUE(m.pickupTopicRouteData("T1"));
  EXPECT_TRUE(m.pickupTopicRouteData("T3"));
  // Same data version: queue data is not rewritten.
  auto sameVersion = topics({"T1"}, 2, 8);
  m.registerBroker("C", "a:1", "broker-a", 0, "", &sameVersion, {}, 1, 300);
  EXPECT_EQ(m.pickupTopicRouteData("T1")->queueDatas[0].writeQueueNums, 4);
  std::optional<protocol::DataVersion> stored;
  EXPECT_FALSE(
      m.isBrokerTopicConfigChanged("a:1", protocol::DataVersion{1000, 2}, &stored, 400, true));
  EXPECT_TRUE(
      m.isBrokerTopicConfigChanged("a:1", protocol::DataVersion{1000, 9}, &stored, 400, true));
  EXPECT_TRUE(m.isBrokerTopicConfigChanged("b:1", protocol::DataVersion{}, &stored, 400, true));
  EXPECT_FALSE(stored);
}

TEST(RouteInfoManager, SlaveGetsMasterAddresses) {
  RouteInfoManager m;
  auto w = topics({"T1"}, 1);
  m.registerBroker("C", "m:10911", "broker-a", 0, "m:10912", &w, {}, 1, 100);
  auto r = m.registerBroker("C", "s:10911", "broker-a", 1, "s:10912", &w, {}, 2, 100);
  EXPECT_EQ(r.masterAddr, "m:10911");
  EXPECT_EQ(r.haServerAddr, "m:10912");
  auto route = m.pickupTopicRouteData("T1");
  EXPECT_EQ(route->brokerDatas[0].brokerAddrs.size(), 2u);
  // The master re-registers as id 1 (role change): the address moves.
  m.registerBroker("C", "m:10911", "broker-a", 1, "m:10912", &w, {}, 1, 100);
  route = m.pickupTopicRouteData("T1");
  EXPECT_EQ(route->brokerDatas[0].brokerAddrs.count(0), 0u);
  EXPECT_EQ(route->brokerDatas[0].brokerAddrs.at(1), "m:10911");
}

TEST(RouteInfoManager, UnregisterAndChannelDestroyAndExpiry) {
  RouteInfoManager m;
  auto w = topics({"T1"}, 1);
  m.registerBroker("C", "a:1", "broker-a", 0, "", &w, {}, 11, 100);
  m.registerBroker("C", "b:1", "broker-b", 0, "", &w, {}, 12, 100);
  m.unregisterBroker("C", "a:1", "broker-a", 0);
  auto route = m.pickupTopicRouteData("T1");
  ASSERT_TRUE(route);
  EXPECT_EQ(route->brokerDatas.size(), 1u);
  m.onChannelDestroy(12, "client:5");
  EXPECT_FALSE(m.pickupTopicRouteData("T1"));
  EXPECT_TRUE(m.getAllClusterInfo().clusterAddrTable.empty());

  m.registerBroker("C", "a:1", "broker-a", 0, "", &w, {}, 13, 1000);
  EXPECT_TRUE(m.scanNotActiveBroker(1000 + 120000, 120000).empty());
  auto expired = m.scanNotActiveBroker(1000 + 120001, 120000);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0], 13u);
  EXPECT_FALSE(m.pickupTopicRouteData("T1"));
  EXPECT_EQ(m.liveBrokerCount(), 0u);
}

TEST(RouteInfoManager, WritePermAndDeleteAndLists) {
  RouteInfoManager m;
  auto w = topics({"T1", "T2"}, 1);
  w.topicConfigTable["T2"].topicSysFlag = topic_sys_flag::UNIT_SUB;
  m.registerBroker("C", "a:1", "broker-a", 0, "", &w, {}, 1, 100);
  EXPECT_EQ(m.wipeWritePermOfBroker("broker-a"), 2);
  EXPECT_EQ(m.pickupTopicRouteData("T1")->queueDatas[0].perm, perm::READ);
  EXPECT_EQ(m.addWritePermOfBroker("broker-a"), 2);
  EXPECT_EQ(m.pickupTopicRouteData("T1")->queueDatas[0].perm, perm::READ | perm::WRITE);
  EXPECT_EQ(m.getHasUnitSubTopicList(), std::vector<std::string>{"T2"});
  EXPECT_EQ(m.getHasUnitSubUnUnitTopicList(), std::vector<std::string>{"T2"});
  EXPECT_TRUE(m.getUnitTopics().empty());
  std::optional<std::string> addr;
  auto names = m.getSystemTopicList(addr);
  EXPECT_EQ(names, (std::vector<std::string>{"C", "broker-a"}));
  EXPECT_EQ(addr.value(), "a:1");
  m.deleteTopic("T1", "other-cluster");
  EXPECT_TRUE(m.pickupTopicRouteData("T1"));
  m.deleteTopic("T1", "C");
  EXPECT_FALSE(m.pickupTopicRouteData("T1"));
  m.deleteTopic("T2");
  EXPECT_TRUE(m.getAllTopicList().empty());
}

}  // namespace
}  // namespace rmq::namesrv

namespace rmq::namesrv {
namespace {

TEST(RouteBodyCache, ServesABodyOnlyForTheVersionItWasBuiltFrom) {
  RouteInfoManager m;
  RouteBodyCache cache;
  auto w = topics({"T1"}, 1);
  m.registerBroker("C", "a:1", "broker-a", 0, "", &w, {}, 1, 100);
  uint64_t v = 0;
  ASSERT_TRUE(m.pickupTopicRouteData("T1", &v));
  EXPECT_EQ(v, m.routeVersion());
  cache.put("T1", false, v, std::make_shared<const std::string>("legacy"));
  cache.put("T1", true, v, std::make_shared<const std::string>("standard"));
  EXPECT_EQ(*cache.get("T1", false, m.routeVersion()), "legacy");
  EXPECT_EQ(*cache.get("T1", true, m.routeVersion()), "standard");
  EXPECT_EQ(cache.get("T2", false, m.routeVersion()), nullptr);
  // Any change of the tables (here a permission change) retires every cached body...
  m.wipeWritePermOfBroker("broker-a");
  EXPECT_NE(m.routeVersion(), v);
  EXPECT_EQ(cache.get("T1", false, m.routeVersion()), nullptr);
  // ...and a body built from older data never replaces a newer one.
  cache.put("T1", false, m.routeVersion(), std::make_shared<const std::string>("new"));
  cache.put("T1", false, v, std::make_shared<const std::string>("old"));
  EXPECT_EQ(*cache.get("T1", false, m.routeVersion()), "new");
  // Liveness refreshes do not change routes.
  const uint64_t before = m.routeVersion();
  std::optional<protocol::DataVersion> stored;
  m.isBrokerTopicConfigChanged("a:1", protocol::DataVersion{1000, 1}, &stored, 200, true);
  EXPECT_EQ(m.routeVersion(), before);
}

}  // namespace
}  // namespace rmq::namesrv
