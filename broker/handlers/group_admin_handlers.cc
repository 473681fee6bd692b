// Subscription groups: UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200),
// GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201), DELETE_SUBSCRIPTIONGROUP (207); broker-requests.md 9.2.
#include "broker/handlers/handlers.h"
#include "common/json.h"
#include "common/logging.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace rmq::broker {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

namespace {

constexpr const char* kSlaveRemark = "Can't modify topic or subscription group from slave broker";

void writeGroup(json::JsonWriter& w, const SubscriptionGroupConfig& g) {
  w.beginObject()
      .member("brokerId", g.brokerId)
      .member("consumeBroadcastEnable", g.consumeBroadcastEnable)
      .member("consumeEnable", g.consumeEnable)
      .member("consumeFromMinEnable", g.consumeFromMinEnable)
      .member("groupName", g.groupName)
      .member("notifyConsumerIdsChangedEnable", g.notifyConsumerIdsChangedEnable)
      .member("retryMaxTimes", g.retryMaxTimes)
      .member("retryQueueNums", g.retryQueueNums)
      .member("whichBrokerWhenConsumeSlowly", g.whichBrokerWhenConsumeSlowly)
      .endObject();
}

void updateGroup(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  if (ctx.isSlave()) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, kSlaveRemark));
    return;
  }
  rapidjson::Document doc;
  Status s = json::parseLenientJson(r.body(), doc);
  if (!s.ok() || !doc.IsObject()) {
    rctx.reply(
        RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, "bad SubscriptionGroupConfig body"));
    return;
  }
  SubscriptionGroupConfig g;
  json::getString(doc, "groupName", g.groupName);
  if (g.groupName.empty()) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, "groupName is empty"));
    return;
  }
  json::getBool(doc, "consumeEnable", g.consumeEnable);
  json::getBool(doc, "consumeFromMinEnable", g.consumeFromMinEnable);
  json::getBool(doc, "consumeBroadcastEnable", g.consumeBroadcastEnable);
  json::getInt32(doc, "retryQueueNums", g.retryQueueNums);
  json::getInt32(doc, "retryMaxTimes", g.retryMaxTimes);
  json::getInt64(doc, "brokerId", g.brokerId);
  json::getInt64(doc, "whichBrokerWhenConsumeSlowly", g.whichBrokerWhenConsumeSlowly);
  json::getBool(doc, "notifyConsumerIdsChangedEnable", g.notifyConsumerIdsChangedEnable);
  ctx.groups.updateSubscriptionGroupConfig(g);
  RMQ_LOG(INFO) << "updateAndCreateSubscriptionGroup called by "
                << rctx.connection()->remoteAddress() << ": " << g.groupName;
  rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
}

void getAllGroups(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  std::string body;
  json::JsonWriter w(body);
  w.beginObject().key("dataVersion");
  ctx.groups.dataVersion().write(w);
  w.key("subscriptionGroupTable").beginObject();
  for (const auto& g : ctx.groups.all()) {
    w.key(g.groupName);
    writeGroup(w, g);
  }
  w.endObject().endObject();
  rctx.reply(responseWithBody(r, std::move(body)));
}

void deleteGroup(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  if (ctx.isSlave()) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, kSlaveRemark));
    return;
  }
  auto group = requiredField(r, rctx, "groupName");
  if (!group) return;
  ctx.groups.deleteSubscriptionGroupConfig(*group);
  const bool removeOffset =
      r.ext.getBool("removeOffset").value_or(false) || r.ext.getBool("cleanOffset").value_or(false);
  if (removeOffset) ctx.offsets.removeGroup(*group);
  if (ctx.config.autoDeleteUnusedStats) ctx.brokerStatsManager.onGroupDeleted(*group);
  rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
}

}  // namespace

void registerGroupAdminHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx) {
  registerAdminHandler(d, ctx, req::UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, updateGroup);
  registerAdminHandler(d, ctx, req::GET_ALL_SUBSCRIPTIONGROUP_CONFIG, getAllGroups);
  registerAdminHandler(d, ctx, req::DELETE_SUBSCRIPTIONGROUP, deleteGroup);
}

}  // namespace rmq::broker
