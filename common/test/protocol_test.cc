#include <gtest/gtest.h>

#include "common/protocol/register_broker_body.h"
#include "common/protocol/route_data.h"

namespace rmq::protocol {
namespace {

TopicRouteData sampleRoute() {
  TopicRouteData r;
  BrokerData bd;
  bd.cluster = "DefaultCluster";
  bd.brokerName = "broker-a";
  bd.brokerAddrs[0] = "10.0.0.1:10911";
  bd.brokerAddrs[1] = "10.0.0.2:10911";
  r.brokerDatas.push_back(bd);
  r.queueDatas.push_back(QueueData{"broker-a", 4, 4, 6, 0});
  return r;
}

// Both forms of namesrv.md section 4.1, byte for byte.
TEST(RouteData, EncodesBothJavaForms) {
  EXPECT_EQ(
      sampleRoute().encode(true),
      R"({"brokerDatas":[{"brokerAddrs":{"0":"10.0.0.1:10911","1":"10.0.0.2:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]})");
  EXPECT_EQ(
      sampleRoute().encode(false),
      R"({"brokerDatas":[{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]})");
}

TEST(RouteData, DecodesEitherForm) {
  for (bool standard : {true, false}) {
    TopicRouteData back;
    ASSERT_TRUE(TopicRouteData::decode(sampleRoute().encode(standard), back).ok());
    ASSERT_EQ(back.brokerDatas.size(), 1u);
    EXPECT_EQ(back.brokerDatas[0], sampleRoute().brokerDatas[0]);
    EXPECT_EQ(back.queueDatas[0], sampleRoute().queueDatas[0]);
  }
}

TEST(ClusterInfo, UsesBareKeys) {
  ClusterInfo ci;
  ci.brokerAddrTable["broker-cap"] =
      BrokerData{"CaptureCluster", "broker-cap", {{0, "127.0.0.1:40911"}}};
  ci.clusterAddrTable["CaptureCluster"].insert("broker-cap");
  EXPECT_EQ(
      ci.encode(),
      R"({"brokerAddrTable":{"broker-cap":{"brokerAddrs":{0:"127.0.0.1:40911"},"brokerName":"broker-cap","cluster":"CaptureCluster"}},"clusterAddrTable":{"CaptureCluster":["broker-cap"]}})");
  ClusterInfo back;
  ASSERT_TRUE(ClusterInfo::decode(ci.encode(), back).ok());
  EXPECT_EQ(back.brokerAddrTable.at("broker-cap"), ci.brokerAddrTable.at("broker-cap"));
}

TEST(RegisterBrokerBody, PlainAndCompressedRoundTrip) {
  RegisterBrokerBody body;
  body.topicConfigSerializeWrapper.dataVersion = DataVersion{1700000000000, 3};
  TopicConfig tc;
  tc.topicName = "TopicTest";
  tc.readQueueNums = tc.writeQueueNums = 4;
  body.topicConfigSerializeWrapper.topicConfigTable["TopicTest"] = tc;
  EXPECT_EQ(
      body.encode(),
      R"({"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":3,"timestamp":1700000000000},"topicConfigTable":{"TopicTest":{"order":false,"perm":6,"readQueueNums":4,"topicFilterType":"SINGLE_TAG","topicName":"TopicTest","topicSysFlag":0,"writeQueueNums":4}}}})");
  for (bool compressed : {false, true}) {
    RegisterBrokerBody back;
    std::string bytes = compressed ? body.encodeCompressed() : body.encode();
    ASSERT_TRUE(RegisterBrokerBody::decode(bytes, compressed, false, back).ok());
    EXPECT_EQ(back.topicConfigSerializeWrapper.dataVersion,
              body.topicConfigSerializeWrapper.dataVersion);
    EXPECT_EQ(back.topicConfigSerializeWrapper.topicConfigTable.at("TopicTest"), tc);
  }
  RegisterBrokerBody bad;
  EXPECT_FALSE(RegisterBrokerBody::decode("not zlib", true, false, bad).ok());
  EXPECT_FALSE(RegisterBrokerBody::decode("{\"x\":", false, false, bad).ok());
  std::string truncated = body.encodeCompressed();
  truncated.resize(truncated.size() / 2);
  EXPECT_FALSE(RegisterBrokerBody::decode(truncated, true, false, bad).ok());
}

}  // namespace
}  // namespace rmq::protocol
