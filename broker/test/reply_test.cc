// Request-reply: a reply sent with SEND_REPLY_MESSAGE_V2 is pushed to the requesting producer
// (PUSH_REPLY_MESSAGE_TO_CLIENT) and stored in the reply topic; an unknown requester fails.
#include <gtest/gtest.h>

#include <future>

#include "broker/test/broker_fixture.h"
#include "common/protocol/heartbeat.h"
#include "remoting/response_code.h"
#include "store/message_properties.h"

namespace rmq::broker {
namespace {

using remoting::RemotingCommand;
namespace req = remoting::request_code;
namespace rc = remoting::response_code;

class Requester : public remoting::ConnectionListener {
 public:
  std::promise<std::pair<std::string, std::string>> pushed;  // (body, properties)
  void onRequest(const remoting::ConnectionPtr& conn, RemotingCommand& request) override {
    if (request.code != req::PUSH_REPLY_MESSAGE_TO_CLIENT) return;
    pushed.set_value({std::string(request.body()), request.ext.getString("properties")});
    conn->send(RemotingCommand::createResponse(request, rc::SUCCESS));
  }
};

RemotingCommand replyRequest(const std::string& requester, const std::string& body) {
  RemotingCommand send = RemotingCommand::createRequest(req::SEND_REPLY_MESSAGE_V2);
  send.addExt("a", "ReplierPG").addExt("b", "TestCluster_REPLY_TOPIC").addExt("c", "TBW102");
  send.addExt("d", "4").addExt("e", "0").addExt("f", "0").addExt("g", "1").addExt("h", "0");
  const std::string corr = "corr-1";
  std::vector<store::Property> props = {
      {"REPLY_TO_CLIENT", requester}, {"CORRELATION_ID", corr}, {"MSG_TYPE", "reply"}};
  send.addExt("i", store::encodeProperties(props));
  send.setBody(body);
  return send;
}

TEST(RequestReply, ReplyIsPushedToTheRequesterAndStored) {
  testing::BrokerFixture broker;
  ASSERT_TRUE(broker.status().ok()) << broker.status().message();
  Requester listener;
  remoting::RemotingClient requester;
  requester.setRequestListener(&listener);
  requester.start();
  protocol::HeartbeatData hb;
  hb.clientID = "127.0.0.1@requester-1";
  hb.producerGroups.push_back("RequesterPG");
  RemotingCommand beat = RemotingCommand::createRequest(req::HEART_BEAT);
  beat.setBody(hb.encode());
  RemotingCommand resp;
  ASSERT_TRUE(requester.invokeSync(broker.addr(), std::move(beat), 3000, resp).ok());

  remoting::RemotingClient replier;
  replier.start();
  ASSERT_TRUE(
      replier.invokeSync(broker.addr(), replyRequest(hb.clientID, "the answer"), 5000, resp).ok());
  EXPECT_EQ(resp.code, rc::SUCCESS) << resp.remark.value_or("");
  EXPECT_NE(resp.ext.getString("msgId"), "0");  // stored: a real offset msgId
  auto f = listener.pushed.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(3)), std::future_status::ready);
  auto [body, props] = f.get();
  EXPECT_EQ(body, "the answer");
  EXPECT_EQ(store::findProperty(props, "CORRELATION_ID").value_or(""), "corr-1");
  EXPECT_TRUE(store::findProperty(props, "PUSH_REPLY_TIME").has_value());

  ASSERT_TRUE(replier.invokeSync(broker.addr(), replyRequest("nobody@x", "lost"), 5000, resp).ok());
  EXPECT_EQ(resp.code, rc::SYSTEM_ERROR);
  EXPECT_NE(resp.remark.value_or("").find("not found"), std::string::npos);
}

}  // namespace
}  // namespace rmq::broker
