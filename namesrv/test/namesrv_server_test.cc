// The name server's request handlers end to end over loopback, through our remoting client.
#include <gtest/gtest.h>

#include <zlib.h>

#include <filesystem>

#include "common/protocol/register_broker_body.h"
#include "common/protocol/route_data.h"
#include "namesrv/namesrv_controller.h"
#include "remoting/remoting_client.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace rmq::namesrv {
namespace {

using remoting::RemotingCommand;
namespace req = remoting::request_code;
namespace rc = remoting::response_code;

class NamesrvServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/nstestXXXXXX";
    dir_ = mkdtemp(tmpl);
    NamesrvConfig cfg = NamesrvConfig::defaults();
    cfg.listenAddress = "127.0.0.1";
    cfg.listenPort = 0;
    cfg.kvConfigPath = dir_ + "/kvConfig.json";
    cfg.configStorePath = dir_ + "/namesrv.properties";
    controller_ = std::make_unique<NamesrvController>(cfg);
    ASSERT_TRUE(controller_->start().ok());
    addr_ = "127.0.0.1:" + std::to_string(controller_->port());
    client_.start();
  }
  void TearDown() override {
    client_.shutdown();
    controller_->shutdown();
    std::filesystem::remove_all(dir_);
  }

  RemotingCommand call(RemotingCommand req, remoting::RemotingClient* client = nullptr) {
    RemotingCommand resp;
    Status s = (client ? client : &client_)->invokeSync(addr_, std::move(req), 3000, resp);
    EXPECT_TRUE(s.ok()) << s.message();
    return resp;
  }

  RemotingCommand registration(const std::string& brokerAddr, int64_t brokerId, bool compressed,
                               int64_t counter = 1) {
    protocol::RegisterBrokerBody body;
    body.topicConfigSerializeWrapper.dataVersion = protocol::DataVersion{1000, counter};
    for (std::string t : {"TopicA", "TBW102"}) {
      protocol::TopicConfig tc;
      tc.topicName = t;
      tc.readQueueNums = tc.writeQueueNums = 4;
      tc.perm = t == "TBW102" ? 7 : 6;
      body.topicConfigSerializeWrapper.topicConfigTable[t] = tc;
    }
    std::string bytes = compressed ? body.encodeCompressed() : body.encode();
    RemotingCommand r = RemotingCommand::createRequest(req::REGISTER_BROKER);
    r.addExt("brokerName", "broker-a").addExt("brokerAddr", brokerAddr);
    r.addExt("clusterName", "DefaultCluster").addExt("haServerAddr", "127.0.0.1:10912");
    r.addExtInt("brokerId", brokerId).addExt("compressed", compressed ? "true" : "false");
    uint32_t crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
    r.addExtInt("bodyCrc32", crc & 0x7FFFFFFF);
    r.setBody(bytes);
    return r;
  }

  RemotingCommand routeQuery(const std::string& topic, int32_t version) {
    RemotingCommand r = RemotingCommand::createRequest(req::GET_ROUTEINFO_BY_TOPIC);
    r.version = version;
    r.addExt("topic", topic);
    return r;
  }

  std::string dir_;
  std::unique_ptr<NamesrvController> controller_;
  remoting::RemotingClient client_;
  std::string addr_;
};

TEST_F(NamesrvServerTest, RegisterThenRouteInBothBodyForms) {
  RemotingCommand resp = call(registration("127.0.0.1:10911", 0, false));
  EXPECT_EQ(resp.code, rc::SUCCESS);
  EXPECT_TRUE(resp.hasExtFields);
  EXPECT_TRUE(resp.body().empty());

  RemotingCommand modern = call(routeQuery("TopicA", 409));
  EXPECT_EQ(modern.code, rc::SUCCESS);
  EXPECT_NE(modern.body().find(R"("brokerAddrs":{"0":"127.0.0.1:10911"})"), std::string::npos);
  RemotingCommand old = call(routeQuery("TopicA", 121));
  EXPECT_NE(old.body().find(R"("brokerAddrs":{0:"127.0.0.1:10911"})"), std::string::npos);
  RemotingCommand forced = routeQuery("TopicA", 121);
  forced.addExt("acceptStandardJsonOnly", "true");
  EXPECT_NE(call(std::move(forced)).body().find(R"({"0":)"), std::string::npos);

  RemotingCommand missing = call(routeQuery("Nope", 409));
  EXPECT_EQ(missing.code, rc::TOPIC_NOT_EXIST);
  EXPECT_EQ(missing.remark.value_or(""),
            "No topic route info in name server for the topic: Nope\nSee "
            "http://rocketmq.apache.org/docs/faq/ for further details.");
}

TEST_F(NamesrvServerTest, CompressedRegistrationAndSlave) {
  EXPECT_EQ(call(registration("127.0.0.1:10911", 0, true)).code, rc::SUCCESS);
  RemotingCommand slave = call(registration("127.0.0.2:10911", 1, false));
  EXPECT_EQ(slave.ext.get("masterAddr").value_or(""), "127.0.0.1:10911");
  EXPECT_EQ(slave.ext.get("haServerAddr").value_or(""), "127.0.0.1:10912");
  protocol::TopicRouteData route;
  ASSERT_TRUE(protocol::TopicRouteData::decode(call(routeQuery("TBW102", 409)).body(), route).ok());
  ASSERT_EQ(route.brokerDatas.size(), 1u);
  EXPECT_EQ(route.brokerDatas[0].brokerAddrs.size(), 2u);
  EXPECT_EQ(route.queueDatas[0].perm, 7);
}

TEST_F(NamesrvServerTest, CrcMismatchAndBadBodiesAreRejected) {
  RemotingCommand bad = registration("127.0.0.1:10911", 0, false);
  bad.ext.set("bodyCrc32", "12345");
  RemotingCommand resp = call(std::move(bad));
  EXPECT_EQ(resp.code, rc::SYSTEM_ERROR);
  EXPECT_EQ(resp.remark.value_or(""), "crc32 not match");
  RemotingCommand garbage = registration("127.0.0.1:10911", 0, true);
  garbage.ext.set("bodyCrc32", "0");
  garbage.setBody("definitely not zlib");
  EXPECT_EQ(call(std::move(garbage)).code, rc::SYSTEM_ERROR);
  RemotingCommand noName = RemotingCommand::createRequest(req::REGISTER_BROKER);
  EXPECT_EQ(call(std::move(noName)).code, rc::SYSTEM_ERROR);
  EXPECT_EQ(call(routeQuery("TopicA", 409)).code, rc::TOPIC_NOT_EXIST);
}

TEST_F(NamesrvServerTest, OnewayRegistrationIsProcessedButNotAnswered) {
  ASSERT_TRUE(client_.invokeOneway(addr_, registration("127.0.0.1:10911", 0, false)).ok());
  // The next request on the same connection is answered after the registration was applied.
  for (int i = 0; i < 50; ++i) {
    if (call(routeQuery("TopicA", 409)).code == rc::SUCCESS) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(call(routeQuery("TopicA", 409)).code, rc::SUCCESS);
}

TEST_F(NamesrvServerTest, ConnectionLossRemovesBroker) {
  {
    remoting::RemotingClient broker;
    broker.start();
    EXPECT_EQ(call(registration("127.0.0.1:10911", 0, false), &broker).code, rc::SUCCESS);
    EXPECT_EQ(call(routeQuery("TopicA", 409)).code, rc::SUCCESS);
  }  // the broker's connection closes here
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = call(routeQuery("TopicA", 409)).code == rc::TOPIC_NOT_EXIST;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone);
}

TEST_F(NamesrvServerTest, UnregisterAndQueryDataVersion) {
  call(registration("127.0.0.1:10911", 0, false, 5));
  RemotingCommand q = RemotingCommand::createRequest(req::QUERY_DATA_VERSION);
  q.addExt("brokerName", "broker-a").addExt("brokerAddr", "127.0.0.1:10911");
  q.addExt("clusterName", "DefaultCluster").addExtInt("brokerId", 0);
  q.setBody(protocol::DataVersion{1000, 5}.toJson());
  RemotingCommand same = q;
  RemotingCommand resp = call(std::move(same));
  EXPECT_EQ(resp.ext.get("changed").value_or(""), "false");
  EXPECT_EQ(resp.body(), R"({"counter":5,"timestamp":1000})");
  q.setBody(protocol::DataVersion{1000, 6}.toJson());
  EXPECT_EQ(call(std::move(q)).ext.get("changed").value_or(""), "true");

  RemotingCommand u = RemotingCommand::createRequest(req::UNREGISTER_BROKER);
  u.addExt("brokerName", "broker-a").addExt("brokerAddr", "127.0.0.1:10911");
  u.addExt("clusterName", "DefaultCluster").addExtInt("brokerId", 0);
  RemotingCommand ur = call(std::move(u));
  EXPECT_EQ(ur.code, rc::SUCCESS);
  EXPECT_FALSE(ur.hasExtFields);
  EXPECT_EQ(call(routeQuery("TopicA", 409)).code, rc::TOPIC_NOT_EXIST);
}

TEST_F(NamesrvServerTest, KvConfigAndOrderTopicConf) {
  RemotingCommand put = RemotingCommand::createRequest(req::PUT_KV_CONFIG);
  put.addExt("namespace", "ORDER_TOPIC_CONFIG")
      .addExt("key", "TopicA")
      .addExt("value", "broker-a:4");
  EXPECT_EQ(call(std::move(put)).code, rc::SUCCESS);
  RemotingCommand get = RemotingCommand::createRequest(req::GET_KV_CONFIG);
  get.addExt("namespace", "ORDER_TOPIC_CONFIG").addExt("key", "TopicA");
  EXPECT_EQ(call(std::move(get)).ext.get("value").value_or(""), "broker-a:4");
  RemotingCommand list = RemotingCommand::createRequest(req::GET_KVLIST_BY_NAMESPACE);
  list.addExt("namespace", "ORDER_TOPIC_CONFIG");
  EXPECT_EQ(call(std::move(list)).body(), R"({"table":{"TopicA":"broker-a:4"}})");
  // The order-topic table comes back on registration.
  EXPECT_EQ(call(registration("127.0.0.1:10911", 0, false)).body(),
            R"({"table":{"TopicA":"broker-a:4"}})");
  RemotingCommand del = RemotingCommand::createRequest(req::DELETE_KV_CONFIG);
  del.addExt("namespace", "ORDER_TOPIC_CONFIG").addExt("key", "TopicA");
  EXPECT_EQ(call(std::move(del)).code, rc::SUCCESS);
  RemotingCommand again = RemotingCommand::createRequest(req::GET_KV_CONFIG);
  again.addExt("namespace", "ORDER_TOPIC_CONFIG").addExt("key", "TopicA");
  EXPECT_EQ(call(std::move(again)).code, rc::QUERY_NOT_FOUND);
  RemotingCommand noKey = RemotingCommand::createRequest(req::PUT_KV_CONFIG);
  EXPECT_EQ(call(std::move(noKey)).code, rc::SYSTEM_ERROR);
}

TEST_F(NamesrvServerTest, NamesrvConfigGetAndUpdate) {
  RemotingCommand upd = RemotingCommand::createRequest(req::UPDATE_NAMESRV_CONFIG);
  upd.setBody("orderMessageEnable=true\n");
  EXPECT_EQ(call(std::move(upd)).code, rc::SUCCESS);
  RemotingCommand get = RemotingCommand::createRequest(req::GET_NAMESRV_CONFIG);
  std::string text(call(std::move(get)).body());
  EXPECT_NE(text.find("orderMessageEnable=true\n"), std::string::npos);
  EXPECT_NE(text.find("listenPort="), std::string::npos);
  // Every key Java 4.9.8's name server lists (NamesrvConfig + NettyServerConfig).
  for (const char* key : {"rocketmqHome=",
                          "kvConfigPath=",
                          "configStorePath=",
                          "productEnvName=",
                          "clusterTest=",
                          "orderMessageEnable=",
                          "configBlackList=",
                          "serverWorkerThreads=",
                          "serverCallbackExecutorThreads=",
                          "serverSelectorThreads=",
                          "serverOnewaySemaphoreValue=",
                          "serverAsyncSemaphoreValue=",
                          "serverChannelMaxIdleTimeSeconds=",
                          "serverSocketSndBufSize=",
                          "serverSocketRcvBufSize=",
                          "writeBufferHighWaterMark=",
                          "writeBufferLowWaterMark=",
                          "serverSocketBacklog=1024\n",
                          "serverPooledByteBufAllocatorEnable=true\n",
                          "useEpollNativeSelector=false\n"}) {
    EXPECT_NE(text.find(key), std::string::npos) << key;
  }
  RemotingCommand black = RemotingCommand::createRequest(req::UPDATE_NAMESRV_CONFIG);
  black.setBody("kvConfigPath=/etc/passwd\n");
  RemotingCommand resp = call(std::move(black));
  EXPECT_EQ(resp.code, rc::NO_PERMISSION);
  EXPECT_EQ(resp.remark.value_or(""), "Can not update config in black list.");
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/namesrv.properties"));
  // With orderMessageEnable the route carries orderTopicConf.
  RemotingCommand put = RemotingCommand::createRequest(req::PUT_KV_CONFIG);
  put.addExt("namespace", "ORDER_TOPIC_CONFIG")
      .addExt("key", "TopicA")
      .addExt("value", "broker-a:4");
  call(std::move(put));
  call(registration("127.0.0.1:10911", 0, false));
  EXPECT_NE(call(routeQuery("TopicA", 409)).body().find(R"("orderTopicConf":"broker-a:4")"),
            std::string::npos);
}

TEST_F(NamesrvServerTest, ListsAndPermissions) {
  call(registration("127.0.0.1:10911", 0, false));
  std::vector<std::string> topics;
  ASSERT_TRUE(
      protocol::decodeTopicList(
          call(RemotingCommand::createRequest(req::GET_ALL_TOPIC_LIST_FROM_NAMESERVER)).body(),
          topics)
          .ok());
  EXPECT_EQ(topics, (std::vector<std::string>{"TBW102", "TopicA"}));
  RemotingCommand byCluster = RemotingCommand::createRequest(req::GET_TOPICS_BY_CLUSTER);
  byCluster.addExt("cluster", "DefaultCluster");
  ASSERT_TRUE(protocol::decodeTopicList(call(std::move(byCluster)).body(), topics).ok());
  EXPECT_EQ(topics.size(), 2u);
  RemotingCommand sys = call(RemotingCommand::createRequest(req::GET_SYSTEM_TOPIC_LIST_FROM_NS));
  EXPECT_EQ(sys.body(),
            R"({"brokerAddr":"127.0.0.1:10911","topicList":["DefaultCluster","broker-a"]})");
  RemotingCommand wipe = RemotingCommand::createRequest(req::WIPE_WRITE_PERM_OF_BROKER);
  wipe.addExt("brokerName", "broker-a");
  EXPECT_EQ(call(std::move(wipe)).ext.get("wipeTopicCount").value_or(""), "2");
  RemotingCommand add = RemotingCommand::createRequest(req::ADD_WRITE_PERM_OF_BROKER);
  add.addExt("brokerName", "broker-a");
  EXPECT_EQ(call(std::move(add)).ext.get("addTopicCount").value_or(""), "2");
  RemotingCommand cluster = call(RemotingCommand::createRequest(req::GET_BROKER_CLUSTER_INFO));
  EXPECT_NE(cluster.body().find(R"("brokerAddrs":{0:"127.0.0.1:10911"})"), std::string::npos);
  RemotingCommand del = RemotingCommand::createRequest(req::DELETE_TOPIC_IN_NAMESRV);
  del.addExt("topic", "TopicA");
  EXPECT_EQ(call(std::move(del)).code, rc::SUCCESS);
  EXPECT_EQ(call(routeQuery("TopicA", 409)).code, rc::TOPIC_NOT_EXIST);
  EXPECT_EQ(call(RemotingCommand::createRequest(999)).code, rc::REQUEST_CODE_NOT_SUPPORTED);
}

}  // namespace
}  // namespace rmq::namesrv
