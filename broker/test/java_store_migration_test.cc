// Our broker started on a store directory written by the Java 4.9.8 broker (shared compat
// java-store samples): consumers resume from the committed offsets, new sends continue the
// queue offsets, pending delayed messages are delivered (their time has passed).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "broker/broker_controller.h"
#include "remoting/remoting_client.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "store/message_properties.h"
#include "store/message_record.h"
#include "store/test/java_store_samples.h"

namespace rmq::broker {
namespace {

using remoting::RemotingCommand;
namespace req = remoting::request_code;
namespace rc = remoting::response_code;

class JavaStoreMigration : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string why;
    sample_ = store::testing::loadJavaStoreSample(GetParam(), why);
    if (!sample_) GTEST_SKIP() << why;
    char tmpl[] = "/tmp/migrationXXXXXX";
    dir_ = mkdtemp(tmpl);
    std::filesystem::copy(sample_->storeDir, dir_ + "/store",
                          std::filesystem::copy_options::recursive);
    BrokerConfiguration conf = BrokerConfiguration::defaults();
    conf.broker.brokerName = "broker-store";
    conf.broker.brokerClusterName = "StoreSampleCluster";
    conf.broker.brokerIP1 = "127.0.0.1";
    conf.broker.listenAddress = "127.0.0.1";
    conf.broker.listenPort = 0;
    conf.broker.namesrvAddr = "";
    conf.store.storePathRootDir = dir_ + "/store";
    conf.store.storePathCommitLog = dir_ + "/store/commitlog";
    conf.store.mappedFileSizeCommitLog = 1048576;
    conf.store.mappedFileSizeConsumeQueue = 6000;
    conf.store.maxHashSlotNum = 100;
    conf.store.maxIndexNum = 1000;
    controller_ = std::make_unique<BrokerController>(conf);
    Status s = controller_->initialize();
    ASSERT_TRUE(s.ok()) << s.message();
    s = controller_->start();
    ASSERT_TRUE(s.ok()) << s.message();
    addr_ = "127.0.0.1:" + std::to_string(controller_->port());
    client_.start();
  }
  void TearDown() override {
    client_.shutdown();
    if (controller_) controller_->shutdown();
    if (!dir_.empty()) {
      EXPECT_FALSE(std::filesystem::exists(dir_ + "/store/abort"));
      std::filesystem::remove_all(dir_);
    }
  }

  RemotingCommand call(RemotingCommand r) {
    RemotingCommand resp;
    Status s = client_.invokeSync(addr_, std::move(r), 5000, resp);
    EXPECT_TRUE(s.ok()) << s.message();
    return resp;
  }

  RemotingCommand pull(const std::string& group, const std::string& topic, int queueId,
                       int64_t offset) {
    RemotingCommand r = RemotingCommand::createRequest(req::PULL_MESSAGE);
    r.addExt("consumerGroup", group).addExt("topic", topic).addExtInt("queueId", queueId);
    r.addExtInt("queueOffset", offset).addExtInt("maxMsgNums", 32).addExtInt("sysFlag", 4);
    r.addExtInt("commitOffset", 0).addExtInt("suspendTimeoutMillis", 0);
    r.addExt("subscription", "*").addExtInt("subVersion", 0).addExt("expressionType", "TAG");
    return call(std::move(r));
  }

  static std::vector<store::DecodedRecord> records(const RemotingCommand& resp,
                                                   std::string& storage) {
    storage = resp.bodyBytes();
    std::vector<store::DecodedRecord> out;
    size_t pos = 0;
    while (pos < storage.size()) {
      store::DecodedRecord rec;
      auto* p = reinterpret_cast<const uint8_t*>(storage.data()) + pos;
      if (!store::decodeRecord(std::span<const uint8_t>(p, storage.size() - pos), rec).ok()) break;
      out.push_back(rec);
      pos += static_cast<size_t>(rec.totalSize);
    }
    return out;
  }

  const store::testing::JavaStoreSample* sample_ = nullptr;
  std::string dir_;
  std::unique_ptr<BrokerController> controller_;
  remoting::RemotingClient client_;
  std::string addr_;
};

TEST_P(JavaStoreMigration, ConsumersResumeAndSendsContinue) {
  const auto& offsets = sample_->manifest["consumerOffsets"];
  int checkedQueues = 0;
  for (auto g = offsets.MemberBegin(); g != offsets.MemberEnd(); ++g) {
    const std::string group = g->name.GetString();
    for (auto t = g->value.MemberBegin(); t != g->value.MemberEnd(); ++t) {
      const std::string topic = t->name.GetString();
      if (topic.rfind("%RETRY%", 0) == 0) continue;
      for (auto q = t->value.MemberBegin(); q != t->value.MemberEnd(); ++q) {
        const int queueId = std::stoi(q->name.GetString());
        const int64_t committed = q->value.GetInt64();
        RemotingCommand query = RemotingCommand::createRequest(req::QUERY_CONSUMER_OFFSET);
        query.addExt("consumerGroup", group).addExt("topic", topic).addExtInt("queueId", queueId);
        RemotingCommand resp = call(std::move(query));
        ASSERT_EQ(resp.code, rc::SUCCESS) << group << " " << topic << " " << queueId;
        EXPECT_EQ(resp.ext.getInt64("offset").value_or(-1), committed);
        // The next message the consumer gets is the one at the committed offset.
        RemotingCommand max = RemotingCommand::createRequest(req::GET_MAX_OFFSET);
        max.addExt("topic", topic).addExtInt("queueId", queueId);
        int64_t maxOffset = call(std::move(max)).ext.getInt64("offset").value_or(-1);
        if (committed < maxOffset) {
          RemotingCommand p = pull(group, topic, queueId, committed);
          ASSERT_EQ(p.code, rc::SUCCESS) << p.remark.value_or("");
          std::string storage;
          auto recs = records(p, storage);
          ASSERT_FALSE(recs.empty());
          EXPECT_EQ(recs.front().queueOffset, committed);
          EXPECT_EQ(recs.front().topic, topic);
        } else {
          EXPECT_EQ(pull(group, topic, queueId, committed).code, rc::PULL_NOT_FOUND);
        }
        // A new send continues the queue's offsets.
        RemotingCommand send = RemotingCommand::createRequest(req::SEND_MESSAGE_V2);
        send.addExt("a", "MigrationPG").addExt("b", topic).addExt("c", "TBW102");
        send.addExt("d", "4").addExtInt("e", queueId).addExt("f", "0");
        send.addExtInt("g", 1700000000000).addExt("h", "0");
        send.addExt("i", std::string("TAGS\x01") + "migrated");
        send.setBody("after migration");
        RemotingCommand sent = call(std::move(send));
        ASSERT_EQ(sent.code, rc::SUCCESS) << sent.remark.value_or("");
        EXPECT_EQ(sent.ext.getInt64("queueOffset").value_or(-1), maxOffset);
        ++checkedQueues;
      }
    }
  }
  EXPECT_GT(checkedQueues, 0);
}

TEST_P(JavaStoreMigration, PendingDelayedMessagesAreDelivered) {
  const auto& pending = sample_->manifest["pendingDelayed"];
  ASSERT_TRUE(pending.IsArray());
  std::set<std::string> want;
  std::string realTopic;
  for (const auto& p : pending.GetArray()) {
    want.insert(p["msgId"].GetString());
    realTopic = p["realTopic"].GetString();
  }
  ASSERT_FALSE(want.empty());
  // Their delivery times are long past: they arrive in the real topic right after start.
  std::set<std::string> seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (seen.size() < want.size() && std::chrono::steady_clock::now() < deadline) {
    seen.clear();
    for (int q = 0; q < 8; ++q) {
      int64_t offset = 0;
      while (true) {
        RemotingCommand p = pull("MigrationReader", realTopic, q, offset);
        if (p.code != rc::SUCCESS) break;
        std::string storage;
        for (const auto& rec : records(p, storage)) {
          auto uniq = store::findProperty(rec.properties, "UNIQ_KEY");
          if (uniq && want.count(std::string(*uniq))) seen.insert(std::string(*uniq));
        }
        offset = p.ext.getInt64("nextBeginOffset").value_or(offset + 1);
      }
    }
    if (seen.size() < want.size()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(seen, want);
}

INSTANTIATE_TEST_SUITE_P(Samples, JavaStoreMigration, ::testing::Values("clean-shutdown", "crash"),
                         [](const auto& info) {
                           return info.param == "clean-shutdown" ? std::string("Clean")
                                                                 : std::string("Crash");
                         });

}  // namespace
}  // namespace rmq::broker
