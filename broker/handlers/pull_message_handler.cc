// PULL_MESSAGE (11) with long polling: shared protocol broker-requests.md 4, semantics.md 9.
// Found messages are sent straight from the mapped CommitLog (BodyChunks, no copy).
#include "broker/filter/tag_message_filter.h"
#include "broker/handlers/handlers.h"
#include "broker/topic/topic_validator.h"
#include "common/json.h"
#include "common/logging.h"
#include "common/protocol/perm_name.h"
#include "common/time_util.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::broker {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

namespace {

constexpr int32_t kFlagCommitOffset = 0x1;
constexpr int32_t kFlagSuspend = 0x2;
constexpr int32_t kFlagSubscription = 0x4;

struct PullHeader {
  std::string consumerGroup, topic, subscription, expressionType;
  int32_t queueId = 0, maxMsgNums = 0, sysFlag = 0;
  int64_t queueOffset = 0, commitOffset = 0, suspendTimeoutMillis = 0, subVersion = 0;
};

bool decodePullHeader(const RemotingCommand& r, PullHeader& h, std::string& error) {
  auto str = [&](const char* k, std::string& out) {
    auto v = r.ext.get(k);
    if (!v) {
      error = std::string("the custom field <") + k + "> is null";
      return false;
    }
    out = std::string(*v);
    return true;
  };
  auto num = [&](const char* k, auto& out) {
    auto v = r.ext.getInt64(k);
    if (!v) {
      error = std::string("the custom field <") + k + "> is null or not a number";
      return false;
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(*v);
    return true;
  };
  if (!str("consumerGroup", h.consumerGroup) || !str("topic", h.topic) ||
      !num("queueId", h.queueId) || !num("queueOffset", h.queueOffset) ||
      !num("maxMsgNums", h.maxMsgNums) || !num("sysFlag", h.sysFlag) ||
      !num("commitOffset", h.commitOffset) ||
      !num("suspendTimeoutMillis", h.suspendTimeoutMillis) || !num("subVersion", h.subVersion)) {
    return false;
  }
  h.subscription = r.ext.getString("subscription");
  h.expressionType = r.ext.getString("expressionType");
  if (h.expressionType.empty()) h.expressionType = "TAG";
  return true;
}

// A master records every PULL_OFFSET_MOVED in OFFSET_MOVED_EVENT (semantics.md 9.4).
void recordOffsetMovedEvent(BrokerContext& ctx, const PullHeader& h, int64_t offsetNew) {
  std::string body;
  json::JsonWriter w(body);
  w.beginObject().member("consumerGroup", h.consumerGroup);
  w.key("messageQueue").beginObject();
  w.member("brokerName", ctx.config.brokerName).member("queueId", h.queueId);
  w.member("topic", h.topic).endObject();
  w.member("offsetNew", offsetNew).member("offsetRequest", h.queueOffset).endObject();
  std::vector<store::Property> props = {{store::property::kTags, h.consumerGroup},
                                        {store::property::kKeys, h.consumerGroup}};
  const std::string propText = store::encodeProperties(props);
  store::MessageToStore m;
  m.topic = topics::kOffsetMovedEvent;
  m.queueId = 0;
  m.body = store::asBytes(body);
  m.properties = propText;
  m.bornTimestamp = nowMillis();
  m.bornHost = ctx.storeHost;
  m.storeHost = ctx.storeHost;
  ctx.store.putMessage(m, false, [](const store::PutMessageResult& r) {
    if (!r.ok()) {
      RMQ_LOG(WARN) << "storing the offset moved event failed: "
                    << store::putMessageStatusName(r.status);
    }
  });
}

RemotingCommand pullResponse(const RemotingCommand& request, int32_t code, std::string remark) {
  RemotingCommand resp = RemotingCommand::createResponse(request, code, std::move(remark));
  resp.hasExtFields = true;
  return resp;
}

// Processes a pull; `allowSuspend` is false when a held request is re-executed. Answers through
// `responder` or parks the request.
void processPull(BrokerContext& ctx, const remoting::ConnectionPtr& conn,
                 std::shared_ptr<RemotingCommand> requestPtr, remoting::Responder responder,
                 bool allowSuspend) {
  const int64_t beginMs = monotonicMillis();  // GROUP_GET_LATENCY, as Java's beginTimeMills
  const RemotingCommand& request = *requestPtr;
  PullHeader h;
  std::string error;
  if (!decodePullHeader(request, h, error)) {
    responder.reply(pullResponse(request, rc::SYSTEM_ERROR, error));
    return;
  }
  if (!ctx.brokerReadable()) {
    responder.reply(
        pullResponse(request, rc::NO_PERMISSION,
                     "the broker[" + ctx.config.brokerIP1 + "] pulling message is forbidden"));
    return;
  }
  auto sg = ctx.groups.findSubscriptionGroupConfig(h.consumerGroup);
  if (!sg) {
    responder.reply(
        pullResponse(request, rc::SUBSCRIPTION_GROUP_NOT_EXIST,
                     "subscription group [" + h.consumerGroup + "] does not exist, " +
                         "See http://rocketmq.apache.org/docs/faq/ for further details."));
    return;
  }
  if (!sg->consumeEnable) {
    responder.reply(pullResponse(request, rc::NO_PERMISSION,
                                 "subscription group no permission, " + h.consumerGroup));
    return;
  }
  auto tc = ctx.topics.select(h.topic);
  if (!tc) {
    RMQ_LOG(WARN) << "the topic " << h.topic << " not exist, consumer: " << conn->remoteAddress();
    responder.reply(
        pullResponse(request, rc::TOPIC_NOT_EXIST,
                     "topic[" + h.topic + "] not exist, apply first please! " +
                         "See http://rocketmq.apache.org/docs/faq/ for further details."));
    return;
  }
  if (!perm::isReadable(tc->perm)) {
    responder.reply(pullResponse(request, rc::NO_PERMISSION,
                                 "the topic[" + h.topic + "] pulling message is forbidden"));
    return;
  }
  if (h.queueId < 0 || h.queueId >= tc->readQueueNums) {
    responder.reply(pullResponse(request, rc::SYSTEM_ERROR,
                                 "queueId[" + std::to_string(h.queueId) + "] is illegal, topic:[" +
                                     h.topic + "] topicConfig.readQueueNums:[" +
                                     std::to_string(tc->readQueueNums) + "] consumer:[" +
                                     conn->remoteAddress() + "]"));
    return;
  }
  std::optional<protocol::SubscriptionData> sub;
  if (h.sysFlag & kFlagSubscription) {
    sub = buildSubscriptionData(h.topic, h.subscription, h.expressionType);
  } else {
    auto group = ctx.consumers.group(h.consumerGroup);
    if (!group) {
      responder.reply(
          pullResponse(request, rc::SUBSCRIPTION_NOT_EXIST, "the consumer's group info not exist"));
      return;
    }
    if (!sg->consumeBroadcastEnable && group->messageModel == "BROADCASTING") {
      responder.reply(pullResponse(
          request, rc::NO_PERMISSION,
          "the consumer group[" + h.consumerGroup + "] can not consume by broadcast way"));
      return;
    }
    auto it = group->subscriptions.find(h.topic);
    if (it == group->subscriptions.end()) {
      responder.reply(pullResponse(request, rc::SUBSCRIPTION_NOT_EXIST,
                                   "the consumer's subscription not exist"));
      return;
    }
    if (it->second.subVersion < h.subVersion) {
      responder.reply(pullResponse(request, rc::SUBSCRIPTION_NOT_LATEST,
                                   "the consumer's subscription not latest"));
      return;
    }
    sub = it->second;
  }
  std::shared_ptr<store::MessageFilter> filter;
  if (sub && !sub->isTagType()) {
    if (!ctx.config.enablePropertyFilter) {
      responder.reply(pullResponse(
          request, rc::SYSTEM_ERROR,
          "The broker does not support consumer to filter message by " + sub->expressionType));
      return;
    }
    std::shared_ptr<const sql92::Sql92Filter> compiled;
    Status cs = sub->expressionType == "SQL92"
                    ? ctx.sql92Filters.get(sub->subString, compiled)
                    : Status::Error("unsupported expression type " + sub->expressionType);
    if (!cs.ok()) {
      responder.reply(pullResponse(request,
                                   (h.sysFlag & kFlagSubscription) ? rc::SUBSCRIPTION_PARSE_FAILED
                                                                   : rc::FILTER_DATA_NOT_EXIST,
                                   "parse the consumer's subscription[" + sub->subString +
                                       "] failed, group: " + h.consumerGroup + ": " +
                                       cs.message()));
      return;
    }
    // Java passes everything on retry topics unless filterSupportRetry.
    const bool matchAll = topics::isRetryTopic(h.topic) && !ctx.config.filterSupportRetry;
    filter = std::make_shared<Sql92MessageFilter>(std::move(compiled), matchAll);
  } else {
    filter = std::make_shared<TagMessageFilter>(sub);
  }
  store::GetMessageResult r =
      ctx.store.getMessage(h.topic, h.queueId, h.queueOffset, h.maxMsgNums, filter.get());
  // Java's store counts every read as found or missed (getFoundTps / getMissTps).
  (r.status == store::GetMessageStatus::FOUND ? ctx.getFoundTimes : ctx.getMissTimes)
      .fetch_add(1, std::memory_order_relaxed);

  using store::GetMessageStatus;
  RemotingCommand resp = pullResponse(request, rc::SUCCESS, store::getMessageStatusName(r.status));
  int64_t suggest = 0;
  if (ctx.config.slaveReadEnable && r.suggestPullingFromSlave) {
    suggest = sg->whichBrokerWhenConsumeSlowly;
  } else if (ctx.config.slaveReadEnable) {
    suggest = sg->brokerId;
  }
  switch (r.status) {
    case GetMessageStatus::FOUND:
      resp.code = rc::SUCCESS;
      break;
    case GetMessageStatus::MESSAGE_WAS_REMOVING:
    case GetMessageStatus::NO_MATCHED_MESSAGE:
      resp.code = rc::PULL_RETRY_IMMEDIATELY;
      break;
    case GetMessageStatus::NO_MATCHED_LOGIC_QUEUE:
    case GetMessageStatus::NO_MESSAGE_IN_QUEUE:
      resp.code = h.queueOffset != 0 ? rc::PULL_OFFSET_MOVED : rc::PULL_NOT_FOUND;
      break;
    case GetMessageStatus::OFFSET_FOUND_NULL:
    case GetMessageStatus::OFFSET_OVERFLOW_ONE:
      resp.code = rc::PULL_NOT_FOUND;
      break;
    case GetMessageStatus::OFFSET_OVERFLOW_BADLY:
    case GetMessageStatus::OFFSET_TOO_SMALL:
      resp.code = rc::PULL_OFFSET_MOVED;
      break;
  }
  if (ctx.isSlave() && !ctx.conf.store.offsetCheckInSlave && resp.code == rc::PULL_OFFSET_MOVED) {
    resp.code = rc::PULL_RETRY_IMMEDIATELY;
    suggest = sg->brokerId;
  }
  resp.addExtInt("suggestWhichBrokerId", suggest);
  resp.addExtInt("nextBeginOffset", r.nextBeginOffset);
  resp.addExtInt("minOffset", r.minOffset);
  resp.addExtInt("maxOffset", r.maxOffset);

  const bool storeOffset = allowSuspend && (h.sysFlag & kFlagCommitOffset) && !ctx.isSlave();
  if (storeOffset) ctx.offsets.commitOffset(h.consumerGroup, h.topic, h.queueId, h.commitOffset);

  if (resp.code == rc::PULL_OFFSET_MOVED && !ctx.isSlave()) {
    RMQ_LOG(WARN) << "PULL_OFFSET_MOVED: group " << h.consumerGroup << " topic " << h.topic
                  << " queue " << h.queueId << " requested " << h.queueOffset << " new "
                  << r.nextBeginOffset;
    recordOffsetMovedEvent(ctx, h, r.nextBeginOffset);
  }
  if (resp.code == rc::SUCCESS) {
    const auto count = static_cast<int32_t>(r.messages.size());
    ctx.msgGetTotal.fetch_add(count, std::memory_order_relaxed);
    // Java records the latency only when it copies the messages (transferMsgByHeap).
    ctx.brokerStatsManager.onGet(h.consumerGroup, h.topic, h.queueId, count, r.bufferTotalSize,
                                 ctx.config.transferMsgByHeap ? monotonicMillis() - beginMs : -1);
    for (auto& m : r.messages) {
      resp.addChunk(remoting::BodyChunk{m.data, static_cast<size_t>(m.size), m.file});
    }
    responder.reply(std::move(resp));
    return;
  }
  if (resp.code == rc::PULL_NOT_FOUND && allowSuspend && (h.sysFlag & kFlagSuspend)) {
    HeldPullRequest held;
    held.request = requestPtr;
    held.responder = responder;
    held.connection = conn;
    held.filter = filter;
    held.pullFromThisOffset = h.queueOffset;
    held.suspendTimestamp = monotonicMillis();
    held.timeoutMillis =
        ctx.config.longPollingEnable ? h.suspendTimeoutMillis : ctx.config.shortPollingTimeMills;
    ctx.holds.suspend(h.topic, h.queueId, std::move(held));
    // A message may have arrived between the read and the suspension: look once more.
    const int64_t maxNow = ctx.store.maxOffsetInQueue(h.topic, h.queueId);
    if (maxNow > h.queueOffset) {
      ctx.holds.notifyMessageArriving(h.topic, h.queueId, maxNow, std::nullopt, {});
    }
    return;
  }
  responder.reply(std::move(resp));
}

}  // namespace

void reexecuteHeldPull(BrokerContext& ctx, HeldPullRequest&& held) {
  auto conn = held.connection.lock();
  if (!conn || !conn->isOpen()) return;  // the consumer is gone; nothing to answer
  auto request = held.request;
  // Java answers a held pull from PullRequestHoldService with a response it writes itself, in
  // its default serialization (JSON), whatever the request's was.
  auto responder = held.responder.answeringIn(remoting::SerializeType::JSON);
  bool queued = ctx.pullExecutor.submit(
      [&ctx, conn, request, responder] { processPull(ctx, conn, request, responder, false); });
  if (!queued)
    RMQ_LOG(WARN) << "pull executor full, dropping a held pull of " << conn->remoteAddress();
}

void registerPullHandler(remoting::RequestDispatcher& d, BrokerContext& ctx) {
  d.registerHandler(req::PULL_MESSAGE, [&ctx](RemotingCommand& request, RequestContext& rctx) {
    auto copy = std::make_shared<RemotingCommand>(request);
    copy->ownBody();
    processPull(ctx, rctx.connection(), copy, rctx.defer(), true);
  });
}

}  // namespace rmq::broker
