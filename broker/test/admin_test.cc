// The admin request set over loopback against an in-process broker.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "broker/test/broker_fixture.h"
#include "broker/topic/topic_validator.h"
#include "common/json.h"
#include "common/protocol/route_data.h"
#include "remoting/response_code.h"

namespace rmq::broker {
namespace {

using remoting::RemotingCommand;
namespace req = remoting::request_code;
namespace rc = remoting::response_code;

class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = std::make_unique<testing::BrokerFixture>();
    ASSERT_TRUE(broker_->status().ok()) << broker_->status().message();
    client_.start();
    ASSERT_EQ(call(testing::BrokerFixture::createTopicRequest("AdminTopic", 2)).code, rc::SUCCESS);
    for (int i = 0; i < 6; ++i) {
      RemotingCommand send = RemotingCommand::createRequest(req::SEND_MESSAGE_V2);
      send.addExt("a", "PG").addExt("b", "AdminTopic").addExt("c", "TBW102").addExt("d", "4");
      send.addExtInt("e", i % 2).addExt("f", "0").addExt("g", "1").addExt("h", "0");
      send.setBody("m" + std::to_string(i));
      ASSERT_EQ(call(std::move(send)).code, rc::SUCCESS);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // dispatch
  }
  void TearDown() override {
    client_.shutdown();
    broker_.reset();
  }
  RemotingCommand call(RemotingCommand r) {
    RemotingCommand resp;
    Status s = client_.invokeSync(broker_->addr(), std::move(r), 5000, resp);
    EXPECT_TRUE(s.ok()) << s.message();
    return resp;
  }
  std::unique_ptr<testing::BrokerFixture> broker_;
  remoting::RemotingClient client_;
};

TEST_F(AdminTest, TopicAndConsumeStats) {
  RemotingCommand stats = RemotingCommand::createRequest(req::GET_TOPIC_STATS_INFO);
  stats.addExt("topic", "AdminTopic");
  RemotingCommand resp = call(std::move(stats));
  ASSERT_EQ(resp.code, rc::SUCCESS);
  rapidjson::Document doc;
  ASSERT_TRUE(json::parseLenientJson(resp.body(), doc).ok());
  ASSERT_EQ(doc["offsetTable"].MemberCount(), 2u);
  for (auto it = doc["offsetTable"].MemberBegin(); it != doc["offsetTable"].MemberEnd(); ++it) {
    EXPECT_EQ(it->value["maxOffset"].GetInt64(), 3);
    EXPECT_GT(it->value["lastUpdateTimestamp"].GetInt64(), 0);
  }
  EXPECT_NE(std::string(resp.body())
                .find(R"({{"brokerName":"broker-test","queueId":0,"topic":"AdminTopic"}:)"),
            std::string::npos);
  RemotingCommand missing = RemotingCommand::createRequest(req::GET_TOPIC_STATS_INFO);
  missing.addExt("topic", "Nope");
  EXPECT_EQ(call(std::move(missing)).code, rc::TOPIC_NOT_EXIST);

  RemotingCommand commit = RemotingCommand::createRequest(req::UPDATE_CONSUMER_OFFSET);
  commit.addExt("consumerGroup", "G").addExt("topic", "AdminTopic").addExt("queueId", "0");
  commit.addExt("commitOffset", "2");
  ASSERT_EQ(call(std::move(commit)).code, rc::SUCCESS);
  RemotingCommand cs = RemotingCommand::createRequest(req::GET_CONSUME_STATS);
  cs.addExt("consumerGroup", "G");
  RemotingCommand csr = call(std::move(cs));
  ASSERT_EQ(csr.code, rc::SUCCESS);
  ASSERT_TRUE(json::parseLenientJson(csr.body(), doc).ok());
  bool sawQueue0 = false;
  for (auto it = doc["offsetTable"].MemberBegin(); it != doc["offsetTable"].MemberEnd(); ++it) {
    rapidjson::Document key;
    ASSERT_TRUE(json::parseLenientJson(it->name.GetString(), key).ok());
    if (key["queueId"].GetInt() == 0) {
      sawQueue0 = true;
      EXPECT_EQ(it->value["brokerOffset"].GetInt64(), 3);
      EXPECT_EQ(it->value["consumerOffset"].GetInt64(), 2);
    }
  }
  EXPECT_TRUE(sawQueue0);
  RemotingCommand who = RemotingCommand::createRequest(req::QUERY_TOPIC_CONSUME_BY_WHO);
  who.addExt("topic", "AdminTopic");
  EXPECT_EQ(call(std::move(who)).body(), R"({"groupList":["G"]})");
}

TEST_F(AdminTest, BrokerConfigAndRuntimeInfo) {
  RemotingCommand get = call(RemotingCommand::createRequest(req::GET_BROKER_CONFIG));
  ASSERT_EQ(get.code, rc::SUCCESS);
  EXPECT_NE(std::string(get.body()).find("brokerName=broker-test\n"), std::string::npos);
  EXPECT_NE(get.ext.getString("version").find("\"counter\":"), std::string::npos);
  // brokerIP1 is set (127.0.0.1); brokerIP2 is detected on its own, as Java does.
  EXPECT_NE(std::string(get.body()).find("brokerIP2=" + detectLocalIp() + "\n"), std::string::npos);
  RemotingCommand upd = RemotingCommand::createRequest(req::UPDATE_BROKER_CONFIG);
  upd.setBody("longPollingEnable=false\n");
  EXPECT_EQ(call(std::move(upd)).code, rc::SUCCESS);
  RemotingCommand again = call(RemotingCommand::createRequest(req::GET_BROKER_CONFIG));
  EXPECT_NE(std::string(again.body()).find("longPollingEnable=false\n"), std::string::npos);
  RemotingCommand black = RemotingCommand::createRequest(req::UPDATE_BROKER_CONFIG);
  black.setBody("brokerConfigPath=/etc/x\n");
  EXPECT_EQ(call(std::move(black)).code, rc::NO_PERMISSION);

  RemotingCommand info = call(RemotingCommand::createRequest(req::GET_BROKER_RUNTIME_INFO));
  ASSERT_EQ(info.code, rc::SUCCESS);
  std::map<std::string, std::string> table;
  ASSERT_TRUE(protocol::decodeKVTable(info.body(), table).ok());
  EXPECT_EQ(table["brokerVersion"], "409");
  EXPECT_EQ(table["brokerVersionDesc"], "V4_9_8");
  EXPECT_EQ(table["msgPutTotalTodayNow"], "6");
  EXPECT_GT(std::stoll(table["commitLogMaxOffset"]), 0);
  EXPECT_TRUE(table.count("putTps"));
  // Java's key set (mqadmin brokerStatus of the 4.9.8 broker), StoreStatsService figures real.
  for (const char* key :
       {"commitLogDiskRatio", "commitLogDirCapacity", "remainTransientStoreBufferNumbs",
        "putMessageEntireTimeMax", "putMessageTimesTotal", "putMessageFailedTimes",
        "putMessageSizeTotal", "putMessageDistributeTime", "putMessageAverageSize",
        "dispatchMaxBuffer", "getMessageEntireTimeMax", "putLatency99", "putLatency999",
        "earliestMessageTimeStamp", "remainHowManyDataToFlush"}) {
    EXPECT_TRUE(table.count(key)) << key;
  }
  EXPECT_EQ(table["putMessageTimesTotal"], "6");
  EXPECT_EQ(table["putMessageSizeTotal"], table["commitLogMaxOffset"]);
  EXPECT_EQ(table["putMessageFailedTimes"], "0");
  EXPECT_EQ(table["putMessageDistributeTime"], "null");  // no full minute yet, as Java
  EXPECT_EQ(table["putLatency99"], "0.00");
  EXPECT_EQ(table["remainTransientStoreBufferNumbs"], "2147483647");
  // A small store: fewer than 2 x maxMessageSize bytes after the first record, so Java's -1.
  EXPECT_EQ(table["earliestMessageTimeStamp"], "-1");
  EXPECT_EQ(table["commitLogDiskRatio"].find("0000"), std::string::npos);  // Java's double text
  EXPECT_EQ(table["commitLogDirCapacity"].rfind("Total : ", 0), 0u);
}

TEST_F(AdminTest, SubscriptionGroups) {
  RemotingCommand create = RemotingCommand::createRequest(req::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP);
  create.setBody(R"({"groupName":"AdminGroup","retryMaxTimes":3,"consumeEnable":true})");
  EXPECT_EQ(call(std::move(create)).code, rc::SUCCESS);
  RemotingCommand all = call(RemotingCommand::createRequest(req::GET_ALL_SUBSCRIPTIONGROUP_CONFIG));
  rapidjson::Document doc;
  ASSERT_TRUE(json::parseLenientJson(all.body(), doc).ok());
  ASSERT_TRUE(doc["subscriptionGroupTable"].HasMember("AdminGroup"));
  EXPECT_EQ(doc["subscriptionGroupTable"]["AdminGroup"]["retryMaxTimes"].GetInt(), 3);
  RemotingCommand del = RemotingCommand::createRequest(req::DELETE_SUBSCRIPTIONGROUP);
  del.addExt("groupName", "AdminGroup");
  EXPECT_EQ(call(std::move(del)).code, rc::SUCCESS);
  all = call(RemotingCommand::createRequest(req::GET_ALL_SUBSCRIPTIONGROUP_CONFIG));
  ASSERT_TRUE(json::parseLenientJson(all.body(), doc).ok());
  EXPECT_FALSE(doc["subscriptionGroupTable"].HasMember("AdminGroup"));
  RemotingCommand bad = RemotingCommand::createRequest(req::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP);
  bad.setBody("not json");
  EXPECT_EQ(call(std::move(bad)).code, rc::SYSTEM_ERROR);
}

TEST_F(AdminTest, OfflineConsumersAndUnknownCodes) {
  RemotingCommand conn = RemotingCommand::createRequest(req::GET_CONSUMER_CONNECTION_LIST);
  conn.addExt("consumerGroup", "NoSuchGroup");
  EXPECT_EQ(call(std::move(conn)).code, rc::CONSUMER_NOT_ONLINE);
  RemotingCommand commit = RemotingCommand::createRequest(req::UPDATE_CONSUMER_OFFSET);
  commit.addExt("consumerGroup", "G2").addExt("topic", "AdminTopic").addExt("queueId", "0");
  commit.addExt("commitOffset", "1");
  call(std::move(commit));
  commit = RemotingCommand::createRequest(req::UPDATE_CONSUMER_OFFSET);
  commit.addExt("consumerGroup", "G2").addExt("topic", "AdminTopic").addExt("queueId", "1");
  commit.addExt("commitOffset", "1");
  call(std::move(commit));
  RemotingCommand reset = RemotingCommand::createRequest(req::INVOKE_BROKER_TO_RESET_OFFSET);
  reset.addExt("topic", "AdminTopic").addExt("group", "G2").addExt("timestamp", "-1");
  reset.addExt("isForce", "true");
  EXPECT_EQ(call(std::move(reset)).code, rc::CONSUMER_NOT_ONLINE);
  RemotingCommand running = RemotingCommand::createRequest(req::GET_CONSUMER_RUNNING_INFO);
  running.addExt("consumerGroup", "G2").addExt("clientId", "nobody");
  EXPECT_EQ(call(std::move(running)).code, rc::SYSTEM_ERROR);
  EXPECT_EQ(call(RemotingCommand::createRequest(4321)).code, rc::REQUEST_CODE_NOT_SUPPORTED);
  RemotingCommand producers = RemotingCommand::createRequest(req::GET_PRODUCER_CONNECTION_LIST);
  producers.addExt("producerGroup", "NoSuchPG");
  EXPECT_EQ(call(std::move(producers)).code, rc::SYSTEM_ERROR);
}

TEST_F(AdminTest, MaintenanceRequests) {
  RemotingCommand q = RemotingCommand::createRequest(req::QUERY_CONSUME_QUEUE);
  q.addExt("topic", "AdminTopic").addExt("queueId", "0").addExt("index", "0").addExt("count", "10");
  RemotingCommand resp = call(std::move(q));
  ASSERT_EQ(resp.code, rc::SUCCESS);
  rapidjson::Document doc;
  ASSERT_TRUE(json::parseLenientJson(resp.body(), doc).ok());
  EXPECT_EQ(doc["maxQueueIndex"].GetInt64(), 3);
  EXPECT_EQ(doc["queueData"].Size(), 3u);
  EXPECT_FALSE(doc.HasMember("filterData"));  // no consumerGroup asked for
  // Java's quirks: a group that is not online gets filterData text and no subscriptionData; the
  // count caps the units; an index past the written units is SUCCESS with a remark and no body.
  RemotingCommand q2 = RemotingCommand::createRequest(req::QUERY_CONSUME_QUEUE);
  q2.addExt("topic", "AdminTopic").addExt("queueId", "0").addExt("index", "1").addExt("count", "1");
  q2.addExt("consumerGroup", "Offline");
  resp = call(std::move(q2));
  ASSERT_EQ(resp.code, rc::SUCCESS);
  EXPECT_EQ(
      std::string(resp.body()).rfind("{\"filterData\":\"Offline@AdminTopic is not online!\",", 0),
      0u)
      << resp.body();
  ASSERT_TRUE(json::parseLenientJson(resp.body(), doc).ok());
  EXPECT_EQ(doc["queueData"].Size(), 1u);
  EXPECT_FALSE(doc.HasMember("subscriptionData"));
  RemotingCommand past = RemotingCommand::createRequest(req::QUERY_CONSUME_QUEUE);
  past.addExt("topic", "AdminTopic")
      .addExt("queueId", "0")
      .addExt("index", "3")
      .addExt("count", "1");
  resp = call(std::move(past));
  EXPECT_EQ(resp.code, rc::SUCCESS);
  EXPECT_EQ(resp.remark.value_or(""), "Index 3 of 0@AdminTopic is not exist!");
  EXPECT_TRUE(resp.body().empty());
  RemotingCommand unknown = RemotingCommand::createRequest(req::QUERY_CONSUME_QUEUE);
  unknown.addExt("topic", "Nope").addExt("queueId", "0").addExt("index", "0").addExt("count", "1");
  resp = call(std::move(unknown));
  EXPECT_EQ(resp.code, rc::SYSTEM_ERROR);
  EXPECT_EQ(resp.remark.value_or(""), "0@Nope is not exist!");
  EXPECT_EQ(call(RemotingCommand::createRequest(req::CLEAN_EXPIRED_CONSUMEQUEUE)).code,
            rc::SUCCESS);
  EXPECT_EQ(call(RemotingCommand::createRequest(req::DELETE_EXPIRED_COMMITLOG)).code, rc::SUCCESS);
  EXPECT_EQ(call(RemotingCommand::createRequest(req::CLEAN_UNUSED_TOPIC)).code, rc::SUCCESS);
  RemotingCommand stats = RemotingCommand::createRequest(req::GET_BROKER_CONSUME_STATS);
  stats.addExt("isOrder", "false");
  RemotingCommand sr = call(std::move(stats));
  ASSERT_EQ(sr.code, rc::SUCCESS);
  EXPECT_NE(std::string(sr.body()).find("\"totalDiff\":"), std::string::npos);
  // The topic's data survived the maintenance requests.
  RemotingCommand max = RemotingCommand::createRequest(req::GET_MAX_OFFSET);
  max.addExt("topic", "AdminTopic").addExt("queueId", "0");
  EXPECT_EQ(call(std::move(max)).ext.getInt64("offset").value_or(-1), 3);
}

}  // namespace
}  // namespace rmq::broker

namespace rmq::broker {
namespace {

TEST_F(AdminTest, ConsumeProgressProducersAndResumedHalfMessages) {
  auto commit = [&](const char* group, int queue, int offset) {
    RemotingCommand c = RemotingCommand::createRequest(req::UPDATE_CONSUMER_OFFSET);
    c.addExt("consumerGroup", group).addExt("topic", "AdminTopic").addExtInt("queueId", queue);
    c.addExtInt("commitOffset", offset);
    EXPECT_EQ(call(std::move(c)).code, rc::SUCCESS);
  };
  commit("G1", 0, 1);
  commit("G1", 1, 2);
  commit("G2", 0, 3);
  commit("G2", 1, 1);
  auto correction = [&](const char* compare, const char* filter) {
    RemotingCommand q = RemotingCommand::createRequest(req::QUERY_CORRECTION_OFFSET);
    q.addExt("topic", "AdminTopic").addExt("compareGroup", compare);
    if (filter) q.addExt("filterGroups", filter);
    RemotingCommand resp = call(std::move(q));
    EXPECT_EQ(resp.code, rc::SUCCESS);
    return std::string(resp.body());
  };
  // Smallest offset over the groups, Long.MAX_VALUE where the compare group is behind it.
  EXPECT_EQ(correction("G2", nullptr), R"({"correctionOffsets":{0:1,1:1}})");
  EXPECT_EQ(correction("G2", "G2"), R"({"correctionOffsets":{0:1,1:9223372036854775807}})");
  EXPECT_EQ(correction("G1", "G1"), R"({"correctionOffsets":{0:9223372036854775807,1:1}})");
  // The filtered groups keep their offsets (Java deletes them from its table here).
  RemotingCommand q = RemotingCommand::createRequest(req::QUERY_CONSUMER_OFFSET);
  q.addExt("consumerGroup", "G2").addExt("topic", "AdminTopic").addExt("queueId", "0");
  EXPECT_EQ(call(std::move(q)).ext.get("offset").value_or(""), "3");

  RemotingCommand span = RemotingCommand::createRequest(req::QUERY_CONSUME_TIME_SPAN);
  span.addExt("topic", "AdminTopic").addExt("group", "G1");
  RemotingCommand resp = call(std::move(span));
  ASSERT_EQ(resp.code, rc::SUCCESS);
  rapidjson::Document doc;
  ASSERT_TRUE(json::parseLenientJson(resp.body(), doc).ok()) << resp.body();
  const auto& set = doc["consumeTimeSpanSet"];
  ASSERT_EQ(set.Size(), 2u);
  const std::regex date(R"(\d{4}-\d{2}-\d{2}#\d{2}:\d{2}:\d{2}:\d{3})");
  for (rapidjson::SizeType i = 0; i < set.Size(); ++i) {
    const auto& s = set[i];
    EXPECT_EQ(s["messageQueue"]["queueId"].GetInt(), static_cast<int>(i));
    EXPECT_GT(s["minTimeStamp"].GetInt64(), 0);
    EXPECT_GE(s["maxTimeStamp"].GetInt64(), s["minTimeStamp"].GetInt64());
    EXPECT_GE(s["consumeTimeStamp"].GetInt64(), s["minTimeStamp"].GetInt64());
    EXPECT_TRUE(std::regex_match(s["minTimeStampStr"].GetString(), date));
  }
  EXPECT_EQ(set[0]["delayTime"].GetInt64() >= 0, true);  // G1 is behind on queue 0 (1 of 3)
  RemotingCommand unknown = RemotingCommand::createRequest(req::QUERY_CONSUME_TIME_SPAN);
  unknown.addExt("topic", "Nope").addExt("group", "G1");
  resp = call(std::move(unknown));
  EXPECT_EQ(resp.code, rc::TOPIC_NOT_EXIST);
  EXPECT_EQ(resp.remark.value_or(""), "topic[Nope] not exist");

  RemotingCommand hb = RemotingCommand::createRequest(req::HEART_BEAT);
  hb.setBody(R"({"clientID":"pc-1","consumerDataSet":[],"producerDataSet":[{"groupName":"PGX"}]})");
  ASSERT_EQ(call(std::move(hb)).code, rc::SUCCESS);
  resp = call(RemotingCommand::createRequest(req::GET_ALL_PRODUCER_INFO));
  ASSERT_EQ(resp.code, rc::SUCCESS);
  ASSERT_TRUE(json::parseLenientJson(resp.body(), doc).ok()) << resp.body();
  ASSERT_TRUE(doc["data"].HasMember("PGX")) << resp.body();
  const auto& p = doc["data"]["PGX"][0];
  EXPECT_STREQ(p["clientId"].GetString(), "pc-1");
  EXPECT_EQ(std::string(p["remoteIP"].GetString()).rfind("/127.0.0.1:", 0), 0u);
  EXPECT_TRUE(p.HasMember("language") && p.HasMember("version") &&
              p.HasMember("lastUpdateTimestamp"));

  // RESUME_CHECK_HALF_MESSAGE: the message named by the offset msgId goes to the half queue.
  RemotingCommand send = RemotingCommand::createRequest(req::SEND_MESSAGE_V2);
  send.addExt("a", "PG").addExt("b", "AdminTopic").addExt("c", "TBW102").addExt("d", "4");
  send.addExt("e", "0").addExt("f", "0").addExt("g", "1").addExt("h", "0");
  send.setBody("resume-me");
  resp = call(std::move(send));
  ASSERT_EQ(resp.code, rc::SUCCESS);
  const std::string msgId(resp.ext.get("msgId").value_or(""));
  auto halfMax = [&] {
    RemotingCommand m = RemotingCommand::createRequest(req::GET_MAX_OFFSET);
    m.addExt("topic", "RMQ_SYS_TRANS_HALF_TOPIC").addExt("queueId", "0");
    return call(std::move(m)).ext.getInt64("offset").value_or(-1);
  };
  const int64_t before = halfMax();
  RemotingCommand resume = RemotingCommand::createRequest(req::RESUME_CHECK_HALF_MESSAGE);
  resume.addExt("msgId", msgId);
  EXPECT_EQ(call(std::move(resume)).code, rc::SUCCESS);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // dispatch
  EXPECT_EQ(halfMax(), before + 1);
  RemotingCommand bad = RemotingCommand::createRequest(req::RESUME_CHECK_HALF_MESSAGE);
  bad.addExt("msgId", "7F00000100002A9F00000000FFFFFFFF");
  resp = call(std::move(bad));
  EXPECT_EQ(resp.code, rc::SYSTEM_ERROR);
  EXPECT_EQ(resp.remark.value_or(""),
            "Exception was thrown when putting message back to RMQ_SYS_TRANS_HALF_TOPIC.");
}

// Java counts a delayed message's delivery as a put to its real topic and a get of
// SCHEDULE_CONSUMER, and the transaction check's reads as gets of CID_RMQ_SYS_TRANS; its first
// check creates the half topic even when no transaction was ever sent.
TEST_F(AdminTest, DeliveriesAndChecksCountAsJavaDoes) {
  BrokerContext& ctx = broker_->controller().context();
  auto value = [&](std::string_view name, std::string_view key) -> int64_t {
    const StatsItem* item = ctx.brokerStatsManager.getStatsItem(name, key);
    return item ? item->value() : 0;
  };
  EXPECT_EQ(value(stats::TOPIC_PUT_NUMS, "AdminTopic"), 6);
  EXPECT_FALSE(ctx.topics.select(topics::kTransHalfTopic).has_value());
  broker_->controller().transactions().check();
  EXPECT_TRUE(ctx.topics.select(topics::kTransHalfTopic).has_value());

  RemotingCommand send = RemotingCommand::createRequest(req::SEND_MESSAGE_V2);
  send.addExt("a", "PG").addExt("b", "AdminTopic").addExt("c", "TBW102").addExt("d", "4");
  send.addExt("e", "0").addExt("f", "0").addExt("g", "1").addExt("h", "0");
  send.addExt("i", std::string("DELAY\x01") + "1");  // level 1: 1 s
  send.setBody("later");
  ASSERT_EQ(call(std::move(send)).code, rc::SUCCESS);
  EXPECT_EQ(value(stats::TOPIC_PUT_NUMS, topics::kScheduleTopic), 1);
  const std::string scheduleKey = std::string(topics::kScheduleTopic) + "@SCHEDULE_CONSUMER";
  for (int i = 0; i < 100 && value(stats::GROUP_GET_NUMS, scheduleKey) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(value(stats::GROUP_GET_NUMS, scheduleKey), 1);
  EXPECT_GT(value(stats::GROUP_GET_SIZE, scheduleKey), 0);
  EXPECT_EQ(value(stats::TOPIC_PUT_NUMS, "AdminTopic"), 7);

  // The check reads a pending half message (too young to ask back): one get of CID_RMQ_SYS_TRANS.
  RemotingCommand half = RemotingCommand::createRequest(req::SEND_MESSAGE_V2);
  half.addExt("a", "TPG").addExt("b", "AdminTopic").addExt("c", "TBW102").addExt("d", "4");
  half.addExt("e", "0").addExt("f", "0").addExt("g", "1").addExt("h", "4");
  half.addExt("i", std::string("TRAN_MSG\x01") + "true\x02" + "PGROUP\x01" + "TPG");
  half.setBody("half");
  ASSERT_EQ(call(std::move(half)).code, rc::SUCCESS);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // dispatch
  broker_->controller().transactions().check();
  const std::string halfKey =
      std::string(topics::kTransHalfTopic) + "@" + std::string(topics::kTransCheckGroup);
  EXPECT_EQ(value(stats::GROUP_GET_NUMS, halfKey), 1);
}

}  // namespace
}  // namespace rmq::broker
