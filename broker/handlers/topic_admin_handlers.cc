// Topic administration: UPDATE_AND_CREATE_TOPIC (17), DELETE_TOPIC_IN_BROKER (215),
// GET_ALL_TOPIC_CONFIG (21); shared protocol broker-requests.md 9.1.
#include "broker/handlers/handlers.h"
#include "broker/topic/topic_validator.h"
#include "common/logging.h"
#include "common/protocol/topic_config.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace rmq::broker {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

namespace {

// Java answers with the default remark of an untouched response command.
constexpr const char* kNotSetRemark = "not set any response code";

void updateAndCreateTopic(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  if (ctx.isSlave()) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR, "Can't modify topic or subscription group from slave broker"));
    return;
  }
  auto topic = requiredField(r, rctx, "topic");
  if (!topic) return;
  std::string bad = topics::checkTopicName(*topic);
  if (!bad.empty()) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, bad));
    return;
  }
  if (topics::isSystemTopic(*topic) || *topic == ctx.config.msgTraceTopicName) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR,
        "The topic[" + std::string(*topic) + "] is conflict with system topic."));
    return;
  }
  if (*topic == ctx.config.brokerClusterName) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR,
        "The topic[" + std::string(*topic) + "] is conflict with system reserved words."));
    return;
  }
  TopicConfig tc;
  tc.topicName = std::string(*topic);
  tc.readQueueNums = r.ext.getInt32("readQueueNums").value_or(16);
  tc.writeQueueNums = r.ext.getInt32("writeQueueNums").value_or(16);
  tc.perm = r.ext.getInt32("perm").value_or(6);
  std::string filterType = r.ext.getString("topicFilterType");
  tc.topicFilterType = filterType == "MULTI_TAG" ? "MULTI_TAG" : "SINGLE_TAG";
  tc.topicSysFlag = r.ext.getInt32("topicSysFlag").value_or(0);
  tc.order = r.ext.getBool("order").value_or(false);
  if (tc.readQueueNums < 0 || tc.writeQueueNums < 0) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, "queue nums must be >= 0"));
    return;
  }
  ctx.topics.updateTopicConfig(tc);
  RMQ_LOG(INFO) << "updateAndCreateTopic called by " << rctx.connection()->remoteAddress() << ": "
                << tc.topicName << " " << tc.readQueueNums << "/" << tc.writeQueueNums << " perm "
                << tc.perm;
  // Register at once (Java sends only this topic; the whole table is equivalent for the name
  // server's merge-only update).
  ctx.registerBrokerAll(false);
  rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS, kNotSetRemark));
}

void deleteTopicInBroker(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  if (ctx.isSlave()) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR, "Can't modify topic or subscription group from slave broker"));
    return;
  }
  auto topic = requiredField(r, rctx, "topic");
  if (!topic) return;
  std::string bad = topics::checkTopicName(*topic);
  if (!bad.empty()) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, bad));
    return;
  }
  if (topics::isSystemTopic(*topic)) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR,
        "The topic[" + std::string(*topic) + "] is conflict with system topic."));
    return;
  }
  std::string t(*topic);
  ctx.topics.deleteTopicConfig(t);
  // Java 4.9.8 keeps the groups' committed offsets of a deleted topic (consumerOffset.json is
  // untouched); only the topic's consume queues go.
  ctx.store.deleteTopics({t});
  if (ctx.config.autoDeleteUnusedStats) ctx.brokerStatsManager.onTopicDeleted(t);
  // Unlike the topic creation, Java clears the remark here (setRemark(null)).
  rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
}

void getAllTopicConfig(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  std::string body;
  json::JsonWriter w(body);
  ctx.topics.buildSerializeWrapper().write(w);
  RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
  resp.setBody(std::move(body));
  rctx.reply(std::move(resp));
}

}  // namespace

void registerTopicAdminHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx) {
  registerAdminHandler(d, ctx, req::UPDATE_AND_CREATE_TOPIC, updateAndCreateTopic);
  registerAdminHandler(d, ctx, req::DELETE_TOPIC_IN_BROKER, deleteTopicInBroker);
  registerAdminHandler(d, ctx, req::GET_ALL_TOPIC_CONFIG, getAllTopicConfig);
}

}  // namespace rmq::broker
