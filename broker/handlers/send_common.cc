#include "broker/handlers/send_common.h"

#include "broker/topic/topic_validator.h"
#include "common/properties.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace rmq::broker {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

bool decodeSendHeader(const RemotingCommand& r, SendHeader& h, std::string& error) {
  const bool v2 = r.code == req::SEND_MESSAGE_V2 || r.code == req::SEND_BATCH_MESSAGE ||
                  r.code == req::SEND_REPLY_MESSAGE_V2;
  auto field = [&](const char* v1name, const char* v2name) {
    return r.ext.get(v2 ? v2name : v1name);
  };
  auto text = [&](const char* v1name, const char* v2name, std::string_view& out) {
    auto v = field(v1name, v2name);
    if (!v) {
      error = std::string("the custom field <") + v1name + "> is null";
      return false;
    }
    out = *v;
    return true;
  };
  auto number = [&](const char* v1name, const char* v2name, auto& out, bool required) {
    auto v = field(v1name, v2name);
    if (!v) {
      if (required) error = std::string("the custom field <") + v1name + "> is null";
      return !required;
    }
    auto n = parseJavaLong(*v);
    if (!n) {
      error = std::string("the custom field <") + v1name + "> is not a number";
      return false;
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(*n);
    return true;
  };
  if (!text("producerGroup", "a", h.producerGroup) || !text("topic", "b", h.topic) ||
      !text("defaultTopic", "c", h.defaultTopic) ||
      !number("defaultTopicQueueNums", "d", h.defaultTopicQueueNums, true) ||
      !number("queueId", "e", h.queueId, true) || !number("sysFlag", "f", h.sysFlag, true) ||
      !number("bornTimestamp", "g", h.bornTimestamp, true) || !number("flag", "h", h.flag, true) ||
      !number("reconsumeTimes", "j", h.reconsumeTimes, false)) {
    return false;
  }
  h.properties = field("properties", "i").value_or(std::string_view());
  h.unitMode = parseJavaBoolean(field("unitMode", "k").value_or("false"));
  h.batch = parseJavaBoolean(field("batch", "m").value_or("false"));
  if (auto m = field("maxReconsumeTimes", "l")) {
    if (auto n = parseJavaInt(*m)) h.maxReconsumeTimes = *n;
  }
  return true;
}

RemotingCommand sendResponse(const BrokerContext& ctx, const RemotingCommand& request, int32_t code,
                             std::optional<std::string> remark) {
  RemotingCommand resp = RemotingCommand::createResponse(request, code, std::move(remark));
  addSendResponseFields(ctx, resp);
  return resp;
}

void addSendResponseFields(const BrokerContext& ctx, RemotingCommand& resp) {
  resp.addExt("MSG_REGION", ctx.config.regionId);
  resp.addExt("TRACE_ON", ctx.config.traceOn ? "true" : "false");
}

store::HostAddress bornHostOf(const remoting::ConnectionPtr& conn) {
  // Sends of one connection arrive on one I/O thread in a row: parse its address once.
  // Connection ids are never reused, so a cached entry cannot belong to another connection.
  struct Cached {
    uint64_t connectionId = 0;
    store::HostAddress host;
  };
  thread_local Cached cached;
  if (cached.connectionId != conn->id() || conn->id() == 0) {
    auto h = store::parseHostAddress(conn->remoteAddress());
    cached.host = h ? *h : store::HostAddress::ipv4(127, 0, 0, 1, 0);
    cached.connectionId = conn->id();
  }
  return cached.host;
}

// msgCheck of AbstractSendMessageProcessor: topic name, forbidden topics, existence /
// auto-creation, queue id. Returns the topic config or answers the error itself.
std::optional<TopicConfig> checkTopic(BrokerContext& ctx, const RemotingCommand& request,
                                      const SendHeader& h, RequestContext& rctx) {
  if (!ctx.brokerWritable() && ctx.topics.isOrderTopic(h.topic)) {
    rctx.reply(
        sendResponse(ctx, request, rc::NO_PERMISSION,
                     "the broker[" + ctx.config.brokerIP1 + "] sending message is forbidden"));
    return std::nullopt;
  }
  std::string bad = topics::checkTopicName(h.topic);
  if (!bad.empty()) {
    rctx.reply(sendResponse(ctx, request, rc::SYSTEM_ERROR, bad));
    return std::nullopt;
  }
  if (topics::isNotAllowedSendTopic(h.topic)) {
    rctx.reply(
        sendResponse(ctx, request, rc::NO_PERMISSION,
                     "Sending message to topic[" + std::string(h.topic) + "] is forbidden."));
    return std::nullopt;
  }
  auto tc = ctx.topics.select(h.topic);
  if (!tc) {
    const int32_t topicSysFlag = h.unitMode ? (topics::isRetryTopic(h.topic) ? 2 : 1) : 0;
    tc = ctx.topics.createTopicInSendMessageMethod(h.topic, h.defaultTopic, h.defaultTopicQueueNums,
                                                   topicSysFlag);
    if (!tc && topics::isRetryTopic(h.topic)) {
      tc = ctx.topics.createTopicInSendMessageBackMethod(h.topic, 1, perm::READ | perm::WRITE,
                                                         topicSysFlag);
    }
    if (!tc) {
      rctx.reply(sendResponse(
          ctx, request, rc::TOPIC_NOT_EXIST,
          "topic[" + std::string(h.topic) + "] not exist, apply first please!" + kFaqSuffix));
      return std::nullopt;
    }
  }
  const int32_t idValid = std::max(tc->writeQueueNums, tc->readQueueNums);
  if (h.queueId >= idValid) {
    rctx.reply(sendResponse(ctx, request, rc::SYSTEM_ERROR,
                            "request queueId[" + std::to_string(h.queueId) + "] is illegal, " +
                                tc->topicName +
                                " Producer: " + rctx.connection()->remoteAddress()));
    return std::nullopt;
  }
  return tc;
}

}  // namespace rmq::broker
