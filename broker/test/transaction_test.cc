// Transactions end to end over loopback: half messages, END_TRANSACTION commit/rollback, the
// check-back answered by a test producer with commit, rollback and unknown, discard after
// transactionCheckMax, and bad END_TRANSACTION requests.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "broker/test/broker_fixture.h"
#include "common/protocol/heartbeat.h"
#include "common/time_util.h"
#include "remoting/response_code.h"
#include "store/message_id.h"
#include "store/message_properties.h"
#include "store/message_record.h"

namespace rmq::broker {
namespace {

using remoting::RemotingCommand;
namespace req = remoting::request_code;
namespace rc = remoting::response_code;

constexpr const char* kGroup = "TxProducerGroup";
constexpr const char* kTopic = "TxTopic";

// Answers CHECK_TRANSACTION_STATE like a producer's TransactionListener: the decision per body
// text comes from `decide`.
class CheckListener : public remoting::ConnectionListener {
 public:
  std::function<int(const std::string& body)> decide;
  std::atomic<int> checks{0};
  std::map<std::string, int> checksPerBody;
  std::mutex mutex;

  void onRequest(const remoting::ConnectionPtr& conn, RemotingCommand& request) override {
    if (request.code != req::CHECK_TRANSACTION_STATE) return;
    std::string record = request.bodyBytes();
    store::DecodedRecord rec;
    ASSERT_TRUE(store::decodeRecord(store::asBytes(record), rec).ok());
    EXPECT_EQ(rec.topic, kTopic);  // the check carries the real topic
    std::string body(store::asText(rec.body));
    {
      std::lock_guard<std::mutex> lock(mutex);
      checksPerBody[body]++;
    }
    ++checks;
    int decision = decide(body);
    RemotingCommand end = RemotingCommand::createRequest(req::END_TRANSACTION);
    end.addExt("producerGroup", kGroup);
    end.addExt("tranStateTableOffset", request.ext.getString("tranStateTableOffset"));
    end.addExt("commitLogOffset", request.ext.getString("commitLogOffset"));
    end.addExtInt("commitOrRollback", decision);
    end.addExt("fromTransactionCheck", "true");
    end.addExt("msgId", request.ext.getString("msgId"));
    conn->invokeOneway(std::move(end));
  }
};

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    broker_ = std::make_unique<testing::BrokerFixture>([](BrokerConfiguration& c) {
      c.broker.transactionCheckInterval = 300;
      c.broker.transactionTimeOut = 100;
      c.broker.transactionCheckMax = 3;
    });
    ASSERT_TRUE(broker_->status().ok()) << broker_->status().message();
    client_.setRequestListener(&listener_);
    client_.start();
    ASSERT_EQ(call(testing::BrokerFixture::createTopicRequest(kTopic, 1)).code, rc::SUCCESS);
    protocol::HeartbeatData hb;
    hb.clientID = "127.0.0.1@tx-test";
    hb.producerGroups.push_back(kGroup);
    RemotingCommand beat = RemotingCommand::createRequest(req::HEART_BEAT);
    beat.setBody(hb.encode());
    ASSERT_EQ(call(std::move(beat)).code, rc::SUCCESS);
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

  struct Half {
    int64_t commitLogOffset = 0;
    int64_t queueOffset = 0;
  };

  Half sendHalf(const std::string& body) {
    RemotingCommand send = RemotingCommand::createRequest(req::SEND_MESSAGE_V2);
    send.addExt("a", kGroup).addExt("b", kTopic).addExt("c", "TBW102").addExt("d", "4");
    // A recent born time: half messages born more than fileReservedTime ago are discarded.
    send.addExt("e", "0").addExtInt("f", 0x4).addExtInt("g", nowMillis()).addExt("h", "0");
    const std::string uniq = "UNIQ-" + body;  // outlives the views in `props`
    std::vector<store::Property> props = {
        {"TRAN_MSG", "true"}, {"PGROUP", kGroup}, {"UNIQ_KEY", uniq}, {"WAIT", "true"}};
    send.addExt("i", store::encodeProperties(props));
    send.setBody(body);
    RemotingCommand resp = call(std::move(send));
    EXPECT_EQ(resp.code, rc::SUCCESS) << resp.remark.value_or("");
    store::HostAddress host;
    int64_t offset = 0;
    EXPECT_TRUE(store::decodeOffsetMsgId(resp.ext.getString("msgId"), host, offset).ok());
    return Half{offset, resp.ext.getInt64("queueOffset").value_or(-1)};
  }

  RemotingCommand end(const Half& h, int type, const std::string& group = kGroup) {
    RemotingCommand r = RemotingCommand::createRequest(req::END_TRANSACTION);
    r.addExt("producerGroup", group).addExtInt("tranStateTableOffset", h.queueOffset);
    r.addExtInt("commitLogOffset", h.commitLogOffset).addExtInt("commitOrRollback", type);
    r.addExt("fromTransactionCheck", "false").addExt("msgId", "x");
    return call(std::move(r));
  }

  std::vector<std::string> visibleBodies(const std::string& topic) {
    std::vector<std::string> out;
    int64_t offset = 0;
    while (true) {
      RemotingCommand p = RemotingCommand::createRequest(req::PULL_MESSAGE);
      p.addExt("consumerGroup", "TxReader").addExt("topic", topic).addExt("queueId", "0");
      p.addExtInt("queueOffset", offset).addExt("maxMsgNums", "32").addExt("sysFlag", "4");
      p.addExt("commitOffset", "0").addExt("suspendTimeoutMillis", "0");
      p.addExt("subscription", "*").addExt("subVersion", "0").addExt("expressionType", "TAG");
      RemotingCommand resp = call(std::move(p));
      if (resp.code != rc::SUCCESS) break;
      std::string bytes = resp.bodyBytes();
      size_t pos = 0;
      while (pos < bytes.size()) {
        store::DecodedRecord rec;
        if (!store::decodeRecord(store::asBytes(std::string_view(bytes).substr(pos)), rec).ok()) {
          break;
        }
        out.emplace_back(store::asText(rec.body));
        pos += static_cast<size_t>(rec.totalSize);
      }
      offset = resp.ext.getInt64("nextBeginOffset").value_or(offset + 1);
    }
    return out;
  }

  // The committed message is dispatched asynchronously: poll until `n` are visible.
  std::vector<std::string> waitVisible(const std::string& topic, size_t n) {
    std::vector<std::string> v;
    for (int i = 0; i < 200; ++i) {
      v = visibleBodies(topic);
      if (v.size() >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return v;
  }

  std::unique_ptr<testing::BrokerFixture> broker_;
  CheckListener listener_;
  remoting::RemotingClient client_;
};

TEST_F(TransactionTest, CommitRollbackAndCheckBack) {
  listener_.decide = [](const std::string& body) {
    if (body == "checked-commit") return 8;
    if (body == "checked-rollback") return 12;
    return 0;  // unknown: asked again until transactionCheckMax
  };
  Half a = sendHalf("committed");
  Half b = sendHalf("rolled-back");
  Half c = sendHalf("checked-commit");
  Half d = sendHalf("checked-rollback");
  Half e = sendHalf("never-decided");
  (void)c;
  (void)d;
  (void)e;
  EXPECT_TRUE(visibleBodies(kTopic).empty());  // nothing visible before a decision
  EXPECT_EQ(end(a, 8).code, rc::SUCCESS);
  EXPECT_EQ(end(b, 12).code, rc::SUCCESS);
  EXPECT_EQ(waitVisible(kTopic, 1), std::vector<std::string>{"committed"});

  // The check-back resolves c and d; e stays unknown and is discarded after 3 checks.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(listener_.mutex);
      if (listener_.checksPerBody["never-decided"] >= 3 && visibleBodies(kTopic).size() == 2) {
        break;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto visible = visibleBodies(kTopic);
  EXPECT_EQ(visible, (std::vector<std::string>{"committed", "checked-commit"}));
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  {
    std::lock_guard<std::mutex> lock(listener_.mutex);
    EXPECT_EQ(listener_.checksPerBody["never-decided"], 3);  // then discarded, never again
    EXPECT_EQ(listener_.checksPerBody.count("committed"), 0u);
    EXPECT_EQ(listener_.checksPerBody.count("rolled-back"), 0u);
    EXPECT_EQ(listener_.checksPerBody["checked-commit"], 1);
  }
  EXPECT_EQ(waitVisible("TRANS_CHECK_MAX_TIME_TOPIC", 1),
            std::vector<std::string>{"never-decided"});
}

TEST_F(TransactionTest, BadEndTransactionRequests) {
  listener_.decide = [](const std::string&) { return 0; };
  Half a = sendHalf("x");
  RemotingCommand unknown = end(Half{a.commitLogOffset + 100000, a.queueOffset}, 8);
  EXPECT_EQ(unknown.code, rc::SYSTEM_ERROR);
  EXPECT_EQ(end(a, 8, "OtherGroup").code, rc::SYSTEM_ERROR);
  EXPECT_EQ(end(Half{a.commitLogOffset, a.queueOffset + 5}, 8).code, rc::SYSTEM_ERROR);
  RemotingCommand missing = RemotingCommand::createRequest(req::END_TRANSACTION);
  EXPECT_EQ(call(std::move(missing)).code, rc::SYSTEM_ERROR);
  EXPECT_TRUE(visibleBodies(kTopic).empty());
  EXPECT_EQ(end(a, 8).code, rc::SUCCESS);
  EXPECT_EQ(waitVisible(kTopic, 1), std::vector<std::string>{"x"});
}

}  // namespace
}  // namespace rmq::broker
