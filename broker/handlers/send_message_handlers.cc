// SEND_MESSAGE (10), SEND_MESSAGE_V2 (310), SEND_BATCH_MESSAGE (320) and CONSUMER_SEND_MSG_BACK
// (36): shared protocol broker-requests.md 2.1 and 2.3, semantics.md 4-8.
#include <random>
#include <span>

#include "broker/handlers/handlers.h"
#include "broker/handlers/send_common.h"
#include "broker/properties_editor.h"
#include "broker/topic/topic_validator.h"
#include "common/logging.h"
#include "common/mq_version.h"
#include "common/properties.h"
#include "common/protocol/perm_name.h"
#include "common/time_util.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "store/batch_body.h"
#include "store/byte_io.h"
#include "store/message_id.h"
#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::broker {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;
namespace prop = store::property;

namespace {

constexpr const char* kFaqSuffix =
    "\nSee http://rocketmq.apache.org/docs/faq/ for further details.";

int32_t randomInt(int32_t bound) {
  thread_local std::mt19937 rng{std::random_device{}()};
  if (bound <= 0) return 0;
  return static_cast<int32_t>(rng() % static_cast<uint32_t>(bound));
}

// Maps a store result onto the response (broker-requests.md 2.1 table).
void fillPutResult(RemotingCommand& resp, const store::PutMessageResult& r) {
  using store::PutMessageStatus;
  switch (r.status) {
    case PutMessageStatus::PUT_OK:
      resp.code = rc::SUCCESS;
      break;
    case PutMessageStatus::FLUSH_DISK_TIMEOUT:
      resp.code = rc::FLUSH_DISK_TIMEOUT;
      break;
    case PutMessageStatus::FLUSH_SLAVE_TIMEOUT:
      resp.code = rc::FLUSH_SLAVE_TIMEOUT;
      break;
    case PutMessageStatus::SLAVE_NOT_AVAILABLE:
      resp.code = rc::SLAVE_NOT_AVAILABLE;
      break;
    case PutMessageStatus::CREATE_MAPPED_FILE_FAILED:
      resp.code = rc::SYSTEM_ERROR;
      resp.remark = "create mapped file failed, server is busy or broken.";
      break;
    case PutMessageStatus::MESSAGE_ILLEGAL:
    case PutMessageStatus::PROPERTIES_SIZE_EXCEEDED:
      resp.code = rc::MESSAGE_ILLEGAL;
      resp.remark =
          "the message is illegal, maybe msg body or properties length not matched. msg body "
          "length limit 128k, msg properties length limit 32k.";
      break;
    case PutMessageStatus::SERVICE_NOT_AVAILABLE:
      resp.code = rc::SERVICE_NOT_AVAILABLE;
      resp.remark =
          "service not available now. It may be caused by one of the following reasons: the "
          "broker's disk is full, messages are put to the slave, message store has been shut "
          "down, etc.";
      break;
    case PutMessageStatus::OS_PAGECACHE_BUSY:
      resp.code = rc::SYSTEM_ERROR;
      resp.remark = "[PC_SYNCHRONIZED]broker busy, start flow control for a while";
      break;
    default:
      resp.code = rc::SYSTEM_ERROR;
      resp.remark = "UNKNOWN_ERROR";
  }
}

// Retry topics: the group must exist; past its max reconsume times the message goes to the DLQ.
// Returns false when it answered an error.
bool handleRetryAndDlq(BrokerContext& ctx, const RemotingCommand& request, const SendHeader& h,
                       std::string& topic, int32_t& queueId, PropertiesEditor& props,
                       RequestContext& rctx) {
  if (!topics::isRetryTopic(topic)) return true;
  std::string group = topic.substr(topics::kRetryGroupTopicPrefix.size());
  auto sg = ctx.groups.findSubscriptionGroupConfig(group);
  if (!sg) {
    rctx.reply(sendResponse(ctx, request, rc::SUBSCRIPTION_GROUP_NOT_EXIST,
                            "subscription group not exist, " + group + kFaqSuffix));
    return false;
  }
  int32_t maxReconsumeTimes = sg->retryMaxTimes;
  if (request.version >= mqversion::V3_4_9 && h.maxReconsumeTimes) {
    maxReconsumeTimes = *h.maxReconsumeTimes;
  }
  if (h.reconsumeTimes >= maxReconsumeTimes) {
    std::string dlq = topics::dlqTopic(group);
    auto tc = ctx.topics.createTopicInSendMessageBackMethod(dlq, 1, perm::READ | perm::WRITE, 0);
    if (!tc) {
      rctx.reply(sendResponse(ctx, request, rc::SYSTEM_ERROR, "topic[" + dlq + "] not exist"));
      return false;
    }
    topic = dlq;
    queueId = 0;
    props.set(prop::kDelayTimeLevel, "0");
  }
  return true;
}

// Delayed messages are parked in SCHEDULE_TOPIC_XXXX, queue level-1 (semantics.md 6.1).
// Returns whether the message was redirected.
bool applyDelayLevel(const BrokerContext& ctx, std::string& topic, int32_t& queueId,
                     PropertiesEditor& props, int32_t sysFlag) {
  const int32_t tx = sysFlag & store::sysflag::kTransactionMask;
  if (tx != store::sysflag::kTransactionNot && tx != store::sysflag::kTransactionCommit) {
    return false;
  }
  auto level = parseJavaInt(props.get(prop::kDelayTimeLevel));
  if (!level || *level <= 0) return false;
  const int32_t maxLevel = ctx.store.delayLevels().maxLevel();
  if (*level > maxLevel) {
    *level = maxLevel;
    props.set(prop::kDelayTimeLevel, std::to_string(maxLevel));
  }
  props.set(prop::kRealTopic, topic);
  props.set(prop::kRealQueueId, std::to_string(queueId));
  topic = std::string(topics::kScheduleTopic);
  queueId = *level - 1;
  return true;
}

// `stats`: the counters of the stored topic, resolved before the put (no lookup on completion).
// `recordOffsets`: each record's offset from the first (one 0 for a single message).
// The answer is built in a command object kept per thread (the I/O thread in ASYNC_FLUSH, the
// group-commit thread in SYNC_FLUSH), so a send costs no allocation once the thread is warm.
void replyStored(BrokerContext& ctx, const remoting::Responder& responder, int32_t queueId,
                 std::span<const int64_t> recordOffsets,
                 const BrokerStatsManager::TopicPutItems& stats, const store::PutMessageResult& r) {
  thread_local RemotingCommand resp;
  thread_local std::string ids;
  resp.reset();
  resp.version = mqversion::CURRENT;
  resp.flag = remoting::kFlagResponse;
  addSendResponseFields(ctx, resp);
  fillPutResult(resp, r);
  if (r.ok()) {
    ctx.msgPutTotal.fetch_add(r.msgNum, std::memory_order_relaxed);
    ctx.brokerStatsManager.onPut(stats, r.msgNum, r.wroteBytes);
    ids.clear();
    char buf[64];
    for (size_t i = 0; i < recordOffsets.size(); ++i) {
      if (i) ids.push_back(',');
      size_t n = store::writeOffsetMsgId(ctx.storeHost, r.wroteOffset + recordOffsets[i], buf);
      ids.append(buf, n);
    }
    resp.addExt("msgId", ids);
    resp.addExtInt("queueId", queueId);
    resp.addExtInt("queueOffset", r.logicsOffset);
  }
  responder.replyWith(resp);
}

// Per-thread buffers of the send handler (it never runs twice at once on one thread).
struct SendScratch {
  std::string topic;
  std::string properties;
};

void sendMessage(BrokerContext& ctx, RemotingCommand& request, RequestContext& rctx) {
  SendHeader h;
  std::string error;
  if (!decodeSendHeader(request, h, error)) {
    rctx.reply(sendResponse(ctx, request, rc::SYSTEM_ERROR, error));
    return;
  }
  if (ctx.config.startAcceptSendRequestTimeStamp > 0 &&
      ctx.config.startAcceptSendRequestTimeStamp > nowMillis()) {
    rctx.reply(sendResponse(ctx, request, rc::SYSTEM_ERROR,
                            "broker unable to service, until " +
                                std::to_string(ctx.config.startAcceptSendRequestTimeStamp)));
    return;
  }
  auto tc = checkTopic(ctx, request, h, rctx);
  if (!tc) return;
  int32_t queueId = h.queueId < 0 ? randomInt(tc->writeQueueNums) : h.queueId;
  const int32_t replyQueueId = queueId;
  thread_local SendScratch scratch;
  std::string& topic = scratch.topic;
  topic.assign(h.topic);
  PropertiesEditor props(h.properties);
  if (!handleRetryAndDlq(ctx, request, h, topic, queueId, props, rctx)) return;

  int32_t sysFlag = h.sysFlag;
  if (tc->topicFilterType == "MULTI_TAG") sysFlag |= store::sysflag::kMultiTags;
  props.set("CLUSTER", ctx.config.brokerClusterName);
  const bool isBatch = request.code == req::SEND_BATCH_MESSAGE && h.batch;
  const auto waitProp = props.get(prop::kWaitStoreMsgOk);
  const bool wait = waitProp.empty() || parseJavaBoolean(waitProp);

  if (!isBatch) {
    // Java drops WAIT from the stored properties string, but the CommitLog rebuilds that string
    // from the property map for delayed and half messages, which brings WAIT back.
    bool rebuilt = false;
    if (parseJavaBoolean(props.get(prop::kTransactionPrepared))) {
      if (ctx.config.rejectTransactionMessage) {
        rctx.reply(sendResponse(
            ctx, request, rc::NO_PERMISSION,
            "the broker[" + ctx.config.brokerIP1 + "] sending transaction message is forbidden"));
        return;
      }
      props.set(prop::kRealTopic, topic);
      props.set(prop::kRealQueueId, std::to_string(queueId));
      sysFlag = (sysFlag & ~store::sysflag::kTransactionMask) | store::sysflag::kTransactionNot;
      topic = std::string(topics::kTransHalfTopic);
      queueId = 0;
      rebuilt = true;
    } else {
      rebuilt = applyDelayLevel(ctx, topic, queueId, props, sysFlag);
    }
    if (!rebuilt) props.remove(prop::kWaitStoreMsgOk);
  }

  store::MessageToStore m;
  std::string& propText = scratch.properties;
  propText.clear();
  props.appendTo(propText);
  m.topic = topic;
  m.queueId = queueId;
  m.flag = h.flag;
  m.sysFlag = sysFlag;
  m.bornTimestamp = h.bornTimestamp;
  m.bornHost = bornHostOf(rctx.connection());
  m.storeHost = ctx.storeHost;
  m.reconsumeTimes = h.reconsumeTimes;

  // Java counts the topic the message is stored under (retry/DLQ, delay or half topic).
  const auto stats = ctx.brokerStatsManager.resolveTopicPut(topic);
  if (!isBatch) {
    m.body = store::asBytes(request.body());
    m.properties = propText;
    auto answer = [&ctx, responder = rctx.defer(), replyQueueId,
                   stats](const store::PutMessageResult& r) {
      static constexpr int64_t kSingle[1] = {0};
      replyStored(ctx, responder, replyQueueId, kSingle, stats, r);
    };
    static_assert(store::PutCallback::fitsInline<decltype(answer)>(),
                  "the send answer must not allocate");
    ctx.store.putMessage(m, wait, std::move(answer));
    return;
  }
  // Batch: every entry becomes one record; delays and transactions are not allowed.
  const int32_t tx = sysFlag & store::sysflag::kTransactionMask;
  auto level = parseJavaInt(props.get(prop::kDelayTimeLevel));
  if (tx != store::sysflag::kTransactionNot || (level && *level > 0)) {
    rctx.reply(sendResponse(ctx, request, rc::MESSAGE_ILLEGAL,
                            "batch messages cannot be delayed or transactional"));
    return;
  }
  std::vector<store::BatchEntry> entries;
  Status s = store::decodeBatchBody(store::asBytes(request.body()), entries);
  if (!s.ok()) {
    rctx.reply(sendResponse(ctx, request, rc::MESSAGE_ILLEGAL, "bad batch body: " + s.message()));
    return;
  }
  std::vector<store::MessageToStore> batch;
  std::vector<int64_t> offsets;
  batch.reserve(entries.size());
  offsets.reserve(entries.size());
  int64_t at = 0;
  for (const auto& e : entries) {
    store::MessageToStore one = m;
    one.flag = e.flag;
    one.body = e.body;
    one.properties = e.properties;
    one.batchProperties = propText;
    offsets.push_back(at);
    at += static_cast<int64_t>(store::recordLength(one));
    batch.push_back(one);
  }
  ctx.store.putMessages(batch, wait,
                        [&ctx, responder = rctx.defer(), replyQueueId, offsets = std::move(offsets),
                         stats](const store::PutMessageResult& r) {
                          replyStored(ctx, responder, replyQueueId, offsets, stats, r);
                        });
}

// CONSUMER_SEND_MSG_BACK (36): semantics.md 7.
void consumerSendMsgBack(BrokerContext& ctx, RemotingCommand& request, RequestContext& rctx) {
  auto offset = requiredLong(request, rctx, "offset");
  if (!offset) return;
  auto groupField = requiredField(request, rctx, "group");
  if (!groupField) return;
  const std::string group(*groupField);
  const int32_t delayLevelHeader = request.ext.getInt32("delayLevel").value_or(0);
  auto sg = ctx.groups.findSubscriptionGroupConfig(group);
  if (!sg) {
    rctx.reply(
        RemotingCommand::createResponse(request, rc::SUBSCRIPTION_GROUP_NOT_EXIST,
                                        "subscription group not exist, " + group + kFaqSuffix));
    return;
  }
  if (!ctx.brokerWritable()) {
    rctx.reply(RemotingCommand::createResponse(
        request, rc::NO_PERMISSION,
        "the broker[" + ctx.config.brokerIP1 + "] sending message is forbidden"));
    return;
  }
  if (sg->retryQueueNums <= 0) {
    rctx.reply(RemotingCommand::createResponse(request, rc::SUCCESS));
    return;
  }
  std::string newTopic = topics::retryTopic(group);
  int32_t queueId = randomInt(sg->retryQueueNums);
  const int32_t topicSysFlag = parseJavaBoolean(request.ext.getString("unitMode")) ? 2 : 0;
  auto tc = ctx.topics.createTopicInSendMessageBackMethod(newTopic, sg->retryQueueNums,
                                                          perm::READ | perm::WRITE, topicSysFlag);
  if (!tc) {
    rctx.reply(RemotingCommand::createResponse(request, rc::SYSTEM_ERROR,
                                               "topic[" + newTopic + "] not exist"));
    return;
  }
  if (!perm::isWriteable(tc->perm)) {
    rctx.reply(RemotingCommand::createResponse(
        request, rc::NO_PERMISSION, "the topic[" + newTopic + "] sending message is forbidden"));
    return;
  }
  store::MappedRegion region = ctx.store.lookMessageByOffset(*offset);
  store::DecodedRecord rec;
  if (!region.valid() ||
      !store::decodeRecord(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(region.data),
                                                    static_cast<size_t>(region.size)),
                           rec, store::DecodeOptions{false, true})
           .ok() ||
      rec.kind != store::RecordKind::kMessage) {
    rctx.reply(RemotingCommand::createResponse(
        request, rc::SYSTEM_ERROR, "look message by offset failed, " + std::to_string(*offset)));
    return;
  }
  PropertiesEditor props(rec.properties);
  if (!props.has(prop::kRetryTopic)) props.set(prop::kRetryTopic, rec.topic);
  props.set(prop::kWaitStoreMsgOk, "false");
  int32_t maxReconsumeTimes = sg->retryMaxTimes;
  if (request.version >= mqversion::V3_4_9) {
    if (auto m = request.ext.getInt32("maxReconsumeTimes")) maxReconsumeTimes = *m;
  }
  int32_t delayLevel = delayLevelHeader;
  if (rec.reconsumeTimes >= maxReconsumeTimes || delayLevel < 0) {
    newTopic = topics::dlqTopic(group);
    queueId = 0;
    auto dlq =
        ctx.topics.createTopicInSendMessageBackMethod(newTopic, 1, perm::READ | perm::WRITE, 0);
    if (!dlq) {
      rctx.reply(RemotingCommand::createResponse(request, rc::SYSTEM_ERROR,
                                                 "topic[" + newTopic + "] not exist"));
      return;
    }
    props.set(prop::kDelayTimeLevel, "0");
  } else {
    if (delayLevel == 0) delayLevel = 3 + rec.reconsumeTimes;
    props.set(prop::kDelayTimeLevel, std::to_string(delayLevel));
  }
  if (!props.has(prop::kOriginMessageId)) {
    char buf[64];
    size_t n = store::writeOffsetMsgId(rec.storeHost, *offset, buf);
    props.set(prop::kOriginMessageId, std::string_view(buf, n));
  }
  std::string topic = newTopic;
  applyDelayLevel(ctx, topic, queueId, props, rec.sysFlag);
  const std::string propText = props.str();
  store::MessageToStore m;
  m.topic = topic;
  m.queueId = queueId;
  m.flag = rec.flag;
  m.sysFlag = rec.sysFlag;
  m.body = rec.body;
  m.properties = propText;
  m.bornTimestamp = rec.bornTimestamp;
  m.bornHost = rec.bornHost;
  m.storeHost = ctx.storeHost;
  m.reconsumeTimes = rec.reconsumeTimes + 1;
  remoting::Responder responder = rctx.defer();
  RemotingCommand resp = RemotingCommand::createResponse(request, rc::SUCCESS);
  // Java counts SNDBCK_PUT_NUMS under the message's original topic, and TOPIC_PUT_* only when
  // the retry goes through the delay topic.
  std::string backTopic(props.get(prop::kRetryTopic));
  std::optional<BrokerStatsManager::TopicPutItems> scheduleStats;
  if (topic == topics::kScheduleTopic)
    scheduleStats = ctx.brokerStatsManager.resolveTopicPut(topic);
  ctx.store.putMessage(m, false,
                       [&ctx, responder, resp, group, backTopic = std::move(backTopic),
                        scheduleStats](const store::PutMessageResult& r) mutable {
                         if (r.status != store::PutMessageStatus::PUT_OK) {
                           resp.code = rc::SYSTEM_ERROR;
                           resp.remark = store::putMessageStatusName(r.status);
                         } else {
                           ctx.msgPutTotal.fetch_add(r.msgNum, std::memory_order_relaxed);
                           if (scheduleStats) {
                             scheduleStats->nums->add(1, 1);
                             scheduleStats->size->add(r.wroteBytes, 1);
                           }
                           ctx.brokerStatsManager.incSendBackNums(group, backTopic);
                         }
                         responder.reply(std::move(resp));
                       });
}

}  // namespace

void registerSendHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx) {
  auto send = [&ctx](RemotingCommand& r, RequestContext& rc) { sendMessage(ctx, r, rc); };
  d.registerHandler(req::SEND_MESSAGE, send);
  d.registerHandler(req::SEND_MESSAGE_V2, send);
  d.registerHandler(req::SEND_BATCH_MESSAGE, send);
  d.registerHandler(req::CONSUMER_SEND_MSG_BACK, [&ctx](RemotingCommand& r, RequestContext& rc) {
    consumerSendMsgBack(ctx, r, rc);
  });
}

}  // namespace rmq::broker
