// Request-reply: SEND_REPLY_MESSAGE (324), SEND_REPLY_MESSAGE_V2 (325); the reply is pushed to
// the requesting producer with PUSH_REPLY_MESSAGE_TO_CLIENT (326) and, with
// storeReplyMessageEnable, also stored. broker-requests.md 2.2.
#include "broker/handlers/handlers.h"
#include "broker/handlers/send_common.h"
#include "common/logging.h"
#include "common/time_util.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "store/message_id.h"
#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::broker {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;
namespace prop = store::property;

namespace {

void sendReplyMessage(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  SendHeader h;
  std::string error;
  if (!decodeSendHeader(r, h, error)) {
    rctx.reply(sendResponse(ctx, r, rc::SYSTEM_ERROR, error));
    return;
  }
  auto tc = checkTopic(ctx, r, h, rctx);
  if (!tc) return;
  const std::string properties(h.properties);
  const std::string body(r.body());
  const std::string requester(
      store::findProperty(properties, prop::kMessageReplyToClient).value_or(""));
  auto channel = ctx.producers.findByClientId(requester);
  auto conn = channel ? channel->connection.lock() : nullptr;
  remoting::Responder responder = rctx.defer();
  RemotingCommand resp = sendResponse(ctx, r, rc::SUCCESS);
  const int32_t queueId = h.queueId < 0 ? 0 : h.queueId;
  const store::HostAddress bornHost = bornHostOf(rctx.connection());

  // The stored copy keeps the client's property string byte for byte and no sysFlag (as Java).
  auto storeAndAnswer = [&ctx, responder, properties, body, queueId, bornHost,
                         topic = std::string(h.topic), flag = h.flag,
                         bornTs = h.bornTimestamp](RemotingCommand resp) mutable {
    if (!ctx.config.storeReplyMessageEnable) {
      responder.reply(std::move(resp));
      return;
    }
    store::MessageToStore m;
    m.topic = topic;
    m.queueId = queueId;
    m.flag = flag;
    m.body = store::asBytes(body);
    m.properties = properties;
    m.bornTimestamp = bornTs;
    m.bornHost = bornHost;
    m.storeHost = ctx.storeHost;
    ctx.store.putMessage(
        m, false, [&ctx, responder, resp](const store::PutMessageResult& pr) mutable {
          if (pr.ok()) {
            resp.ext.set("msgId", store::offsetMsgId(ctx.storeHost, pr.wroteOffset));
            resp.ext.set("queueOffset", std::to_string(pr.logicsOffset));
          }
          responder.reply(std::move(resp));
        });
  };

  resp.addExt("msgId", "0").addExtInt("queueId", queueId).addExt("queueOffset", "0");
  if (!conn) {
    resp.code = rc::SYSTEM_ERROR;
    resp.remark = "push reply message fail, channel of <" + requester + "> not found.";
    RMQ_LOG(WARN) << *resp.remark;
    storeAndAnswer(std::move(resp));
    return;
  }
  RemotingCommand push = RemotingCommand::createRequest(req::PUSH_REPLY_MESSAGE_TO_CLIENT);
  push.addExt("producerGroup", h.producerGroup).addExt("topic", h.topic);
  push.addExt("defaultTopic", h.defaultTopic)
      .addExtInt("defaultTopicQueueNums", h.defaultTopicQueueNums);
  push.addExtInt("queueId", queueId).addExtInt("sysFlag", h.sysFlag).addExtInt("flag", h.flag);
  push.addExtInt("bornTimestamp", h.bornTimestamp);
  std::string pushProps = properties;
  if (!pushProps.empty()) pushProps.push_back('\x02');
  pushProps += std::string(prop::kPushReplyTime) + '\x01' + std::to_string(nowMillis());
  push.addExt("properties", pushProps);
  push.addExtInt("reconsumeTimes", h.reconsumeTimes);
  push.addExt("unitMode", h.unitMode ? "true" : "false");
  push.addExt("bornHost", rctx.connection()->remoteAddress());
  push.addExt("storeHost", ctx.config.brokerAddr());
  push.addExtInt("storeTimestamp", nowMillis());
  push.setBody(body);
  conn->invoke(std::move(push), 10000,
               [resp, storeAndAnswer, requester](const Status& s, RemotingCommand* answer) mutable {
                 if (!s.ok() || !answer || answer->code != rc::SUCCESS) {
                   resp.code = rc::SYSTEM_ERROR;
                   resp.remark = "push reply message to " + requester +
                                 " failed: " + (s.ok() ? answer->remark.value_or("") : s.message());
                 }
                 storeAndAnswer(std::move(resp));
               });
}

}  // namespace

void registerReplyHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx) {
  auto handler = [&ctx](RemotingCommand& r, RequestContext& rc) { sendReplyMessage(ctx, r, rc); };
  d.registerHandler(req::SEND_REPLY_MESSAGE, handler, &ctx.adminExecutor);
  d.registerHandler(req::SEND_REPLY_MESSAGE_V2, handler, &ctx.adminExecutor);
}

}  // namespace rmq::broker
