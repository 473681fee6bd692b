#include <gtest/gtest.h>

#include <algorithm>

#include "store/config/consumer_filter_codec.h"
#include "store/config/offset_table_codec.h"
#include "store/config/subscription_group_codec.h"
#include "store/config/topic_config_codec.h"

namespace rmq::store::config {
namespace {

// Texts below are in the exact layout of the Java broker's pretty fastjson output (tabs, bare
// integer keys, no final newline), with entries in Java hash order, so decode + encode must
// reproduce them byte for byte.
const char* const kTopicsJson =
    "{\n"
    "\t\"dataVersion\":{\n"
    "\t\t\"counter\":2,\n"
    "\t\t\"timestamp\":1700000000000\n"
    "\t},\n"
    "\t\"topicConfigTable\":{\n"
    "\t\t\"TopicTest\":{\n"
    "\t\t\t\"order\":false,\n"
    "\t\t\t\"perm\":6,\n"
    "\t\t\t\"readQueueNums\":4,\n"
    "\t\t\t\"topicFilterType\":\"SINGLE_TAG\",\n"
    "\t\t\t\"topicName\":\"TopicTest\",\n"
    "\t\t\t\"topicSysFlag\":0,\n"
    "\t\t\t\"writeQueueNums\":4\n"
    "\t\t},\n"
    "\t\t\"%RETRY%g1\":{\n"
    "\t\t\t\"order\":true,\n"
    "\t\t\t\"perm\":7,\n"
    "\t\t\t\"readQueueNums\":1,\n"
    "\t\t\t\"topicFilterType\":\"MULTI_TAG\",\n"
    "\t\t\t\"topicName\":\"%RETRY%g1\",\n"
    "\t\t\t\"topicSysFlag\":3,\n"
    "\t\t\t\"writeQueueNums\":1\n"
    "\t\t},\n"
    "\t\t\"BenchmarkTest\":{\n"
    "\t\t\t\"order\":false,\n"
    "\t\t\t\"perm\":6,\n"
    "\t\t\t\"readQueueNums\":1024,\n"
    "\t\t\t\"topicFilterType\":\"SINGLE_TAG\",\n"
    "\t\t\t\"topicName\":\"BenchmarkTest\",\n"
    "\t\t\t\"topicSysFlag\":0,\n"
    "\t\t\t\"writeQueueNums\":1024\n"
    "\t\t}\n"
    "\t}\n"
    "}";

TEST(TopicsJson, RoundTripsByteForByte) {
  TopicConfigFile f;
  Status s = decode(kTopicsJson, f);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(f.dataVersion, (DataVersion{1700000000000, 2}));
  ASSERT_EQ(f.topicConfigTable.size(), 3u);
  const TopicConfig* retry = findEntry(f.topicConfigTable, std::string("%RETRY%g1"));
  ASSERT_NE(retry, nullptr);
  EXPECT_TRUE(retry->order);
  EXPECT_EQ(retry->perm, 7);
  EXPECT_EQ(retry->topicFilterType, "MULTI_TAG");
  EXPECT_EQ(retry->topicSysFlag, 3);
  EXPECT_EQ(encode(f), kTopicsJson);
}

TEST(TopicsJson, WritesJavaHashOrderWhateverTheInsertionOrder) {
  TopicConfigFile f;
  ASSERT_TRUE(decode(kTopicsJson, f).ok());
  std::reverse(f.topicConfigTable.begin(), f.topicConfigTable.end());
  EXPECT_EQ(encode(f), kTopicsJson);
}

TEST(TopicsJson, DefaultsLenientTypesAndUnknownMembers) {
  TopicConfigFile f;
  Status s =
      decode(R"({"topicConfigTable":{"t":{"topicName":"t","perm":"4","order":"true","extra":[1,2],)"
             R"("attributes":{}},"u":null}, "stateVersion":3})",
             f);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(f.topicConfigTable.size(), 1u);
  const TopicConfig& t = f.topicConfigTable[0].second;
  EXPECT_EQ(t.perm, 4);
  EXPECT_TRUE(t.order);
  EXPECT_EQ(t.readQueueNums, 16);
  EXPECT_EQ(t.writeQueueNums, 16);
  EXPECT_EQ(t.topicFilterType, "SINGLE_TAG");
  EXPECT_EQ(f.dataVersion, DataVersion{});
  // An empty document is an empty table.
  ASSERT_TRUE(decode("{}", f).ok());
  EXPECT_TRUE(f.topicConfigTable.empty());
  EXPECT_EQ(encode(f),
            "{\n\t\"dataVersion\":{\n\t\t\"counter\":0,\n\t\t\"timestamp\":0\n\t},\n"
            "\t\"topicConfigTable\":{}\n}");
}

TEST(TopicsJson, RepeatedKeysKeepTheFirstPositionAndTheLastValue) {
  TopicConfigFile f;
  ASSERT_TRUE(decode(R"({"topicConfigTable":{"a":{"perm":1},"b":{},"a":{"perm":2}}})", f).ok());
  ASSERT_EQ(f.topicConfigTable.size(), 2u);
  EXPECT_EQ(f.topicConfigTable[0].first, "a");
  EXPECT_EQ(f.topicConfigTable[0].second.perm, 2);
}

TEST(TopicsJson, RejectsMalformedFiles) {
  TopicConfigFile f;
  EXPECT_FALSE(decode("", f).ok());
  EXPECT_FALSE(decode("[]", f).ok());
  EXPECT_FALSE(decode("{\"topicConfigTable\":", f).ok());
  EXPECT_FALSE(decode(R"({"topicConfigTable":[]})", f).ok());
  EXPECT_FALSE(decode(R"({"topicConfigTable":{"t":5}})", f).ok());
  EXPECT_FALSE(decode(R"({"topicConfigTable":{"t":{"perm":"x"}}})", f).ok());
  EXPECT_FALSE(decode(R"({"topicConfigTable":{"t":{"perm":4294967296}}})", f).ok());
  EXPECT_FALSE(decode(R"({"topicConfigTable":{"t":{"perm":1.5}}})", f).ok());
  EXPECT_FALSE(decode(R"({"topicConfigTable":{"t":{"order":"yes"}}})", f).ok());
  EXPECT_FALSE(decode(R"({"topicConfigTable":{"t":{"topicFilterType":"ANY"}}})", f).ok());
  EXPECT_FALSE(decode(R"({"dataVersion":{"counter":"x"}})", f).ok());
  EXPECT_FALSE(decode(R"({"dataVersion":7})", f).ok());
}

const char* const kConsumerOffsetJson =
    "{\n"
    "\t\"offsetTable\":{\n"
    "\t\t\"%RETRY%g1@g1\":{0:0\n"
    "\t\t},\n"
    "\t\t\"TopicTest@g1\":{0:250,1:250,2:251,3:9223372036854775807\n"
    "\t\t}\n"
    "\t}\n"
    "}";

TEST(ConsumerOffsetJson, RoundTripsByteForByte) {
  ConsumerOffsetFile f;
  Status s = decode(kConsumerOffsetJson, f);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(f.offsetTable.size(), 2u);
  const QueueOffsets* q = findEntry(f.offsetTable, std::string("TopicTest@g1"));
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(*q, (QueueOffsets{{0, 250}, {1, 250}, {2, 251}, {3, INT64_MAX}}));
  EXPECT_EQ(encode(f), kConsumerOffsetJson);
}

TEST(ConsumerOffsetJson, AcceptsQuotedKeysAndStringNumbers) {
  ConsumerOffsetFile f;
  ASSERT_TRUE(decode(R"({"offsetTable":{"t@g":{"1":"7","0":5}}})", f).ok());
  ASSERT_EQ(f.offsetTable.size(), 1u);
  EXPECT_EQ(f.offsetTable[0].second, (QueueOffsets{{1, 7}, {0, 5}}));
  // Written back in Java order, with bare keys.
  EXPECT_EQ(encode(f), "{\n\t\"offsetTable\":{\n\t\t\"t@g\":{0:5,1:7\n\t\t}\n\t}\n}");
  ASSERT_TRUE(decode(R"({"offsetTable":{}})", f).ok());
  EXPECT_EQ(encode(f), "{\n\t\"offsetTable\":{}\n}");
  ASSERT_TRUE(decode(R"({"offsetTable":{"t@g":{}}})", f).ok());
  EXPECT_EQ(encode(f), "{\n\t\"offsetTable\":{\n\t\t\"t@g\":{}\n\t}\n}");
}

TEST(ConsumerOffsetJson, RejectsMalformedFiles) {
  ConsumerOffsetFile f;
  EXPECT_FALSE(decode(R"({"offsetTable":{"t@g":{x:1}}})", f).ok());
  EXPECT_FALSE(decode(R"({"offsetTable":{"t@g":{1:"a"}}})", f).ok());
  EXPECT_FALSE(decode(R"({"offsetTable":{"t@g":{4294967296:1}}})", f).ok());
  EXPECT_FALSE(decode(R"({"offsetTable":{"t@g":[1]}})", f).ok());
  EXPECT_FALSE(decode(R"({"offsetTable":{"t@g":{1:1})", f).ok());
}

TEST(ConsumerOffsetJson, SplitsTopicAtGroupKeysLikeJava) {
  EXPECT_EQ(consumerOffsetKey("t", "g"), "t@g");
  auto parts = splitConsumerOffsetKey("%RETRY%g@g");
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->first, "%RETRY%g");
  EXPECT_EQ(parts->second, "g");
  EXPECT_FALSE(splitConsumerOffsetKey("tg").has_value());
  EXPECT_FALSE(splitConsumerOffsetKey("t@g@h").has_value());
  EXPECT_FALSE(splitConsumerOffsetKey("t@").has_value());
  EXPECT_TRUE(splitConsumerOffsetKey("@g").has_value());
}

TEST(DelayOffsetJson, RoundTripsByteForByte) {
  const char* text = "{\n\t\"offsetTable\":{1:4,3:3,18:100\n\t}\n}";
  DelayOffsetFile f;
  ASSERT_TRUE(decode(text, f).ok());
  EXPECT_EQ(f.offsetTable, (OrderedTable<int32_t, int64_t>{{1, 4}, {3, 3}, {18, 100}}));
  EXPECT_EQ(encode(f), text);
  ASSERT_TRUE(decode(R"({"offsetTable":{"2":"9"}})", f).ok());
  EXPECT_EQ(encode(f), "{\n\t\"offsetTable\":{2:9\n\t}\n}");
  ASSERT_TRUE(decode("{}", f).ok());
  EXPECT_EQ(encode(f), "{\n\t\"offsetTable\":{}\n}");
  EXPECT_FALSE(decode(R"({"offsetTable":{"a":1}})", f).ok());
  EXPECT_FALSE(decode(R"({"offsetTable":5})", f).ok());
}

const char* const kSubscriptionGroupJson =
    "{\n"
    "\t\"dataVersion\":{\n"
    "\t\t\"counter\":3,\n"
    "\t\t\"timestamp\":1700000000001\n"
    "\t},\n"
    "\t\"subscriptionGroupTable\":{\n"
    "\t\t\"g1\":{\n"
    "\t\t\t\"brokerId\":0,\n"
    "\t\t\t\"consumeBroadcastEnable\":true,\n"
    "\t\t\t\"consumeEnable\":true,\n"
    "\t\t\t\"consumeFromMinEnable\":true,\n"
    "\t\t\t\"groupName\":\"g1\",\n"
    "\t\t\t\"notifyConsumerIdsChangedEnable\":true,\n"
    "\t\t\t\"retryMaxTimes\":16,\n"
    "\t\t\t\"retryQueueNums\":1,\n"
    "\t\t\t\"whichBrokerWhenConsumeSlowly\":1\n"
    "\t\t},\n"
    "\t\t\"g2\":{\n"
    "\t\t\t\"brokerId\":1,\n"
    "\t\t\t\"consumeBroadcastEnable\":false,\n"
    "\t\t\t\"consumeEnable\":false,\n"
    "\t\t\t\"consumeFromMinEnable\":false,\n"
    "\t\t\t\"groupName\":\"g2\",\n"
    "\t\t\t\"notifyConsumerIdsChangedEnable\":false,\n"
    "\t\t\t\"retryMaxTimes\":3,\n"
    "\t\t\t\"retryQueueNums\":0,\n"
    "\t\t\t\"whichBrokerWhenConsumeSlowly\":2\n"
    "\t\t}\n"
    "\t}\n"
    "}";

TEST(SubscriptionGroupJson, RoundTripsByteForByte) {
  SubscriptionGroupFile f;
  Status s = decode(kSubscriptionGroupJson, f);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(f.subscriptionGroupTable.size(), 2u);
  SubscriptionGroupConfig defaults;
  defaults.groupName = "g1";
  EXPECT_EQ(f.subscriptionGroupTable[0].second, defaults);
  const SubscriptionGroupConfig& g2 = f.subscriptionGroupTable[1].second;
  EXPECT_FALSE(g2.consumeEnable);
  EXPECT_EQ(g2.retryMaxTimes, 3);
  EXPECT_EQ(g2.retryQueueNums, 0);
  EXPECT_EQ(g2.brokerId, 1);
  EXPECT_EQ(g2.whichBrokerWhenConsumeSlowly, 2);
  EXPECT_EQ(encode(f), kSubscriptionGroupJson);
}

TEST(SubscriptionGroupJson, DefaultsAndErrors) {
  SubscriptionGroupFile f;
  // 5.x members are ignored; missing members take the Java defaults.
  ASSERT_TRUE(decode(R"({"subscriptionGroupTable":{"g":{"groupName":"g","groupSysFlag":0,)"
                     R"("consumeMessageOrderly":true,"subscriptionDataSet":[]}}})",
                     f)
                  .ok());
  SubscriptionGroupConfig expected;
  expected.groupName = "g";
  EXPECT_EQ(f.subscriptionGroupTable.at(0).second, expected);
  EXPECT_FALSE(decode(R"({"subscriptionGroupTable":{"g":{"retryMaxTimes":{}}}})", f).ok());
  EXPECT_FALSE(decode(R"({"subscriptionGroupTable":{"g":{"consumeEnable":2}}})", f).ok());
  EXPECT_FALSE(decode(R"({"subscriptionGroupTable":"x"})", f).ok());
}

TEST(ConsumerFilterJson, RoundTripsTheEmptyAndAFullTable) {
  ConsumerFilterFile f;
  const char* empty = "{\n\t\"filterDataByTopic\":{}\n}";
  ASSERT_TRUE(decode(empty, f).ok());
  EXPECT_TRUE(f.filterDataByTopic.empty());
  EXPECT_EQ(encode(f), empty);

  const char* full =
      "{\n"
      "\t\"filterDataByTopic\":{\n"
      "\t\t\"T1\":{\n"
      "\t\t\t\"groupFilterData\":{\n"
      "\t\t\t\t\"g1\":{\n"
      "\t\t\t\t\t\"bloomFilterData\":{\n"
      "\t\t\t\t\t\t\"bitNum\":112,\n"
      "\t\t\t\t\t\t\"bitPos\":[1,50,99]\n"
      "\t\t\t\t\t},\n"
      "\t\t\t\t\t\"bornTime\":1700000000000,\n"
      "\t\t\t\t\t\"clientVersion\":395,\n"
      "\t\t\t\t\t\"consumerGroup\":\"g1\",\n"
      "\t\t\t\t\t\"dead\":false,\n"
      "\t\t\t\t\t\"deadTime\":0,\n"
      "\t\t\t\t\t\"expression\":\"a > 5 AND b = 'x'\",\n"
      "\t\t\t\t\t\"expressionType\":\"SQL92\",\n"
      "\t\t\t\t\t\"topic\":\"T1\"\n"
      "\t\t\t\t},\n"
      "\t\t\t\t\"g2\":{\n"
      "\t\t\t\t\t\"bornTime\":5,\n"
      "\t\t\t\t\t\"clientVersion\":0,\n"
      "\t\t\t\t\t\"consumerGroup\":\"g2\",\n"
      "\t\t\t\t\t\"dead\":true,\n"
      "\t\t\t\t\t\"deadTime\":6,\n"
      "\t\t\t\t\t\"topic\":\"T1\"\n"
      "\t\t\t\t}\n"
      "\t\t\t},\n"
      "\t\t\t\"topic\":\"T1\"\n"
      "\t\t},\n"
      "\t\t\"T2\":{\n"
      "\t\t\t\"groupFilterData\":{},\n"
      "\t\t\t\"topic\":\"T2\"\n"
      "\t\t}\n"
      "\t}\n"
      "}";
  Status s = decode(full, f);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(f.filterDataByTopic.size(), 2u);
  const FilterDataMapByTopic& t1 = f.filterDataByTopic[0].second;
  ASSERT_EQ(t1.groupFilterData.size(), 2u);
  const ConsumerFilterData& g1 = t1.groupFilterData[0].second;
  EXPECT_EQ(g1.expression, "a > 5 AND b = 'x'");
  ASSERT_TRUE(g1.bloomFilterData.has_value());
  EXPECT_EQ(g1.bloomFilterData->bitPos, (std::vector<int32_t>{1, 50, 99}));
  EXPECT_FALSE(g1.dead());
  EXPECT_FALSE(t1.groupFilterData[1].second.expression.has_value());
  EXPECT_TRUE(t1.groupFilterData[1].second.dead());
  EXPECT_EQ(encode(f), full);
  EXPECT_FALSE(decode(R"({"filterDataByTopic":{"t":{"groupFilterData":{"g":{)"
                      R"("bloomFilterData":{"bitPos":"x"}}}}}})",
                      f)
                   .ok());
}

}  // namespace
}  // namespace rmq::store::config
