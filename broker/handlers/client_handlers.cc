// Client management: HEART_BEAT (34), UNREGISTER_CLIENT (35), GET_CONSUMER_LIST_BY_GROUP (38),
// CHECK_CLIENT_CONFIG (46); shared protocol broker-requests.md 6 and semantics.md 10.
#include "broker/handlers/handlers.h"
#include "broker/topic/topic_validator.h"
#include "common/json.h"
#include "common/logging.h"
#include "common/protocol/heartbeat.h"
#include "common/protocol/perm_name.h"
#include "common/time_util.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace rmq::broker {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

namespace {

ClientChannelInfo channelOf(const RequestContext& rctx, const RemotingCommand& r,
                            std::string clientId) {
  ClientChannelInfo c;
  c.connection = rctx.connection();
  c.connectionId = rctx.connection()->id();
  c.clientId = std::move(clientId);
  c.language = r.language;
  c.version = r.version;
  c.lastUpdateTimestamp = nowMillis();
  c.remoteAddr = rctx.connection()->remoteAddress();
  return c;
}

void heartBeat(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  protocol::HeartbeatData hb;
  Status s = protocol::HeartbeatData::decode(r.body(), hb);
  if (!s.ok()) {
    rctx.reply(
        RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, "bad heartbeat body: " + s.message()));
    return;
  }
  ClientChannelInfo channel = channelOf(rctx, r, hb.clientID);
  for (const auto& data : hb.consumerDataSet) {
    auto sg = ctx.groups.findSubscriptionGroupConfig(data.groupName);
    bool notify = true;
    if (sg) {
      notify = sg->notifyConsumerIdsChangedEnable;
      const int32_t topicSysFlag = data.unitMode ? topic_sys_flag::UNIT_SUB : 0;
      ctx.topics.createTopicInSendMessageBackMethod(topics::retryTopic(data.groupName),
                                                    sg->retryQueueNums, perm::READ | perm::WRITE,
                                                    topicSysFlag);
    }
    bool changed = ctx.consumers.registerConsumer(data.groupName, channel, data, notify);
    if (changed) {
      RMQ_LOG(INFO) << "registerConsumer info changed " << data.groupName << " "
                    << channel.remoteAddr;
    }
  }
  for (const auto& group : hb.producerGroups) ctx.producers.registerProducer(group, channel);
  rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
}

void unregisterClient(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  const uint64_t connId = rctx.connection()->id();
  std::string producerGroup = r.ext.getString("producerGroup");
  if (!producerGroup.empty()) ctx.producers.unregisterProducer(producerGroup, connId);
  std::string consumerGroup = r.ext.getString("consumerGroup");
  if (!consumerGroup.empty()) {
    auto sg = ctx.groups.select(consumerGroup);
    bool notify = sg ? sg->notifyConsumerIdsChangedEnable : true;
    ctx.consumers.unregisterConsumer(consumerGroup, connId, notify);
  }
  RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
  resp.hasExtFields = true;
  rctx.reply(std::move(resp));
}

void consumerList(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  auto group = requiredField(r, rctx, "consumerGroup");
  if (!group) return;
  auto ids = ctx.consumers.consumerIds(std::string(*group));
  if (ids.empty()) {
    RemotingCommand resp = RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR, "no consumer for this group, " + std::string(*group));
    resp.hasExtFields = true;
    rctx.reply(std::move(resp));
    return;
  }
  std::string body;
  json::JsonWriter w(body);
  w.beginObject().key("consumerIdList").beginArray();
  for (const auto& id : ids) w.value(id);
  w.endArray().endObject();
  RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
  resp.hasExtFields = true;
  resp.setBody(std::move(body));
  rctx.reply(std::move(resp));
}

void checkClientConfig(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  rapidjson::Document doc;
  Status s = json::parseLenientJson(r.body(), doc);
  protocol::SubscriptionData sd;
  if (!s.ok() || !doc.IsObject() || !doc.HasMember("subscriptionData") ||
      !protocol::SubscriptionData::fromJson(doc["subscriptionData"], sd)) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, "bad CheckClientRequestBody"));
    return;
  }
  if (sd.isTagType()) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
    return;
  }
  if (!ctx.config.enablePropertyFilter) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR,
        "The broker does not support consumer to filter message by " + sd.expressionType));
    return;
  }
  std::shared_ptr<const sql92::Sql92Filter> compiled;
  Status cs = sd.expressionType == "SQL92"
                  ? ctx.sql92Filters.get(sd.subString, compiled)
                  : Status::Error("unknown expression type " + sd.expressionType);
  if (!cs.ok()) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SUBSCRIPTION_PARSE_FAILED, cs.message()));
    return;
  }
  rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
}

}  // namespace

void registerClientHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx) {
  registerAdminHandler(d, ctx, req::HEART_BEAT, heartBeat);
  d.registerHandler(req::UNREGISTER_CLIENT, [&ctx](RemotingCommand& r, RequestContext& rc) {
    unregisterClient(ctx, r, rc);
  });
  d.registerHandler(req::GET_CONSUMER_LIST_BY_GROUP,
                    [&ctx](RemotingCommand& r, RequestContext& rc) { consumerList(ctx, r, rc); });
  d.registerHandler(req::CHECK_CLIENT_CONFIG, [&ctx](RemotingCommand& r, RequestContext& rc) {
    checkClientConfig(ctx, r, rc);
  });
}

}  // namespace rmq::broker
