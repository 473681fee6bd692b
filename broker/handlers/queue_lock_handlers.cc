// Ordered consumption locks: LOCK_BATCH_MQ (41), UNLOCK_BATCH_MQ (42); broker-requests.md 7.
#include "broker/handlers/handlers.h"
#include "common/json.h"
#include "common/time_util.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace rmq::broker {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

namespace {

struct LockBody {
  std::string consumerGroup;
  std::string clientId;
  std::set<MessageQueueKey> mqSet;
};

Status decodeLockBody(std::string_view text, LockBody& out) {
  rapidjson::Document doc;
  Status s = json::parseLenientJson(text, doc);
  if (!s.ok()) return s;
  if (!doc.IsObject()) return Status::Error("lock body is not a JSON object");
  json::getString(doc, "consumerGroup", out.consumerGroup);
  json::getString(doc, "clientId", out.clientId);
  auto set = doc.FindMember("mqSet");
  if (set != doc.MemberEnd() && set->value.IsArray()) {
    for (const auto& mq : set->value.GetArray()) {
      MessageQueueKey k;
      json::getString(mq, "topic", k.topic);
      json::getString(mq, "brokerName", k.brokerName);
      json::getInt32(mq, "queueId", k.queueId);
      out.mqSet.insert(k);
    }
  }
  return Status::Ok();
}

}  // namespace

void registerQueueLockHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx) {
  d.registerHandler(req::LOCK_BATCH_MQ, [&ctx](RemotingCommand& r, RequestContext& rctx) {
    LockBody body;
    Status s = decodeLockBody(r.body(), body);
    if (!s.ok()) {
      rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, s.message()));
      return;
    }
    auto locked =
        ctx.locks.tryLockBatch(body.consumerGroup, body.mqSet, body.clientId, nowMillis());
    std::string out;
    json::JsonWriter w(out);
    w.beginObject().key("lockOKMQSet").beginArray();
    for (const auto& mq : locked) {
      w.beginObject()
          .member("brokerName", mq.brokerName)
          .member("queueId", mq.queueId)
          .member("topic", mq.topic)
          .endObject();
    }
    w.endArray().endObject();
    RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
    resp.setBody(std::move(out));
    rctx.reply(std::move(resp));
  });
  d.registerHandler(req::UNLOCK_BATCH_MQ, [&ctx](RemotingCommand& r, RequestContext& rctx) {
    LockBody body;
    Status s = decodeLockBody(r.body(), body);
    if (!s.ok()) {
      rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, s.message()));
      return;
    }
    ctx.locks.unlockBatch(body.consumerGroup, body.mqSet, body.clientId);
    rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
  });
}

}  // namespace rmq::broker
