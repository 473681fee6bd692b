// Unit tests of the broker's managers: topic auto-creation rules, groups, offsets, consumer
// registry, queue locks, and the helpers around them.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "broker/client/consumer_manager.h"
#include "broker/client/queue_lock_manager.h"
#include "broker/filter/tag_message_filter.h"
#include "broker/offset/consumer_offset_manager.h"
#include "broker/properties_editor.h"
#include "broker/stats/tps_sampler.h"
#include "broker/subscription/subscription_group_manager.h"
#include "broker/topic/topic_config_manager.h"
#include "broker/topic/topic_validator.h"
#include "common/file_util.h"
#include "store/java_hash.h"

namespace rmq::broker {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/brokertestXXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

BrokerConfig testConfig() {
  BrokerConfig c = BrokerConfig::defaults();
  c.brokerName = "broker-t";
  c.brokerClusterName = "ClusterT";
  return c;
}

TEST(TopicConfigManager, SystemTopicsAndAutoCreateFromTemplate) {
  TempDir dir;
  BrokerConfig cfg = testConfig();
  TopicConfigManager m(cfg, dir.path + "/topics.json");
  ASSERT_TRUE(m.load().ok());
  auto tbw = m.select("TBW102");
  ASSERT_TRUE(tbw);
  EXPECT_EQ(tbw->perm, 7);
  EXPECT_EQ(tbw->writeQueueNums, 8);
  EXPECT_EQ(m.select("ClusterT")->perm, 7);
  EXPECT_EQ(m.select("broker-t")->readQueueNums, 1);
  EXPECT_EQ(m.select("SCHEDULE_TOPIC_XXXX")->readQueueNums, 18);
  EXPECT_TRUE(m.select("ClusterT_REPLY_TOPIC"));

  int registrations = 0;
  m.setOnTopicCreated([&] { ++registrations; });
  auto created = m.createTopicInSendMessageMethod("NewTopic", "TBW102", 4, 0);
  ASSERT_TRUE(created);
  EXPECT_EQ(created->readQueueNums, 4);
  EXPECT_EQ(created->perm, 6);  // inherit bit removed
  EXPECT_EQ(registrations, 1);
  // A template without PERM_INHERIT creates nothing; an unknown template neither.
  EXPECT_FALSE(m.createTopicInSendMessageMethod("Other", "NewTopic", 4, 0));
  EXPECT_FALSE(m.createTopicInSendMessageMethod("Other", "NoSuchTemplate", 4, 0));
  // Capped by the template's write queues.
  EXPECT_EQ(m.createTopicInSendMessageMethod("Big", "TBW102", 100, 0)->writeQueueNums, 8);

  TopicConfigManager again(cfg, dir.path + "/topics.json");
  ASSERT_TRUE(again.load().ok());
  EXPECT_TRUE(again.select("NewTopic"));
  EXPECT_EQ(again.dataVersion(), m.dataVersion());
}

TEST(TopicConfigManager, AutoCreateOffForcesTemplatePerm) {
  TempDir dir;
  BrokerConfig cfg = testConfig();
  cfg.autoCreateTopicEnable = false;
  TopicConfigManager m(cfg, dir.path + "/topics.json");
  EXPECT_FALSE(m.select("TBW102"));
  EXPECT_FALSE(m.createTopicInSendMessageMethod("NewTopic", "TBW102", 4, 0));
  // Retry topics are still created by the broker itself.
  EXPECT_TRUE(m.createTopicInSendMessageBackMethod("%RETRY%g", 1, 6, 0));
}

TEST(TopicValidator, NamesAndForbiddenTopics) {
  EXPECT_EQ(topics::checkTopicName("Good_Topic-1%|x"), "");
  EXPECT_NE(topics::checkTopicName(""), "");
  EXPECT_NE(topics::checkTopicName("bad topic"), "");
  EXPECT_NE(topics::checkTopicName(std::string(128, 'a')), "");
  EXPECT_EQ(topics::checkTopicName(std::string(127, 'a')), "");
  EXPECT_TRUE(topics::isNotAllowedSendTopic("SCHEDULE_TOPIC_XXXX"));
  EXPECT_FALSE(topics::isNotAllowedSendTopic("TBW102"));
}

TEST(SubscriptionGroupManager, AutoCreateAndPersist) {
  TempDir dir;
  BrokerConfig cfg = testConfig();
  SubscriptionGroupManager m(cfg, dir.path + "/subscriptionGroup.json");
  auto g = m.findSubscriptionGroupConfig("G1");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->retryMaxTimes, 16);
  EXPECT_TRUE(m.select("TOOLS_CONSUMER"));
  SubscriptionGroupManager again(cfg, dir.path + "/subscriptionGroup.json");
  ASSERT_TRUE(again.load().ok());
  EXPECT_TRUE(again.select("G1"));

  cfg.autoCreateSubscriptionGroup = false;
  SubscriptionGroupManager strict(cfg, dir.path + "/other.json");
  EXPECT_FALSE(strict.findSubscriptionGroupConfig("G2"));
  EXPECT_TRUE(strict.findSubscriptionGroupConfig("CID_RMQ_SYS_TRANS"));  // system groups always
}

TEST(ConsumerOffsetManager, CommitQueryPersistWithBareKeys) {
  TempDir dir;
  const std::string path = dir.path + "/consumerOffset.json";
  ConsumerOffsetManager m(path);
  EXPECT_EQ(m.queryOffset("g", "t", 0), -1);
  m.commitOffset("g", "t", 0, 42);
  m.commitOffset("g", "t", 1, 7);
  EXPECT_EQ(m.queryOffset("g", "t", 0), 42);
  ASSERT_TRUE(m.persist().ok());
  std::string text;
  ASSERT_TRUE(readWholeFile(path, text).ok());
  EXPECT_NE(text.find("\"t@g\":{0:42,1:7"), std::string::npos) << text;
  ConsumerOffsetManager again(path);
  ASSERT_TRUE(again.load().ok());
  EXPECT_EQ(again.queryOffset("g", "t", 1), 7);
  EXPECT_EQ(again.topicsOfGroup("g"), std::set<std::string>{"t"});
  again.removeTopic("t");
  EXPECT_EQ(again.queryOffset("g", "t", 1), -1);
}

// The ConfigManager rules every file-backed manager shares: encode() is the file, persist()
// leaves the previous file as .bak, and load() takes that copy when the file is damaged.
TEST(ConfigManager, PersistEncodeAndBackupFallback) {
  TempDir dir;
  BrokerConfig cfg = testConfig();
  const std::string path = dir.path + "/subscriptionGroup.json";
  SubscriptionGroupManager m(cfg, path);
  EXPECT_EQ(m.configFilePath(), path);
  ASSERT_TRUE(m.load().ok());  // nothing stored: a first start
  m.findSubscriptionGroupConfig("G1");
  m.findSubscriptionGroupConfig("G2");  // G1 only is in the .bak copy now
  std::string text;
  ASSERT_TRUE(readWholeFile(path, text).ok());
  EXPECT_EQ(text, m.encode());

  ASSERT_TRUE(writeFileAtomically(path, "{\"subscriptionGroupTable\":").ok());
  // That write moved the G1+G2 file to .bak.
  SubscriptionGroupManager fromBak(cfg, path);
  ASSERT_TRUE(fromBak.load().ok());
  EXPECT_TRUE(fromBak.select("G1"));
  EXPECT_TRUE(fromBak.select("G2"));
  EXPECT_EQ(fromBak.dataVersion(), m.dataVersion());

  const std::string offsets = dir.path + "/consumerOffset.json";
  ASSERT_TRUE(writeFileAtomically(offsets, "{\"offsetTable\":[]}").ok());
  ConsumerOffsetManager damaged(offsets);
  EXPECT_FALSE(damaged.load().ok());  // no .bak to fall back to

  TopicConfigManager topics(cfg, dir.path + "/topics.json");
  ASSERT_TRUE(topics.persist().ok());
  ASSERT_TRUE(readWholeFile(topics.configFilePath(), text).ok());
  EXPECT_EQ(text, topics.encode());
}

TEST(ConsumerManager, MembershipChangesNotifyTheGroup) {
  ConsumerManager m;
  std::vector<std::pair<std::string, size_t>> notified;
  m.setOnIdsChanged([&](const std::string& g, const std::vector<ClientChannelInfo>& c) {
    notified.emplace_back(g, c.size());
  });
  protocol::ConsumerData data;
  data.groupName = "G";
  data.messageModel = "CLUSTERING";
  protocol::SubscriptionData sub;
  sub.topic = "T";
  sub.subString = "*";
  sub.subVersion = 1;
  data.subscriptionDataSet.push_back(sub);
  ClientChannelInfo a;
  a.connectionId = 1;
  a.clientId = "a";
  a.lastUpdateTimestamp = 1000;
  ClientChannelInfo b = a;
  b.connectionId = 2;
  b.clientId = "b";
  EXPECT_TRUE(m.registerConsumer("G", a, data, true));
  EXPECT_FALSE(m.registerConsumer("G", a, data, true));  // same channel, same topics
  EXPECT_TRUE(m.registerConsumer("G", b, data, true));
  EXPECT_EQ(m.consumerIds("G").size(), 2u);
  // A newer subVersion replaces the subscription without counting as a change.
  data.subscriptionDataSet[0].subVersion = 5;
  data.subscriptionDataSet[0].subString = "TagA";
  EXPECT_FALSE(m.registerConsumer("G", a, data, true));
  EXPECT_EQ(m.findSubscriptionData("G", "T")->subString, "TagA");
  notified.clear();
  m.connectionClosed(2, true);
  ASSERT_EQ(notified.size(), 1u);
  EXPECT_EQ(notified[0].second, 1u);
  // Expiry removes silently.
  notified.clear();
  auto expired = m.scanNotActive(1000 + 120001, 120000);
  EXPECT_EQ(expired.size(), 1u);
  EXPECT_TRUE(notified.empty());
  EXPECT_FALSE(m.group("G"));
}

TEST(QueueLockManager, LockRefreshExpiry) {
  QueueLockManager m(60000);
  std::set<MessageQueueKey> mqs = {{"T", "b", 0}, {"T", "b", 1}};
  EXPECT_EQ(m.tryLockBatch("G", mqs, "c1", 0).size(), 2u);
  EXPECT_TRUE(m.tryLockBatch("G", mqs, "c2", 30000).empty());
  EXPECT_EQ(m.tryLockBatch("G", mqs, "c1", 50000).size(), 2u);  // refresh
  EXPECT_TRUE(m.tryLockBatch("G", mqs, "c2", 100000).empty());
  EXPECT_EQ(m.tryLockBatch("G", mqs, "c2", 110001).size(), 2u);  // expired
  m.unlockBatch("G", {{"T", "b", 0}}, "c1");                     // not the holder
  EXPECT_EQ(m.tryLockBatch("G", {{"T", "b", 0}}, "c1", 110002).size(), 0u);
  m.unlockBatch("G", {{"T", "b", 0}}, "c2");
  EXPECT_EQ(m.tryLockBatch("G", {{"T", "b", 0}}, "c1", 110003).size(), 1u);
}

TEST(TagFilter, SubscriptionParsingAndMatching) {
  auto sd = buildSubscriptionData("T", "TagA || TagC ||  ", "TAG");
  EXPECT_EQ(sd.tagsSet, (std::set<std::string>{"TagA", "TagC"}));
  TagMessageFilter f(sd);
  EXPECT_TRUE(f.isMatchedByConsumeQueue(store::javaStringHashCode("TagA")));
  EXPECT_FALSE(f.isMatchedByConsumeQueue(store::javaStringHashCode("TagB")));
  TagMessageFilter all(buildSubscriptionData("T", "*", ""));
  EXPECT_TRUE(all.isMatchedByConsumeQueue(12345));
  TagMessageFilter none(std::nullopt);
  EXPECT_TRUE(none.isMatchedByConsumeQueue(1));
}

TEST(PropertiesEditor, EditsKeepOrderAndLastDuplicateWins) {
  std::string in = std::string("A\x01") + "1\x02" + "B\x01" + "2\x02" + "A\x01" + "3";
  PropertiesEditor e(in);
  EXPECT_EQ(e.get("A"), "3");
  e.remove("B");
  e.set("C", "x");
  EXPECT_EQ(e.str(), std::string("A\x01") + "3\x02" + "C\x01" + "x");
}

// Values set beyond the inline block spill to the heap; every earlier view stays valid.
TEST(PropertiesEditor, ManyAndLongSetValuesKeepEarlierViews) {
  std::string in = std::string("KEEP\x01") + "v";
  PropertiesEditor e(in);
  std::string expected = "KEEP\x01v";
  for (int i = 0; i < 40; ++i) {
    std::string name = "N" + std::to_string(i);
    std::string value(static_cast<size_t>(i * 7 + 1), static_cast<char>('a' + i % 26));
    e.set(name, value);
    expected += "\x02" + name + "\x01" + value;
  }
  EXPECT_EQ(e.get("N0"), "a");
  EXPECT_EQ(e.get("N39"), std::string(274, 'a' + 39 % 26));
  EXPECT_EQ(e.str(), expected);
  std::string appended = "prefix";
  e.appendTo(appended);
  EXPECT_EQ(appended, "prefix" + expected);
}

TEST(BrokerConfiguration, JavaKeysAndUnknownKeysKept) {
  BrokerConfiguration c = BrokerConfiguration::defaults();
  Properties p;
  ASSERT_TRUE(Properties::parse("brokerName=broker-x\nlistenPort=10999\nflushDiskType=SYNC_FLUSH\n"
                                "mappedFileSizeCommitLog=1048576\nsomethingNew=1\n",
                                p)
                  .ok());
  ASSERT_TRUE(c.apply(p).ok());
  EXPECT_EQ(c.broker.brokerName, "broker-x");
  EXPECT_EQ(c.broker.listenPort, 10999);
  EXPECT_TRUE(c.store.isSyncFlush());
  EXPECT_EQ(c.store.mappedFileSizeCommitLog, 1048576);
  EXPECT_EQ(c.unknown.get("somethingNew").value(), "1");
  EXPECT_EQ(c.toProperties().get("somethingNew").value(), "1");
  Properties bad;
  ASSERT_TRUE(Properties::parse("listenPort=abc\n", bad).ok());
  EXPECT_FALSE(c.apply(bad).ok());
}

// GET_BROKER_CONFIG and -p list every key of Java's configuration classes, also those this
// broker does not use (with Java's defaults, settable), and not the pre-4.5.1 names.
TEST(BrokerConfiguration, ReportsJavaOnlyKeysAsJavaDoes) {
  BrokerConfiguration c = BrokerConfiguration::defaults();
  Properties all = c.toProperties();
  EXPECT_EQ(all.get("useReentrantLockWhenPutMessage").value_or("?"), "true");
  EXPECT_EQ(all.get("serverSocketBacklog").value_or("?"), "1024");
  EXPECT_EQ(all.get("configBlackList").value_or("?"), "configBlackList;brokerConfigPath");
  EXPECT_FALSE(all.contains("mapedFileSizeCommitLog"));
  EXPECT_FALSE(all.contains("haMasterAddress"));  // null in Java
  Properties p;
  ASSERT_TRUE(Properties::parse("serverSocketBacklog=64\n", p).ok());
  ASSERT_TRUE(c.apply(p).ok());
  EXPECT_FALSE(c.unknown.contains("serverSocketBacklog"));  // a known key, not reported unknown
  EXPECT_EQ(c.toProperties().get("serverSocketBacklog").value_or("?"), "64");
}

TEST(TpsSampler, WindowsFillUpAsJavaReportsThem) {
  TpsSampler s;
  EXPECT_EQ(s.tps(10), -1);
  for (int i = 0; i <= 70; ++i) s.sample(int64_t(i) * 1000, int64_t(i) * 100);
  EXPECT_DOUBLE_EQ(s.tps(10), 100.0);
  EXPECT_DOUBLE_EQ(s.tps(60), 100.0);
  EXPECT_EQ(s.tps(600), -1);
  EXPECT_EQ(s.text(), "100.0 100.0 ");
}

}  // namespace
}  // namespace rmq::broker

namespace rmq::broker {
namespace {

// Concurrent persists (the periodic flush racing shutdown) never leave a torn or older file.
TEST(ConsumerOffsetManager, ConcurrentPersistsLeaveTheNewestWholeFile) {
  TempDir dir;
  const std::string path = dir.path + "/consumerOffset.json";
  ConsumerOffsetManager m(path);
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&m, t] {
      for (int i = 0; i < 50; ++i) {
        m.commitOffset("g", "t", t, i);
        ASSERT_TRUE(m.persist().ok());
      }
    });
  }
  for (auto& w : writers) w.join();
  ASSERT_TRUE(m.persist().ok());
  ConsumerOffsetManager again(path);
  ASSERT_TRUE(again.load().ok());
  for (int t = 0; t < 4; ++t) EXPECT_EQ(again.queryOffset("g", "t", t), 49);
}

}  // namespace
}  // namespace rmq::broker
