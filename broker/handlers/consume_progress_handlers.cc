// How far groups have consumed, for admin tools (DefaultMQAdminExt): QUERY_CONSUME_TIME_SPAN
// (303) and QUERY_CORRECTION_OFFSET (308); shared protocol broker-requests.md 9.4.
#include <ctime>
#include <limits>
#include <map>
#include <sstream>

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

// Java's UtilAll.formatDate(date, "yyyy-MM-dd#HH:mm:ss:SSS") in the broker's time zone.
std::string formatJavaDate(int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  const int64_t millis = ms - static_cast<int64_t>(secs) * 1000;
  std::tm local{};
  localtime_r(&secs, &local);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d#%02d:%02d:%02d:%03d", local.tm_year + 1900,
                local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec,
                static_cast<int>(millis));
  return buf;
}

// Per write queue: the store times of the first and last message and of the last consumed
// one, and how long the next unconsumed message has waited (Java's QueueTimeSpan).
void queryConsumeTimeSpan(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  auto topic = requiredField(r, rctx, "topic");
  if (!topic) return;
  auto group = requiredField(r, rctx, "group");
  if (!group) return;
  auto tc = ctx.topics.select(std::string(*topic));
  if (!tc) {
    rctx.reply(RemotingCommand::createResponse(r, rc::TOPIC_NOT_EXIST,
                                               "topic[" + std::string(*topic) + "] not exist"));
    return;
  }
  auto& store = ctx.store;
  std::string body;
  json::JsonWriter w(body);
  w.beginObject().key("consumeTimeSpanSet").beginArray();
  for (int32_t q = 0; q < tc->writeQueueNums; ++q) {
    const int64_t minTime = store.earliestMessageTime(*topic, q);
    const int64_t maxOffset = store.maxOffsetInQueue(*topic, q);
    const int64_t maxTime = store.messageStoreTimestamp(*topic, q, maxOffset - 1);
    const int64_t consumerOffset = ctx.offsets.queryOffset(*group, *topic, q);
    const int64_t consumeTime =
        consumerOffset > 0 ? store.messageStoreTimestamp(*topic, q, consumerOffset - 1) : minTime;
    int64_t delayTime = 0;
    if (consumerOffset < maxOffset) {
      delayTime = nowMillis() - store.messageStoreTimestamp(*topic, q, consumerOffset);
    }
    // fastjson: the bean's getters in name order (the *Str ones are formatted dates).
    w.beginObject()
        .member("consumeTimeStamp", consumeTime)
        .member("consumeTimeStampStr", formatJavaDate(consumeTime))
        .member("delayTime", delayTime)
        .member("maxTimeStamp", maxTime)
        .member("maxTimeStampStr", formatJavaDate(maxTime));
    w.key("messageQueue").beginObject();
    w.member("brokerName", ctx.config.brokerName).member("queueId", q);
    w.member("topic", std::string(*topic)).endObject();
    w.member("minTimeStamp", minTime).member("minTimeStampStr", formatJavaDate(minTime));
    w.endObject();
  }
  w.endArray().endObject();
  rctx.reply(responseWithBody(r, std::move(body)));
}

// Per queue: the smallest committed offset over the topic's groups (except `filterGroups`)
// that is still in the queue; Long.MAX_VALUE where `compareGroup` has not got that far.
// Java removes the filtered groups' offsets from its table while computing this (it edits the
// key set view); this broker leaves them in place.
void queryCorrectionOffset(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  auto topic = requiredField(r, rctx, "topic");
  if (!topic) return;
  auto compareGroup = requiredField(r, rctx, "compareGroup");
  if (!compareGroup) return;
  std::set<std::string> filtered;
  if (auto f = r.ext.get("filterGroups")) {
    std::stringstream in{std::string(*f)};
    for (std::string g; std::getline(in, g, ',');) filtered.insert(g);
  }
  std::map<int32_t, int64_t> correction;
  for (const auto& group : ctx.offsets.groupsOfTopic(*topic)) {
    if (filtered.contains(group)) continue;
    for (const auto& [queueId, offset] : ctx.offsets.queryOffsets(group, *topic)) {
      if (offset < ctx.store.minOffsetInQueue(*topic, queueId)) continue;
      auto it = correction.find(queueId);
      if (it == correction.end()) {
        correction.emplace(queueId, offset);
      } else {
        it->second = std::min(it->second, offset);
      }
    }
  }
  for (const auto& [queueId, offset] : ctx.offsets.queryOffsets(*compareGroup, *topic)) {
    auto it = correction.find(queueId);
    if (it != correction.end() && it->second > offset) {
      it->second = std::numeric_limits<int64_t>::max();
    }
  }
  // fastjson writes the Map<Integer, Long> with bare integer keys.
  std::string body = "{\"correctionOffsets\":{";
  bool first = true;
  for (const auto& [queueId, offset] : correction) {
    if (!first) body.push_back(',');
    first = false;
    body += std::to_string(queueId) + ":" + std::to_string(offset);
  }
  body += "}}";
  rctx.reply(responseWithBody(r, std::move(body)));
}

}  // namespace

void registerConsumeProgressHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx) {
  registerAdminHandler(d, ctx, req::QUERY_CONSUME_TIME_SPAN, queryConsumeTimeSpan);
  registerAdminHandler(d, ctx, req::QUERY_CORRECTION_OFFSET, queryCorrectionOffset);
}

}  // namespace rmq::broker
