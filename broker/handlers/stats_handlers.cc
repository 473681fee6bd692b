// Statistics, offsets and connections for admin tools: GET_TOPIC_STATS_INFO (202),
// GET_CONSUME_STATS (208), QUERY_TOPIC_CONSUME_BY_WHO (300), GET_ALL_CONSUMER_OFFSET (43),
// GET_ALL_DELAY_OFFSET (45), GET_CONSUMER_CONNECTION_LIST (203), GET_PRODUCER_CONNECTION_LIST
// (204), GET_ALL_PRODUCER_INFO (328), GET_SYSTEM_TOPIC_LIST_FROM_BROKER (305), CLONE_GROUP_OFFSET
// (314), VIEW_BROKER_STATS_DATA (315); broker-requests.md 9.1, 9.4, 9.5.
#include <set>

#include "broker/handlers/consume_stats.h"
#include "broker/handlers/handlers.h"
#include "common/json.h"
#include "common/protocol/route_data.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace rmq::broker {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

namespace {

void topicStats(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  auto topic = requiredField(r, rctx, "topic");
  if (!topic) return;
  auto tc = ctx.topics.select(*topic);
  if (!tc) {
    rctx.reply(RemotingCommand::createResponse(r, rc::TOPIC_NOT_EXIST,
                                               "topic[" + std::string(*topic) + "] not exist"));
    return;
  }
  std::string body;
  json::JsonWriter w(body);
  w.beginObject().key("offsetTable").beginObject();
  for (int32_t i = 0; i < tc->writeQueueNums; ++i) {
    const int64_t min = std::max<int64_t>(0, ctx.store.minOffsetInQueue(*topic, i));
    const int64_t max = ctx.store.maxOffsetInQueue(*topic, i);
    const int64_t last = max > 0 ? ctx.store.messageStoreTimestamp(*topic, i, max - 1) : 0;
    w.rawKey(messageQueueKey(ctx.config.brokerName, i, tc->topicName));
    w.beginObject().member("lastUpdateTimestamp", std::max<int64_t>(0, last));
    w.member("maxOffset", max).member("minOffset", min).endObject();
  }
  w.endObject().endObject();
  rctx.reply(responseWithBody(r, std::move(body)));
}

void consumeStats(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  auto group = requiredField(r, rctx, "consumerGroup");
  if (!group) return;
  const std::string g(*group);
  std::set<std::string> topics;
  if (auto t = r.ext.get("topic"); t && !t->empty()) {
    topics.insert(std::string(*t));
  } else {
    topics = ctx.offsets.topicsOfGroup(g);
  }
  // consumeTps (the sum of the topics' GROUP_GET_NUMS minute TPS) precedes offsetTable in the
  // body but is known only after the loop: the table is written aside first.
  std::string table;
  json::JsonWriter tw(table);
  tw.beginObject();
  double consumeTps = 0;
  for (const auto& topic : topics) {
    auto tc = ctx.topics.select(topic);
    if (!tc || onlineGroupIgnoresTopic(ctx, g, topic)) continue;
    writeOffsetEntries(ctx, tw, g, topic, tc->readQueueNums);  // read queues, as Java
    consumeTps += ctx.brokerStatsManager.tpsGroupGetNums(g, topic);
  }
  tw.endObject();
  std::string body;
  json::JsonWriter w(body);
  w.beginObject().key("consumeTps").valueDouble(consumeTps);
  w.key("offsetTable").rawValue(table).endObject();
  rctx.reply(responseWithBody(r, std::move(body)));
}

void writeStatsItem(json::JsonWriter& w, const char* name, const StatsSnapshot& s) {
  w.key(name).beginObject().key("avgpt").valueDouble(s.avgpt);
  w.member("sum", s.sum).key("tps").valueDouble(s.tps).endObject();
}

// VIEW_BROKER_STATS_DATA (315): BrokerStatsData of one item (mqadmin statsAll).
void viewBrokerStatsData(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  auto name = requiredField(r, rctx, "statsName");
  if (!name) return;
  auto key = requiredField(r, rctx, "statsKey");
  if (!key) return;
  const StatsItem* item = ctx.brokerStatsManager.getStatsItem(*name, *key);
  if (!item) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR,
        "The stats <" + std::string(*name) + "> <" + std::string(*key) + "> not exist"));
    return;
  }
  std::string body;
  json::JsonWriter w(body);
  w.beginObject();
  writeStatsItem(w, "statsDay", item->statsDataInDay());
  writeStatsItem(w, "statsHour", item->statsDataInHour());
  writeStatsItem(w, "statsMinute", item->statsDataInMinute());
  w.endObject();
  rctx.reply(responseWithBody(r, std::move(body)));
}

void writeConnection(json::JsonWriter& w, const ClientChannelInfo& c) {
  w.beginObject().member("clientAddr", c.remoteAddr).member("clientId", c.clientId);
  w.member("language", remoting::languageName(c.language)).member("version", c.version);
  w.endObject();
}

void consumerConnections(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  auto group = requiredField(r, rctx, "consumerGroup");
  if (!group) return;
  auto g = ctx.consumers.group(std::string(*group));
  if (!g || g->channels.empty()) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::CONSUMER_NOT_ONLINE, "the consumer group[" + std::string(*group) + "] not online"));
    return;
  }
  std::string body;
  json::JsonWriter w(body);
  w.beginObject().key("connectionSet").beginArray();
  for (const auto& [id, c] : g->channels) writeConnection(w, c);
  w.endArray();
  w.member("consumeFromWhere", g->consumeFromWhere).member("consumeType", g->consumeType);
  w.member("messageModel", g->messageModel);
  w.key("subscriptionTable").beginObject();
  for (const auto& [topic, sd] : g->subscriptions) {
    w.key(topic);
    sd.write(w);
  }
  w.endObject().endObject();
  rctx.reply(responseWithBody(r, std::move(body)));
}

void producerConnections(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  auto group = requiredField(r, rctx, "producerGroup");
  if (!group) return;
  auto all = ctx.producers.snapshot();
  auto it = all.find(std::string(*group));
  if (it == all.end()) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR, "the producer group[" + std::string(*group) + "] not exist"));
    return;
  }
  std::string body;
  json::JsonWriter w(body);
  w.beginObject().key("connectionSet").beginArray();
  for (const auto& c : it->second) writeConnection(w, c);
  w.endArray().endObject();
  rctx.reply(responseWithBody(r, std::move(body)));
}

// Every producer group with its producers (Java's ProducerTableInfo). remoteIP is Netty's
// address text, with its leading '/'.
void allProducerInfo(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  std::string body;
  json::JsonWriter w(body);
  w.beginObject().key("data").beginObject();
  for (const auto& [group, channels] : ctx.producers.snapshot()) {
    if (channels.empty()) continue;
    w.key(group).beginArray();
    for (const auto& c : channels) {
      w.beginObject()
          .member("clientId", c.clientId)
          .member("language", remoting::languageName(c.language))
          .member("lastUpdateTimestamp", c.lastUpdateTimestamp)
          .member("remoteIP", "/" + c.remoteAddr)
          .member("version", c.version)
          .endObject();
    }
    w.endArray();
  }
  w.endObject().endObject();
  rctx.reply(responseWithBody(r, std::move(body)));
}

void consumeByWho(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  auto topic = requiredField(r, rctx, "topic");
  if (!topic) return;
  std::set<std::string> groups = ctx.offsets.groupsOfTopic(*topic);
  for (const auto& g : ctx.consumers.groupsOfTopic(std::string(*topic))) groups.insert(g);
  std::string body;
  json::JsonWriter w(body);
  w.beginObject().key("groupList").beginArray();
  for (const auto& g : groups) w.value(g);
  w.endArray().endObject();
  rctx.reply(responseWithBody(r, std::move(body)));
}

void cloneGroupOffset(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  auto src = requiredField(r, rctx, "srcGroup");
  if (!src) return;
  auto dest = requiredField(r, rctx, "destGroup");
  if (!dest) return;
  std::set<std::string> topics;
  if (auto t = r.ext.get("topic"); t && !t->empty()) {
    topics.insert(std::string(*t));
  } else {
    topics = ctx.offsets.topicsOfGroup(*src);
  }
  for (const auto& topic : topics) {
    for (const auto& [q, off] : ctx.offsets.queryOffsets(*src, topic)) {
      ctx.offsets.commitOffset(*dest, topic, q, off);
    }
  }
  rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
}

}  // namespace

void registerStatsHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx) {
  registerAdminHandler(d, ctx, req::GET_TOPIC_STATS_INFO, topicStats);
  registerAdminHandler(d, ctx, req::GET_CONSUME_STATS, consumeStats);
  registerAdminHandler(d, ctx, req::GET_CONSUMER_CONNECTION_LIST, consumerConnections);
  registerAdminHandler(d, ctx, req::GET_PRODUCER_CONNECTION_LIST, producerConnections);
  registerAdminHandler(d, ctx, req::GET_ALL_PRODUCER_INFO, allProducerInfo);
  registerAdminHandler(d, ctx, req::QUERY_TOPIC_CONSUME_BY_WHO, consumeByWho);
  registerAdminHandler(d, ctx, req::CLONE_GROUP_OFFSET, cloneGroupOffset);
  registerAdminHandler(d, ctx, req::VIEW_BROKER_STATS_DATA, viewBrokerStatsData);
  d.registerHandler(
      req::GET_ALL_CONSUMER_OFFSET,
      [&ctx](RemotingCommand& r, RequestContext& rc) {
        rc.reply(responseWithBody(r, ctx.offsets.encode()));
      },
      &ctx.adminExecutor);
  d.registerHandler(
      req::GET_ALL_DELAY_OFFSET,
      [&ctx](RemotingCommand& r, RequestContext& rc) {
        rc.reply(responseWithBody(r, ctx.delayOffsetsJson ? ctx.delayOffsetsJson() : "{}"));
      },
      &ctx.adminExecutor);
  d.registerHandler(
      req::GET_SYSTEM_TOPIC_LIST_FROM_BROKER, [&ctx](RemotingCommand& r, RequestContext& rc) {
        auto sys = ctx.topics.systemTopics();
        rc.reply(responseWithBody(r, protocol::encodeTopicList({sys.begin(), sys.end()})));
      });
}

}  // namespace rmq::broker
