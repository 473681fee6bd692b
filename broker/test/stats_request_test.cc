// Statistics over loopback against an in-process broker: messages sent, pulled and sent back,
// then VIEW_BROKER_STATS_DATA (315), GET_BROKER_CONSUME_STATS (317), GET_CONSUME_STATS (208) and
// GET_BROKER_RUNTIME_INFO (28) must show the same sums. The test samples the stats itself
// instead of waiting for the 10 s tick.
#include <gtest/gtest.h>

#include <thread>

#include "broker/test/broker_fixture.h"
#include "common/json.h"
#include "common/protocol/route_data.h"
#include "common/time_util.h"
#include "remoting/response_code.h"
#include "store/message_record.h"

namespace rmq::broker {
namespace {

using remoting::RemotingCommand;
namespace req = remoting::request_code;
namespace rc = remoting::response_code;

constexpr const char* kTopic = "StatsTopic";
constexpr const char* kGroup = "StatsGroup";

class StatsRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = std::make_unique<testing::BrokerFixture>();
    ASSERT_TRUE(broker_->status().ok()) << broker_->status().message();
    client_.start();
    ASSERT_EQ(call(testing::BrokerFixture::createTopicRequest(kTopic, 2)).code, rc::SUCCESS);
    for (int i = 0; i < 6; ++i) {
      RemotingCommand send = RemotingCommand::createRequest(req::SEND_MESSAGE_V2);
      send.addExt("a", "PG").addExt("b", kTopic).addExt("c", "TBW102").addExt("d", "4");
      send.addExtInt("e", i % 2).addExt("f", "0").addExt("g", "1").addExt("h", "0");
      send.setBody("message-" + std::to_string(i));
      ASSERT_EQ(call(std::move(send)).code, rc::SUCCESS);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // dispatch
  }
  void TearDown() override {
    client_.shutdown();
    broker_.reset();
  }
  BrokerContext& ctx() { return broker_->controller().context(); }
  RemotingCommand call(RemotingCommand r) {
    RemotingCommand resp;
    Status s = client_.invokeSync(broker_->addr(), std::move(r), 5000, resp);
    EXPECT_TRUE(s.ok()) << s.message();
    return resp;
  }
  RemotingCommand pull(int queueId, int64_t offset) {
    RemotingCommand r = RemotingCommand::createRequest(req::PULL_MESSAGE);
    r.addExt("consumerGroup", kGroup).addExt("topic", kTopic).addExtInt("queueId", queueId);
    r.addExtInt("queueOffset", offset).addExtInt("maxMsgNums", 32).addExtInt("sysFlag", 4);
    r.addExtInt("commitOffset", 0).addExtInt("suspendTimeoutMillis", 0);
    r.addExt("subscription", "*").addExtInt("subVersion", 0).addExt("expressionType", "TAG");
    return call(std::move(r));
  }
  void commit(int queueId, int64_t offset) {
    RemotingCommand r = RemotingCommand::createRequest(req::UPDATE_CONSUMER_OFFSET);
    r.addExt("consumerGroup", kGroup).addExt("topic", kTopic).addExtInt("queueId", queueId);
    r.addExtInt("commitOffset", offset);
    ASSERT_EQ(call(std::move(r)).code, rc::SUCCESS);
  }
  RemotingCommand view(const std::string& name, const std::string& key) {
    RemotingCommand r = RemotingCommand::createRequest(req::VIEW_BROKER_STATS_DATA);
    r.addExt("statsName", name).addExt("statsKey", key);
    return call(std::move(r));
  }
  // statsMinute of an item that must exist.
  rapidjson::Document minute(const std::string& name, const std::string& key) {
    RemotingCommand resp = view(name, key);
    EXPECT_EQ(resp.code, rc::SUCCESS) << name << " " << key << ": " << resp.remark.value_or("");
    rapidjson::Document doc;
    EXPECT_TRUE(json::parseLenientJson(resp.body(), doc).ok());
    rapidjson::Document out;
    if (doc.IsObject() && doc.HasMember("statsMinute"))
      out.CopyFrom(doc["statsMinute"], out.GetAllocator());
    return out;
  }
  // Pulls both queues (3 + 3 messages), misses once, commits 3 and 2, sends one back.
  void consume() {
    int64_t firstPhysicalOffset = -1;
    for (int q = 0; q < 2; ++q) {
      RemotingCommand resp = pull(q, 0);
      ASSERT_EQ(resp.code, rc::SUCCESS);
      if (q == 0) {
        std::string bytes = resp.bodyBytes();
        store::DecodedRecord rec;
        ASSERT_TRUE(store::decodeRecord(store::asBytes(bytes), rec).ok());
        firstPhysicalOffset = rec.physicalOffset;
      }
    }
    EXPECT_EQ(pull(0, 3).code, rc::PULL_NOT_FOUND);  // a miss
    commit(0, 3);
    commit(1, 2);
    RemotingCommand back = RemotingCommand::createRequest(req::CONSUMER_SEND_MSG_BACK);
    back.addExtInt("offset", firstPhysicalOffset).addExt("group", kGroup);
    back.addExtInt("delayLevel", 0).addExt("originTopic", kTopic);
    ASSERT_EQ(call(std::move(back)).code, rc::SUCCESS);
    ctx().brokerStatsManager.samplingInSeconds(monotonicMillis());
  }

  std::unique_ptr<testing::BrokerFixture> broker_;
  remoting::RemotingClient client_;
};

TEST_F(StatsRequestTest, ViewBrokerStatsDataShowsTheSums) {
  consume();
  auto put = minute("TOPIC_PUT_NUMS", kTopic);
  EXPECT_EQ(put["sum"].GetInt64(), 6);
  EXPECT_DOUBLE_EQ(put["avgpt"].GetDouble(), 1.0);  // one message per put
  EXPECT_GT(put["tps"].GetDouble(), 0);
  auto size = minute("TOPIC_PUT_SIZE", kTopic);
  EXPECT_GT(size["sum"].GetInt64(), 6 * 9);  // whole records, more than the bodies
  auto get = minute("GROUP_GET_NUMS", std::string(kTopic) + "@" + kGroup);
  EXPECT_EQ(get["sum"].GetInt64(), 6);
  EXPECT_DOUBLE_EQ(get["avgpt"].GetDouble(), 3.0);  // two pulls of 3
  EXPECT_EQ(minute("GROUP_GET_SIZE", std::string(kTopic) + "@" + kGroup)["sum"].GetInt64(),
            size["sum"].GetInt64());
  EXPECT_EQ(minute("SNDBCK_PUT_NUMS", std::string(kTopic) + "@" + kGroup)["sum"].GetInt64(), 1);
  // The retry went through the delay topic, which Java counts as a put.
  EXPECT_EQ(minute("TOPIC_PUT_NUMS", "SCHEDULE_TOPIC_XXXX")["sum"].GetInt64(), 1);
  EXPECT_EQ(view("GROUP_GET_LATENCY", std::string("0@") + kTopic + "@" + kGroup).code, rc::SUCCESS);
  auto brokerPut = minute("BROKER_PUT_NUMS", "TestCluster");
  EXPECT_EQ(brokerPut["sum"].GetInt64(), 6);
  EXPECT_EQ(brokerPut["avgpt"].GetDouble(), 0.0);
  EXPECT_EQ(minute("BROKER_GET_NUMS", "TestCluster")["sum"].GetInt64(), 6);

  // The three windows, in fastjson's order.
  RemotingCommand whole = view("TOPIC_PUT_NUMS", kTopic);
  const std::string body(whole.body());
  EXPECT_EQ(body.find("{\"statsDay\":{\"avgpt\":"), 0u) << body;
  EXPECT_NE(body.find(",\"statsHour\":{\"avgpt\":"), std::string::npos) << body;
  EXPECT_NE(body.find(",\"statsMinute\":{\"avgpt\":1.0,\"sum\":6,\"tps\":"), std::string::npos)
      << body;

  RemotingCommand missing = view("TOPIC_PUT_NUMS", "NoSuchTopic");
  EXPECT_EQ(missing.code, rc::SYSTEM_ERROR);
  EXPECT_EQ(missing.remark.value_or(""), "The stats <TOPIC_PUT_NUMS> <NoSuchTopic> not exist");
  EXPECT_EQ(view("NO_SUCH_STATS", kTopic).code, rc::SYSTEM_ERROR);
  RemotingCommand noKey = RemotingCommand::createRequest(req::VIEW_BROKER_STATS_DATA);
  noKey.addExt("statsName", "TOPIC_PUT_NUMS");
  RemotingCommand noKeyResp = call(std::move(noKey));
  EXPECT_EQ(noKeyResp.code, rc::SYSTEM_ERROR);
  EXPECT_EQ(noKeyResp.remark.value_or(""), "the custom field <statsKey> is null");
}

TEST_F(StatsRequestTest, ConsumeStatsCarryTheGroupTps) {
  consume();
  const double tps = ctx().brokerStatsManager.tpsGroupGetNums(kGroup, kTopic);
  EXPECT_GT(tps, 0);

  RemotingCommand one = RemotingCommand::createRequest(req::GET_CONSUME_STATS);
  one.addExt("consumerGroup", kGroup).addExt("topic", kTopic);
  RemotingCommand resp = call(std::move(one));
  ASSERT_EQ(resp.code, rc::SUCCESS);
  rapidjson::Document doc;
  ASSERT_TRUE(json::parseLenientJson(resp.body(), doc).ok());
  EXPECT_DOUBLE_EQ(doc["consumeTps"].GetDouble(), tps);
  ASSERT_EQ(doc["offsetTable"].MemberCount(), 2u);

  RemotingCommand all = RemotingCommand::createRequest(req::GET_BROKER_CONSUME_STATS);
  all.addExt("isOrder", "false");
  RemotingCommand allResp = call(std::move(all));
  ASSERT_EQ(allResp.code, rc::SUCCESS);
  rapidjson::Document list;
  ASSERT_TRUE(json::parseLenientJson(allResp.body(), list).ok()) << std::string(allResp.body());
  EXPECT_EQ(list["totalDiff"].GetInt64(), 1);  // queue 1: 3 stored, 2 committed
  EXPECT_EQ(list["brokerAddr"].GetString(), ctx().config.brokerAddr());
  bool found = false;
  for (const auto& entry : list["consumeStatsList"].GetArray()) {
    if (!entry.HasMember(kGroup)) continue;
    found = true;
    const auto& stats = entry[kGroup];
    ASSERT_EQ(stats.Size(), 1u);  // one topic with offsets
    EXPECT_DOUBLE_EQ(stats[0]["consumeTps"].GetDouble(), tps);
    int64_t consumed = 0;
    for (auto it = stats[0]["offsetTable"].MemberBegin(); it != stats[0]["offsetTable"].MemberEnd();
         ++it) {
      consumed += it->value["consumerOffset"].GetInt64();
      EXPECT_GT(it->value["lastTimestamp"].GetInt64(), 0);
    }
    EXPECT_EQ(consumed, 5);
  }
  EXPECT_TRUE(found) << std::string(allResp.body());
  // Every subscription group is listed, the system ones with no topics.
  EXPECT_NE(std::string(allResp.body()).find("{\"TOOLS_CONSUMER\":[]}"), std::string::npos);

  RemotingCommand order = RemotingCommand::createRequest(req::GET_BROKER_CONSUME_STATS);
  order.addExt("isOrder", "true");
  RemotingCommand orderResp = call(std::move(order));
  ASSERT_EQ(orderResp.code, rc::SUCCESS);
  EXPECT_NE(std::string(orderResp.body()).find("\"totalDiff\":0"), std::string::npos);
  RemotingCommand noHeader = call(RemotingCommand::createRequest(req::GET_BROKER_CONSUME_STATS));
  EXPECT_EQ(noHeader.code, rc::SYSTEM_ERROR);
}

TEST_F(StatsRequestTest, RuntimeInfoTotals) {
  consume();
  RemotingCommand info = call(RemotingCommand::createRequest(req::GET_BROKER_RUNTIME_INFO));
  ASSERT_EQ(info.code, rc::SUCCESS);
  std::map<std::string, std::string> t;
  ASSERT_TRUE(protocol::decodeKVTable(info.body(), t).ok());
  EXPECT_EQ(t["msgPutTotalTodayNow"], "7");  // 6 sent + 1 sent back
  EXPECT_EQ(t["msgGetTotalTodayNow"], "6");
  // Not yet past a midnight since the start.
  EXPECT_EQ(t["msgPutTotalTodayMorning"], "0");
  EXPECT_EQ(t["msgPutTotalYesterdayMorning"], "0");
  EXPECT_EQ(t["msgGetTotalTodayMorning"], "0");
  EXPECT_EQ(t["msgGetTotalYesterdayMorning"], "0");
  EXPECT_EQ(ctx().getFoundTimes.load(), 2);
  EXPECT_EQ(ctx().getMissTimes.load(), 1);
  // getTotalTps is always three numbers; the others leave filling windows empty.
  ASSERT_TRUE(t.count("getTotalTps"));
  EXPECT_EQ(std::count(t["getTotalTps"].begin(), t["getTotalTps"].end(), ' '), 2);
  EXPECT_NE(t["getTotalTps"].find('.'), std::string::npos);
  EXPECT_TRUE(t.count("getFoundTps"));
  EXPECT_TRUE(t.count("getMissTps"));

  ctx().brokerStats.record(ctx().msgPutTotal.load(), ctx().msgGetTotal.load());
  info = call(RemotingCommand::createRequest(req::GET_BROKER_RUNTIME_INFO));
  ASSERT_TRUE(protocol::decodeKVTable(info.body(), t).ok());
  EXPECT_EQ(t["msgPutTotalTodayMorning"], "7");
  EXPECT_EQ(t["msgGetTotalTodayMorning"], "6");
}

TEST(StatsDeletionTest, AutoDeleteUnusedStatsForgetsADeletedTopic) {
  testing::BrokerFixture broker(
      [](BrokerConfiguration& c) { c.broker.autoDeleteUnusedStats = true; });
  ASSERT_TRUE(broker.status().ok());
  remoting::RemotingClient client;
  client.start();
  auto call = [&](RemotingCommand r) {
    RemotingCommand resp;
    EXPECT_TRUE(client.invokeSync(broker.addr(), std::move(r), 5000, resp).ok());
    return resp;
  };
  ASSERT_EQ(call(testing::BrokerFixture::createTopicRequest("Doomed", 1)).code, rc::SUCCESS);
  RemotingCommand send = RemotingCommand::createRequest(req::SEND_MESSAGE_V2);
  send.addExt("a", "PG").addExt("b", "Doomed").addExt("c", "TBW102").addExt("d", "4");
  send.addExt("e", "0").addExt("f", "0").addExt("g", "1").addExt("h", "0");
  send.setBody("x");
  ASSERT_EQ(call(std::move(send)).code, rc::SUCCESS);
  auto view = [&] {
    RemotingCommand r = RemotingCommand::createRequest(req::VIEW_BROKER_STATS_DATA);
    r.addExt("statsName", "TOPIC_PUT_NUMS").addExt("statsKey", "Doomed");
    return call(std::move(r)).code;
  };
  EXPECT_EQ(view(), rc::SUCCESS);
  RemotingCommand del = RemotingCommand::createRequest(req::DELETE_TOPIC_IN_BROKER);
  del.addExt("topic", "Doomed");
  ASSERT_EQ(call(std::move(del)).code, rc::SUCCESS);
  EXPECT_EQ(view(), rc::SYSTEM_ERROR);
  client.shutdown();
}

}  // namespace
}  // namespace rmq::broker
