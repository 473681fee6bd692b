#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "remoting/frame_codec.h"
#include "remoting/remoting_client.h"
#include "remoting/remoting_server.h"
#include "remoting/request_dispatcher.h"
#include "remoting/response_code.h"

namespace rmq::remoting {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr int32_t kEcho = 1000;
constexpr int32_t kDeferred = 1001;
constexpr int32_t kOneway = 1002;
constexpr int32_t kAskClient = 1003;
constexpr int32_t kAnswerThrice = 1004;       // through copies of one Responder
constexpr int32_t kAnswerTwiceNoCopy = 1005;  // twice through the same Responder

class TransportTest : public ::testing::Test {
 protected:
  void SetUp() override { startServer(TlsMode::DISABLED, nullptr); }

  void startServer(TlsMode mode, std::shared_ptr<asio::ssl::context> tls) {
    dispatcher_ = std::make_unique<RequestDispatcher>();
    dispatcher_->registerHandler(kEcho, [](RemotingCommand& req, RequestContext& ctx) {
      RemotingCommand resp = RemotingCommand::createResponse(req, response_code::SUCCESS);
      resp.addExt("echo", req.ext.getString("v"));
      resp.setBody(std::string(req.body()));
      ctx.reply(std::move(resp));
    });
    dispatcher_->registerHandler(kDeferred, [this](RemotingCommand& req, RequestContext& ctx) {
      Responder r = ctx.defer();
      RemotingCommand resp = RemotingCommand::createResponse(req, response_code::SUCCESS);
      resp.remark = "later";
      workers_.emplace_back([r, resp]() mutable {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        r.reply(std::move(resp));
      });
    });
    dispatcher_->registerHandler(kAnswerThrice, [this](RemotingCommand& req, RequestContext& ctx) {
      Responder original = ctx.defer();
      Responder copy = original;
      Responder copyOfCopy = copy;
      Responder moved = std::move(copyOfCopy);
      RemotingCommand first = RemotingCommand::createResponse(req, response_code::SUCCESS);
      first.remark = "first";
      copy.reply(first);
      original.reply(RemotingCommand::createResponse(req, response_code::SUCCESS, "second"));
      // A copy answering from another thread is refused too.
      workers_.emplace_back([moved, req]() {
        moved.reply(RemotingCommand::createResponse(req, response_code::SUCCESS, "third"));
      });
    });
    dispatcher_->registerHandler(kAnswerTwiceNoCopy, [](RemotingCommand& req, RequestContext& ctx) {
      Responder r = ctx.defer();
      RemotingCommand resp = RemotingCommand::createResponse(req, response_code::SUCCESS, "first");
      r.replyWith(resp);
      resp.remark = "second";
      r.replyWith(resp);
    });
    dispatcher_->registerHandler(kOneway, [this](RemotingCommand&, RequestContext& ctx) {
      onewayCount_++;
      ctx.reply(RemotingCommand());  // must not be sent: the request is oneway
    });
    dispatcher_->registerHandler(kAskClient, [](RemotingCommand& req, RequestContext& ctx) {
      // Server-initiated request to the same client, answered when the client responds.
      Responder r = ctx.defer();
      RemotingCommand ask = RemotingCommand::createRequest(39);
      RemotingCommand base = RemotingCommand::createResponse(req, 0);
      ctx.connection()->invoke(std::move(ask), 2000,
                               [r, base](const Status& s, RemotingCommand* resp) mutable {
                                 base.code = s.ok() ? resp->code : 1;
                                 base.remark = s.ok() ? resp->remark : s.message();
                                 r.reply(std::move(base));
                               });
    });
    ServerOptions opts;
    opts.bindAddress = "127.0.0.1";
    opts.connection.tlsMode = mode;
    opts.connection.tlsContext = std::move(tls);
    server_ = std::make_unique<RemotingServer>(opts, dispatcher_.get());
    ASSERT_TRUE(server_->start().ok());
    addr_ = "127.0.0.1:" + std::to_string(server_->port());
  }

  void TearDown() override {
    for (auto& t : workers_) t.join();
    server_->stop();
  }

  std::unique_ptr<RequestDispatcher> dispatcher_;
  std::unique_ptr<RemotingServer> server_;
  std::string addr_;
  std::vector<std::thread> workers_;
  std::atomic<int> onewayCount_{0};
};

TEST_F(TransportTest, SyncRoundTripInBothSerializations) {
  RemotingClient client;
  client.start();
  for (auto type : {SerializeType::JSON, SerializeType::ROCKETMQ}) {
    RemotingCommand req = RemotingCommand::createRequest(kEcho);
    req.serializeType = type;
    req.addExt("v", "hi");
    req.setBody(std::string(100000, 'b'));
    RemotingCommand resp;
    ASSERT_TRUE(client.invokeSync(addr_, std::move(req), 3000, resp).ok());
    EXPECT_EQ(resp.code, 0);
    EXPECT_EQ(resp.serializeType, type);  // answered in the request's serialization
    EXPECT_TRUE(resp.isResponse());
    EXPECT_EQ(resp.ext.get("echo").value(), "hi");
    EXPECT_EQ(resp.body().size(), 100000u);
  }
}

TEST_F(TransportTest, UnknownCodeAnswersNotSupported) {
  RemotingClient client;
  client.start();
  RemotingCommand resp;
  ASSERT_TRUE(client.invokeSync(addr_, RemotingCommand::createRequest(4242), 3000, resp).ok());
  EXPECT_EQ(resp.code, response_code::REQUEST_CODE_NOT_SUPPORTED);
  EXPECT_NE(resp.remark.value_or("").find("4242"), std::string::npos);
}

TEST_F(TransportTest, DeferredReplyAndManyConcurrentInvokes) {
  RemotingClient client;
  client.start();
  RemotingCommand resp;
  ASSERT_TRUE(client.invokeSync(addr_, RemotingCommand::createRequest(kDeferred), 3000, resp).ok());
  EXPECT_EQ(resp.remark.value_or(""), "later");

  std::atomic<int> ok{0};
  std::promise<void> all;
  constexpr int kN = 500;
  std::atomic<int> remaining{kN};
  for (int i = 0; i < kN; ++i) {
    RemotingCommand req = RemotingCommand::createRequest(kEcho);
    req.addExt("v", std::to_string(i));
    client.invokeAsync(addr_, std::move(req), 5000, [&, i](const Status& s, RemotingCommand* r) {
      if (s.ok() && r->ext.getString("echo") == std::to_string(i)) ok++;
      if (--remaining == 0) all.set_value();
    });
  }
  all.get_future().wait();
  EXPECT_EQ(ok.load(), kN);
}

TEST_F(TransportTest, OnewayGetsNoAnswer) {
  RemotingClient client;
  client.start();
  ASSERT_TRUE(client.invokeOneway(addr_, RemotingCommand::createRequest(kOneway)).ok());
  // A following two-way request on the same connection is answered, and the oneway one was
  // processed before it.
  RemotingCommand resp;
  ASSERT_TRUE(client.invokeSync(addr_, RemotingCommand::createRequest(kEcho), 3000, resp).ok());
  EXPECT_EQ(onewayCount_.load(), 1);
}

TEST_F(TransportTest, TimeoutIsReported) {
  RemotingClient client;
  client.start();
  RemotingCommand resp;
  Status s = client.invokeSync(addr_, RemotingCommand::createRequest(kDeferred), 10, resp);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("timeout"), std::string::npos);
}

TEST_F(TransportTest, MalformedFrameClosesOnlyThatConnection) {
  RemotingClient good;
  good.start();
  RemotingCommand resp;
  ASSERT_TRUE(good.invokeSync(addr_, RemotingCommand::createRequest(kEcho), 3000, resp).ok());

  asio::io_context io;
  tcp::socket raw(io);
  raw.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
  // Header length (0x10) larger than the frame length (8).
  std::string bad("\x00\x00\x00\x08\x00\x00\x00\x10garbage!", 16);
  asio::write(raw, asio::buffer(bad));
  char buf[16];
  boost::system::error_code ec;
  size_t n = raw.read_some(asio::buffer(buf), ec);
  EXPECT_EQ(n, 0u);
  EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset) << ec.message();

  // Also an undecodable header in a well-formed frame.
  tcp::socket raw2(io);
  raw2.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
  std::string badJson("\x00\x00\x00\x07\x00\x00\x00\x03{x}", 11);
  asio::write(raw2, asio::buffer(badJson));
  n = raw2.read_some(asio::buffer(buf), ec);
  EXPECT_EQ(n, 0u);

  ASSERT_TRUE(good.invokeSync(addr_, RemotingCommand::createRequest(kEcho), 3000, resp).ok());
  EXPECT_EQ(resp.code, 0);
}

// Reads frames from `raw` until `count` commands have arrived (or the socket fails).
std::vector<RemotingCommand> readCommands(tcp::socket& raw, size_t count) {
  std::vector<RemotingCommand> out;
  std::string buffer;
  char chunk[4096];
  while (out.size() < count) {
    FrameView frame;
    std::string error;
    FrameParse p = parseFrame(buffer, kDefaultMaxFrameSize, frame, error);
    if (p == FrameParse::kError) break;
    if (p == FrameParse::kFrame) {
      RemotingCommand cmd;
      if (!decodeCommand(frame, cmd).ok()) break;
      cmd.ownBody();
      out.push_back(std::move(cmd));
      buffer.erase(0, frame.totalSize);
      continue;
    }
    boost::system::error_code ec;
    size_t n = raw.read_some(asio::buffer(chunk), ec);
    if (ec) break;
    buffer.append(chunk, n);
  }
  return out;
}

// Each request gets one answer however many copies of its Responder reply: the frame after the
// first answer is the answer to the next request, not a second answer to the first.
TEST_F(TransportTest, OneAnswerPerRequestThroughCopiesOfTheResponder) {
  asio::io_context io;
  tcp::socket raw(io);
  raw.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server_->port()));
  for (int32_t code : {kAnswerThrice, kAnswerTwiceNoCopy}) {
    RemotingCommand req = RemotingCommand::createRequest(code);
    req.opaque = 7;
    asio::write(raw, asio::buffer(encodeFrame(req)));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let every copy try
    RemotingCommand echo = RemotingCommand::createRequest(kEcho);
    echo.opaque = 8;
    asio::write(raw, asio::buffer(encodeFrame(echo)));
    auto got = readCommands(raw, 2);
    ASSERT_EQ(got.size(), 2u) << code;
    EXPECT_EQ(got[0].opaque, 7) << code;
    EXPECT_EQ(got[0].remark.value_or(""), "first") << code;
    EXPECT_EQ(got[1].opaque, 8) << code;
  }
}

class AnsweringListener : public ConnectionListener {
 public:
  void onRequest(const ConnectionPtr& conn, RemotingCommand& request) override {
    RemotingCommand resp = RemotingCommand::createResponse(request, 0, "client says hi");
    conn->send(resp);
  }
};

TEST_F(TransportTest, ServerInitiatedRequestIsCorrelated) {
  RemotingClient client;
  AnsweringListener listener;
  client.setRequestListener(&listener);
  client.start();
  RemotingCommand resp;
  ASSERT_TRUE(
      client.invokeSync(addr_, RemotingCommand::createRequest(kAskClient), 3000, resp).ok());
  EXPECT_EQ(resp.code, 0);
  EXPECT_EQ(resp.remark.value_or(""), "client says hi");
}

TEST_F(TransportTest, PermissiveTlsServesBothTlsAndPlaintext) {
  server_->stop();
  Status s;
  TlsConfig cfg;
  auto ctx = makeServerTlsContext(cfg, s);
  ASSERT_TRUE(s.ok()) << s.message();
  startServer(TlsMode::PERMISSIVE, ctx);
  ClientOptions tlsOpts;
  tlsOpts.useTls = true;
  RemotingClient tlsClient(tlsOpts);
  tlsClient.start();
  RemotingClient plain;
  plain.start();
  RemotingCommand resp;
  RemotingCommand req = RemotingCommand::createRequest(kEcho);
  req.setBody(std::string(70000, 'z'));
  ASSERT_TRUE(tlsClient.invokeSync(addr_, std::move(req), 3000, resp).ok());
  EXPECT_EQ(resp.body().size(), 70000u);
  ASSERT_TRUE(plain.invokeSync(addr_, RemotingCommand::createRequest(kEcho), 3000, resp).ok());
  EXPECT_EQ(resp.code, 0);
}

TEST_F(TransportTest, EnforcingTlsRefusesPlaintext) {
  server_->stop();
  Status s;
  auto ctx = makeServerTlsContext(TlsConfig{}, s);
  ASSERT_TRUE(s.ok());
  startServer(TlsMode::ENFORCING, ctx);
  RemotingClient plain;
  plain.start();
  RemotingCommand resp;
  EXPECT_FALSE(plain.invokeSync(addr_, RemotingCommand::createRequest(kEcho), 2000, resp).ok());
  ClientOptions tlsOpts;
  tlsOpts.useTls = true;
  RemotingClient tlsClient(tlsOpts);
  tlsClient.start();
  ASSERT_TRUE(tlsClient.invokeSync(addr_, RemotingCommand::createRequest(kEcho), 3000, resp).ok());
}

}  // namespace
}  // namespace rmq::remoting
