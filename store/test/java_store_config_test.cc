// Decodes the config/*.json files written by the real Java 4.9.8 broker, compares them with the
// sample manifests and requires that re-encoding reproduces every file byte for byte.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "store/config/consumer_filter_codec.h"
#include "store/config/offset_table_codec.h"
#include "store/config/subscription_group_codec.h"
#include "store/config/topic_config_codec.h"
#include "store/test/java_store_samples.h"

namespace rmq::store::config {
namespace {

using store::testing::JavaStoreSample;

class JavaStoreConfig : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string why;
    sample_ = store::testing::loadJavaStoreSample(GetParam(), why);
    if (!sample_) GTEST_SKIP() << why;
  }

  std::string read(const std::string& file) {
    std::string text;
    EXPECT_TRUE(store::testing::readWholeFile(sample_->storeDir + "/config/" + file, text)) << file;
    return text;
  }

  // Decodes `file` and its .bak copy and re-encodes both.
  template <typename T>
  void expectByteExactRoundTrip(const std::string& file) {
    for (const std::string& name : {file, file + ".bak"}) {
      SCOPED_TRACE(name);
      const std::string text = read(name);
      ASSERT_FALSE(text.empty());
      T decoded;
      Status s = decode(text, decoded);
      ASSERT_TRUE(s.ok()) << s.message();
      EXPECT_EQ(encode(decoded), text);
    }
  }

  const JavaStoreSample* sample_ = nullptr;
};

TEST_P(JavaStoreConfig, TopicsJsonRoundTripsByteForByte) {
  expectByteExactRoundTrip<TopicConfigFile>("topics.json");
}
TEST_P(JavaStoreConfig, SubscriptionGroupJsonRoundTripsByteForByte) {
  expectByteExactRoundTrip<SubscriptionGroupFile>("subscriptionGroup.json");
}
TEST_P(JavaStoreConfig, ConsumerOffsetJsonRoundTripsByteForByte) {
  expectByteExactRoundTrip<ConsumerOffsetFile>("consumerOffset.json");
}
TEST_P(JavaStoreConfig, DelayOffsetJsonRoundTripsByteForByte) {
  expectByteExactRoundTrip<DelayOffsetFile>("delayOffset.json");
}
TEST_P(JavaStoreConfig, ConsumerFilterJsonRoundTripsByteForByte) {
  expectByteExactRoundTrip<ConsumerFilterFile>("consumerFilter.json");
}

TEST_P(JavaStoreConfig, ConsumerOffsetsMatchTheManifest) {
  ConsumerOffsetFile file;
  ASSERT_TRUE(decode(read("consumerOffset.json"), file).ok());
  // group -> topic -> queue -> offset, as GET_CONSUME_STATS reported it.
  std::map<std::string, std::map<std::string, std::map<int32_t, int64_t>>> ours, java;
  for (const auto& [key, queues] : file.offsetTable) {
    auto parts = splitConsumerOffsetKey(key);
    ASSERT_TRUE(parts.has_value()) << key;
    for (const auto& [q, off] : queues) {
      ours[std::string(parts->second)][std::string(parts->first)][q] = off;
    }
  }
  for (const auto& g : sample_->manifest["consumerOffsets"].GetObject()) {
    for (const auto& t : g.value.GetObject()) {
      for (const auto& q : t.value.GetObject()) {
        java[g.name.GetString()][t.name.GetString()][std::stoi(q.name.GetString())] =
            q.value.GetInt64();
      }
    }
  }
  EXPECT_EQ(ours, java);
  // And the manifest's parsed copy of the raw file, entry for entry.
  const auto& raw = sample_->manifest["store"]["consumerOffsetJson"]["offsetTable"];
  size_t n = 0;
  for (const auto& e : raw.GetObject()) {
    const QueueOffsets* queues = findEntry(file.offsetTable, std::string(e.name.GetString()));
    ASSERT_NE(queues, nullptr) << e.name.GetString();
    QueueOffsets expected;
    for (const auto& q : e.value.GetObject()) {
      expected.emplace_back(std::stoi(q.name.GetString()), q.value.GetInt64());
    }
    EXPECT_EQ(*queues, expected);
    ++n;
  }
  EXPECT_EQ(n, file.offsetTable.size());
}

TEST_P(JavaStoreConfig, DelayOffsetsMatchTheManifest) {
  DelayOffsetFile file;
  ASSERT_TRUE(decode(read("delayOffset.json"), file).ok());
  OrderedTable<int32_t, int64_t> expected;
  for (const auto& e : sample_->manifest["store"]["delayOffsetJson"]["offsetTable"].GetObject()) {
    expected.emplace_back(std::stoi(e.name.GetString()), e.value.GetInt64());
  }
  EXPECT_EQ(file.offsetTable, expected);
  // Only the delivered levels 1 and 3 have entries (README: {1:4, 3:3}).
  EXPECT_EQ(file.offsetTable, (OrderedTable<int32_t, int64_t>{{1, 4}, {3, 3}}));
}

TEST_P(JavaStoreConfig, TopicsAndGroupsOfTheManifestArePresent) {
  TopicConfigFile topics;
  ASSERT_TRUE(decode(read("topics.json"), topics).ok());
  for (const auto& t : sample_->manifest["topics"].GetObject()) {
    const TopicConfig* c = findEntry(topics.topicConfigTable, std::string(t.name.GetString()));
    ASSERT_NE(c, nullptr) << t.name.GetString();
    EXPECT_EQ(c->topicName, t.name.GetString());
    EXPECT_EQ(c->readQueueNums, t.value.GetInt());
    EXPECT_EQ(c->writeQueueNums, t.value.GetInt());
    EXPECT_EQ(c->perm, 6);
  }
  // Every table key equals its topicName.
  for (const auto& [key, c] : topics.topicConfigTable) EXPECT_EQ(key, c.topicName);

  SubscriptionGroupFile groups;
  ASSERT_TRUE(decode(read("subscriptionGroup.json"), groups).ok());
  for (const auto& g : sample_->manifest["groups"].GetArray()) {
    const SubscriptionGroupConfig* c =
        findEntry(groups.subscriptionGroupTable, std::string(g.GetString()));
    ASSERT_NE(c, nullptr) << g.GetString();
    SubscriptionGroupConfig defaults;
    defaults.groupName = g.GetString();
    EXPECT_EQ(*c, defaults);
  }
}

INSTANTIATE_TEST_SUITE_P(Samples, JavaStoreConfig,
                         ::testing::Values(std::string("clean-shutdown"), std::string("crash")),
                         [](const auto& info) {
                           return info.param == "crash" ? std::string("Crash")
                                                        : std::string("CleanShutdown");
                         });

}  // namespace
}  // namespace rmq::store::config
