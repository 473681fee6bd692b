// Maintenance: CLEAN_EXPIRED_CONSUMEQUEUE (306), DELETE_EXPIRED_COMMITLOG (329),
// CLEAN_UNUSED_TOPIC (316), QUERY_CONSUME_QUEUE (321), GET_BROKER_CONSUME_STATS (317);
// broker-requests.md 9.4 and 9.7.
#include <set>

#include "broker/handlers/consume_stats.h"
#include "broker/handlers/handlers.h"
#include "broker/topic/topic_validator.h"
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

void cleanExpiredConsumeQueue(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  const int64_t minPhy = ctx.store.minPhyOffset();
  std::vector<std::string> expired;
  std::map<std::string, bool> allExpired;
  for (const auto& [topic, queueId] : ctx.store.consumeQueueKeys()) {
    if (topic == topics::kScheduleTopic) continue;
    auto* cq = ctx.store.findConsumeQueue(topic, queueId, false);
    const bool gone = cq && cq->maxPhysicOffset() < minPhy;
    auto [it, inserted] = allExpired.emplace(topic, gone);
    if (!inserted) it->second = it->second && gone;
  }
  for (const auto& [topic, gone] : allExpired) {
    if (gone) expired.push_back(topic);
  }
  if (!expired.empty()) {
    RMQ_LOG(INFO) << "cleanExpiredConsumerQueue: " << expired.size() << " topics";
    ctx.store.deleteTopics(expired);
  }
  rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
}

void cleanUnusedTopic(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  std::vector<std::string> unused;
  std::set<std::string> seen;
  for (const auto& [topic, queueId] : ctx.store.consumeQueueKeys()) {
    if (!seen.insert(topic).second) continue;
    if (topic == topics::kScheduleTopic || topic == topics::kTransOpHalfTopic) continue;
    if (!ctx.topics.exists(topic)) unused.push_back(topic);
  }
  ctx.store.deleteTopics(unused);
  rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
}

void queryConsumeQueue(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  auto topic = requiredField(r, rctx, "topic");
  if (!topic) return;
  auto queueId = requiredLong(r, rctx, "queueId");
  if (!queueId) return;
  auto index = requiredLong(r, rctx, "index");
  if (!index) return;
  auto count = requiredLong(r, rctx, "count");
  if (!count) return;
  auto* cq = ctx.store.findConsumeQueue(*topic, static_cast<int32_t>(*queueId), false);
  if (!cq) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR,
        std::to_string(*queueId) + "@" + std::string(*topic) + " is not exist!"));
    return;
  }
  // Java's body, fields in fastjson's (alphabetical) order, nulls left out: filterData,
  // maxQueueIndex, minQueueIndex, queueData, subscriptionData.
  std::optional<std::string> filterData;
  std::optional<protocol::SubscriptionData> subscription;
  if (auto group = r.ext.get("consumerGroup")) {
    subscription = ctx.consumers.findSubscriptionData(std::string(*group), std::string(*topic));
    // Java prints its ConsumerFilterData here; this broker keeps no filter data (SQL92 is
    // compiled per subscription), which Java prints as "null" for tag subscriptions too.
    filterData = subscription ? std::string("null")
                              : std::string(*group) + "@" + std::string(*topic) + " is not online!";
  }
  std::vector<store::ConsumeQueueUnit> units;
  const bool found = cq->readUnitsInFile(*index, std::max<int64_t>(0, *count), units);
  RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
  if (!found) {
    // Java returns before it sets the body here.
    resp.remark = "Index " + std::to_string(*index) + " of " + std::to_string(*queueId) + "@" +
                  std::string(*topic) + " is not exist!";
    rctx.reply(std::move(resp));
    return;
  }
  std::string body;
  json::JsonWriter w(body);
  w.beginObject();
  if (filterData) w.member("filterData", *filterData);
  w.member("maxQueueIndex", cq->maxOffsetInQueue()).member("minQueueIndex", cq->minOffsetInQueue());
  w.key("queueData").beginArray();
  for (const auto& u : units) {
    w.beginObject().member("eval", false).member("physicOffset", u.commitLogOffset);
    w.member("physicSize", u.size).member("tagsCode", u.tagsCode).endObject();
  }
  w.endArray();
  if (subscription) {
    w.key("subscriptionData");
    subscription->write(w);
  }
  w.endObject();
  resp.setBody(std::move(body));
  rctx.reply(std::move(resp));
}

// Java: every subscription group, the topics it has offsets on, one ConsumeStats per topic
// over the write queues with that topic's consumeTps; isOrder keeps only order topics.
void brokerConsumeStats(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  auto isOrderField = requiredField(r, rctx, "isOrder");
  if (!isOrderField) return;
  const bool isOrder = r.ext.getBool("isOrder").value_or(false);
  int64_t totalDiff = 0;
  std::string body;
  json::JsonWriter w(body);
  w.beginObject().member("brokerAddr", ctx.config.brokerAddr());
  w.key("consumeStatsList").beginArray();
  std::set<std::string> groups;
  for (const auto& sg : ctx.groups.all()) groups.insert(sg.groupName);
  for (const auto& g : groups) {
    w.beginObject().key(g).beginArray();
    for (const auto& topic : ctx.offsets.topicsOfGroup(g)) {
      auto tc = ctx.topics.select(topic);
      if (!tc || (isOrder && !tc->order) || onlineGroupIgnoresTopic(ctx, g, topic)) continue;
      w.beginObject()
          .key("consumeTps")
          .valueDouble(ctx.brokerStatsManager.tpsGroupGetNums(g, topic));
      w.key("offsetTable").beginObject();
      totalDiff += writeOffsetEntries(ctx, w, g, topic, tc->writeQueueNums);
      w.endObject().endObject();
    }
    w.endArray().endObject();
  }
  w.endArray().member("totalDiff", totalDiff).endObject();
  RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
  resp.setBody(std::move(body));
  rctx.reply(std::move(resp));
}

}  // namespace

void registerMaintenanceHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx) {
  registerAdminHandler(d, ctx, req::CLEAN_EXPIRED_CONSUMEQUEUE, cleanExpiredConsumeQueue);
  registerAdminHandler(d, ctx, req::CLEAN_UNUSED_TOPIC, cleanUnusedTopic);
  registerAdminHandler(d, ctx, req::QUERY_CONSUME_QUEUE, queryConsumeQueue);
  registerAdminHandler(d, ctx, req::GET_BROKER_CONSUME_STATS, brokerConsumeStats);
  d.registerHandler(req::DELETE_EXPIRED_COMMITLOG, [&ctx](RemotingCommand& r, RequestContext& rc) {
    ctx.store.cleanService().requestDeleteNow();
    rc.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
  });
}

}  // namespace rmq::broker
