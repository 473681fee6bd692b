// Consumer control relayed to the clients: INVOKE_BROKER_TO_RESET_OFFSET (222, pushes
// RESET_CONSUMER_CLIENT_OFFSET 220), INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223, asks each
// consumer with GET_CONSUMER_STATUS_FROM_CLIENT 221), GET_CONSUMER_RUNNING_INFO (307) and
// CONSUME_MESSAGE_DIRECTLY (309); broker-requests.md 9.6.
#include <future>

#include "broker/handlers/handlers.h"
#include "common/json.h"
#include "common/logging.h"
#include "common/mq_version.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "store/message_id.h"

namespace rmq::broker {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

namespace {

// MQVersion.getVersionDesc for the ordinals the version checks below can reject (< 62): the
// 3.0.0 pre-releases, then a SNAPSHOT and a release per version up to V3_1_7.
std::string versionDesc(int32_t v) {
  static constexpr const char* kV300[] = {
      "V3_0_0_SNAPSHOT", "V3_0_0_ALPHA1",         "V3_0_0_BETA1", "V3_0_0_BETA2",
      "V3_0_0_BETA3",    "V3_0_0_BETA4",          "V3_0_0_BETA5", "V3_0_0_BETA6_SNAPSHOT",
      "V3_0_0_BETA6",    "V3_0_0_BETA7_SNAPSHOT", "V3_0_0_BETA7", "V3_0_0_BETA8_SNAPSHOT",
      "V3_0_0_BETA8",    "V3_0_0_BETA9_SNAPSHOT", "V3_0_0_BETA9", "V3_0_0_FINAL"};
  constexpr int32_t kFirstRelease = 16;  // V3_0_1_SNAPSHOT
  if (v >= 0 && v < kFirstRelease) return kV300[v];
  if (v >= kFirstRelease && v < mqversion::V3_1_8_SNAPSHOT) {
    const int32_t k = (v - kFirstRelease) / 2;  // 0 = 3.0.1 ... 14 = 3.0.15, 15 = 3.1.0 ...
    const std::string base =
        k < 15 ? "V3_0_" + std::to_string(k + 1) : "V3_1_" + std::to_string(k - 15);
    return (v - kFirstRelease) % 2 == 0 ? base + "_SNAPSHOT" : base;
  }
  return std::to_string(v);
}

void resetOffset(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  auto topic = requiredField(r, rctx, "topic");
  if (!topic) return;
  auto group = requiredField(r, rctx, "group");
  if (!group) return;
  auto timestamp = requiredLong(r, rctx, "timestamp");
  if (!timestamp) return;
  const bool isForce = r.ext.getBool("isForce").value_or(false);
  const std::string t(*topic), g(*group);
  auto tc = ctx.topics.select(t);
  if (!tc) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR,
        "[reset-offset] reset offset failed, no topic in this broker. topic=" + t));
    return;
  }
  // The answer is a ResetOffsetBody (MessageQueue -> offset); an admin request in the CPP
  // language gets the push as ResetOffsetBodyForC (a list of MessageQueueForC), as Java does.
  const bool isC = r.language == remoting::LanguageCode::CPP;
  std::string body;
  std::string bodyForC;
  json::JsonWriter w(body);
  json::JsonWriter wc(bodyForC);
  w.beginObject().key("offsetTable").beginObject();
  wc.beginObject().key("offsetTable").beginArray();
  for (int32_t i = 0; i < tc->writeQueueNums; ++i) {
    const int64_t consumerOffset = ctx.offsets.queryOffset(g, t, i);
    if (consumerOffset == -1) {
      rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR,
                                                 "THe consumer group <" + g + "> not exist"));
      return;
    }
    int64_t target = *timestamp == -1 ? ctx.store.maxOffsetInQueue(t, i)
                                      : ctx.store.offsetInQueueByTime(t, i, *timestamp);
    if (target < 0) target = 0;
    const int64_t chosen = (isForce || target < consumerOffset) ? target : consumerOffset;
    w.rawKey(messageQueueKey(ctx.config.brokerName, i, t));
    w.value(chosen);
    wc.beginObject()
        .key("brokerName")
        .value(ctx.config.brokerName)
        .key("offset")
        .value(chosen)
        .key("queueId")
        .value(i)
        .key("topic")
        .value(t)
        .endObject();
  }
  w.endObject().endObject();
  wc.endArray().endObject();
  auto online = ctx.consumers.group(g);
  if (!online || online->channels.empty()) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::CONSUMER_NOT_ONLINE,
        "Consumer not online, so can not reset offset, Group: " + g + " Topic: " + t +
            " Timestamp: " + std::to_string(*timestamp)));
    return;
  }
  for (const auto& [id, c] : online->channels) {
    auto conn = c.connection.lock();
    if (!conn) continue;
    if (c.version < mqversion::V3_0_7_SNAPSHOT) {
      rctx.reply(RemotingCommand::createResponse(
          r, rc::SYSTEM_ERROR,
          "the client does not support this feature. version=" + versionDesc(c.version)));
      return;
    }
    RemotingCommand push = RemotingCommand::createRequest(req::RESET_CONSUMER_CLIENT_OFFSET);
    push.addExt("topic", t).addExt("group", g).addExtInt("timestamp", *timestamp);
    push.addExt("isForce", "false");  // Java's Broker2Client never sets it
    push.setBody(isC ? bodyForC : body);
    conn->invokeOneway(std::move(push));
    RMQ_LOG(INFO) << "[reset-offset] reset offset success. topic=" << t << ", group=" << g
                  << ", clientId=" << c.clientId;
  }
  RemotingCommand resp =
      RemotingCommand::createResponse(r, rc::SUCCESS, std::string("not set any response code"));
  resp.setBody(std::move(body));
  rctx.reply(std::move(resp));
}

// The raw JSON text of `name`'s value in a JSON object (fastjson may use object keys, so the
// text is taken as it is rather than parsed); empty when absent or malformed.
std::string_view rawMember(std::string_view json, std::string_view name) {
  const std::string quoted = "\"" + std::string(name) + "\"";
  size_t at = json.find(quoted);
  if (at == std::string_view::npos) return {};
  at = json.find(':', at + quoted.size());
  if (at == std::string_view::npos) return {};
  ++at;
  while (at < json.size() && (json[at] == ' ' || json[at] == '\n' || json[at] == '\t')) ++at;
  if (at >= json.size() || json[at] != '{') return {};
  int depth = 0;
  bool inString = false;
  for (size_t i = at; i < json.size(); ++i) {
    const char c = json[i];
    if (inString) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return json.substr(at, i - at + 1);
    }
  }
  return {};
}

// Java's Broker2Client.getConsumeStatus: every consumer of the group (or only `clientAddr`, a
// client id) is asked for its queue offsets (5 s each, one after the other); the answers are
// collected by client id. A consumer that fails or times out is left out.
void getConsumerStatus(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  auto topic = requiredField(r, rctx, "topic");
  if (!topic) return;
  auto group = requiredField(r, rctx, "group");
  if (!group) return;
  const std::string origin = r.ext.getString("clientAddr");
  const std::string g(*group);
  auto online = ctx.consumers.group(g);
  if (!online || online->channels.empty()) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR, "No Any Consumer online in the consumer group: [" + g + "]"));
    return;
  }
  std::string table = "{";
  bool first = true;
  for (const auto& [id, c] : online->channels) {
    if (c.version < mqversion::V3_0_7_SNAPSHOT) {
      rctx.reply(RemotingCommand::createResponse(
          r, rc::SYSTEM_ERROR,
          "the client does not support this feature. version=" + versionDesc(c.version)));
      return;
    }
    if (!origin.empty() && origin != c.clientId) continue;
    if (auto conn = c.connection.lock()) {
      RemotingCommand ask = RemotingCommand::createRequest(req::GET_CONSUMER_STATUS_FROM_CLIENT);
      ask.addExt("topic", std::string(*topic)).addExt("group", g);
      auto answer = std::make_shared<std::promise<std::optional<std::string>>>();
      conn->invoke(std::move(ask), 5000, [answer](const Status& s, RemotingCommand* resp) {
        if (s.ok() && resp->code == rc::SUCCESS && !resp->body().empty()) {
          answer->set_value(std::string(rawMember(resp->body(), "messageQueueTable")));
        } else {
          answer->set_value(std::nullopt);
        }
      });
      const auto text = answer->get_future().get();
      if (text && !text->empty()) {
        if (!first) table.push_back(',');
        first = false;
        json::appendQuoted(table, c.clientId, false);
        table.push_back(':');
        table += *text;
      } else {
        RMQ_LOG(WARN) << "[get-consumer-status] no status from " << c.clientId << " (group " << g
                      << ", topic " << *topic << ")";
      }
    }
    if (!origin.empty()) break;
  }
  table.push_back('}');
  // GetConsumerStatusBody: consumerTable, then the (empty) messageQueueTable.
  rctx.reply(responseWithBody(r, "{\"consumerTable\":" + table + ",\"messageQueueTable\":{}}"));
}

// Forwards the request to the consumer with `clientId` in `group` and relays its answer.
void relayToConsumer(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx,
                     RemotingCommand forward) {
  const std::string group = r.ext.getString("consumerGroup");
  const std::string clientId = r.ext.getString("clientId");
  auto g = ctx.consumers.group(group);
  const ClientChannelInfo* target = nullptr;
  if (g) {
    for (const auto& [id, c] : g->channels) {
      if (c.clientId == clientId) target = &c;
    }
  }
  auto conn = target ? target->connection.lock() : nullptr;
  if (!conn) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR, "The Consumer <" + group + "> <" + clientId + "> not online"));
    return;
  }
  if (target->version < mqversion::V3_1_8_SNAPSHOT) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR,
        "The Consumer <" + clientId + "> Version <" + versionDesc(target->version) +
            "> too low to finish, please upgrade it to V3_1_8_SNAPSHOT"));
    return;
  }
  remoting::Responder responder = rctx.defer();
  RemotingCommand base = RemotingCommand::createResponse(r, rc::SUCCESS);
  conn->invoke(
      std::move(forward), 10000,
      [responder, base, group, clientId](const Status& s, RemotingCommand* answer) mutable {
        if (!s.ok()) {
          const bool timeout = s.message().find("timeout") != std::string::npos;
          base.code = timeout ? rc::CONSUME_MSG_TIMEOUT : rc::SYSTEM_ERROR;
          base.remark = timeout
                            ? "consumer <" + group + "> <" + clientId + "> Timeout: " + s.message()
                            : s.message();
          responder.reply(std::move(base));
          return;
        }
        base.code = answer->code;
        base.remark = answer->remark;
        base.setBody(std::string(answer->body()));
        responder.reply(std::move(base));
      });
}

void consumerRunningInfo(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  if (!requiredField(r, rctx, "consumerGroup") || !requiredField(r, rctx, "clientId")) return;
  RemotingCommand forward = RemotingCommand::createRequest(req::GET_CONSUMER_RUNNING_INFO);
  forward.hasExtFields = true;
  for (size_t i = 0; i < r.ext.size(); ++i) forward.ext.append(r.ext.keyAt(i), r.ext.valueAt(i));
  forward.setBody(std::string(r.body()));
  relayToConsumer(ctx, r, rctx, std::move(forward));
}

void consumeMessageDirectly(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  if (!requiredField(r, rctx, "consumerGroup")) return;
  auto msgId = requiredField(r, rctx, "msgId");
  if (!msgId) return;
  store::HostAddress host;
  int64_t offset = 0;
  store::MappedRegion region;
  if (store::decodeOffsetMsgId(*msgId, host, offset).ok()) {
    region = ctx.store.lookMessageByOffset(offset);
  }
  if (!region.valid()) {
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR, "can not find the message by msgId " + std::string(*msgId)));
    return;
  }
  RemotingCommand forward = RemotingCommand::createRequest(req::CONSUME_MESSAGE_DIRECTLY);
  forward.hasExtFields = true;
  for (size_t i = 0; i < r.ext.size(); ++i) forward.ext.append(r.ext.keyAt(i), r.ext.valueAt(i));
  forward.ext.set("brokerName", ctx.config.brokerName);
  forward.setBody(std::string(region.data, static_cast<size_t>(region.size)));
  relayToConsumer(ctx, r, rctx, std::move(forward));
}

}  // namespace

void registerConsumerControlHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx) {
  registerAdminHandler(d, ctx, req::INVOKE_BROKER_TO_RESET_OFFSET, resetOffset);
  // Waits for each consumer's answer in turn (as Java does): on the admin executor.
  registerAdminHandler(d, ctx, req::INVOKE_BROKER_TO_GET_CONSUMER_STATUS, getConsumerStatus);
  d.registerHandler(req::GET_CONSUMER_RUNNING_INFO, [&ctx](RemotingCommand& r, RequestContext& rc) {
    consumerRunningInfo(ctx, r, rc);
  });
  d.registerHandler(req::CONSUME_MESSAGE_DIRECTLY, [&ctx](RemotingCommand& r, RequestContext& rc) {
    consumeMessageDirectly(ctx, r, rc);
  });
}

}  // namespace rmq::broker
