#include "broker/transaction/transactional_message_service.h"

#include <pthread.h>

#include <future>
#include <map>
#include <set>

#include "broker/properties_editor.h"
#include "broker/topic/topic_validator.h"
#include "common/logging.h"
#include "common/properties.h"
#include "common/protocol/perm_name.h"
#include "common/time_util.h"
#include "remoting/request_code.h"
#include "store/message_id.h"
#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::broker {

namespace prop = store::property;

namespace {

constexpr int32_t kHalfQueueId = 0;
constexpr std::string_view kRemoveTag = "d";

store::PutMessageResult putAndWait(store::MessageStore& store, const store::MessageToStore& m) {
  std::promise<store::PutMessageResult> done;
  store.putMessage(m, false, [&done](const store::PutMessageResult& r) { done.set_value(r); });
  return done.get_future().get();
}

// Java's bridge counts what the check reads as gets of CID_RMQ_SYS_TRANS (statsAll shows them).
bool readOne(BrokerContext& ctx, std::string_view topic, int32_t queueId, int64_t offset,
             store::MappedRegion& region, store::DecodedRecord& rec) {
  auto r = ctx.store.getMessage(topic, queueId, offset, 1, nullptr);
  if (r.status != store::GetMessageStatus::FOUND || r.messages.empty()) return false;
  region = r.messages.front();
  ctx.brokerStatsManager.onGet(topics::kTransCheckGroup, topic, queueId, 1, region.size, -1);
  return store::decodeRecord(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(region.data),
                                                      static_cast<size_t>(region.size)),
                             rec, store::DecodeOptions{false, true})
             .ok() &&
         rec.kind == store::RecordKind::kMessage;
}

}  // namespace

TransactionalMessageService::TransactionalMessageService(BrokerContext& ctx) : ctx_(ctx) {}

TransactionalMessageService::~TransactionalMessageService() {
  shutdown();
}

void TransactionalMessageService::start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "TransactionChk");
    run();
  });
}

void TransactionalMessageService::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void TransactionalMessageService::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(ctx_.config.transactionCheckInterval),
                 [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    try {
      check();
    } catch (const std::exception& e) {
      RMQ_LOG(ERROR) << "transaction check failed: " << e.what();
    }
    lock.lock();
  }
}

bool TransactionalMessageService::lookHalfMessage(int64_t commitLogOffset,
                                                  store::MappedRegion& region,
                                                  store::DecodedRecord& out) {
  region = ctx_.store.lookMessageByOffset(commitLogOffset);
  if (!region.valid()) return false;
  return store::decodeRecord(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(region.data),
                                                      static_cast<size_t>(region.size)),
                             out, store::DecodeOptions{false, true})
             .ok() &&
         out.kind == store::RecordKind::kMessage;
}

store::PutMessageStatus TransactionalMessageService::writeOpRecord(int64_t halfQueueOffset) {
  const std::string body = std::to_string(halfQueueOffset);
  // Java stores the properties string it built from the new Message (WAIT=true and TAGS, in its
  // HashMap's order) before it sets WAIT=false and a UNIQ_KEY on the map only
  // (TransactionalMessageBridge.makeOpMessageInner): the record has neither, and its length
  // decides every later commit log offset.
  std::vector<store::Property> props = {{prop::kWaitStoreMsgOk, "true"}, {prop::kTags, kRemoveTag}};
  const std::string propText = store::encodeProperties(props);
  store::MessageToStore m;
  m.topic = topics::kTransOpHalfTopic;
  m.queueId = kHalfQueueId;
  m.body = store::asBytes(body);
  m.properties = propText;
  m.bornTimestamp = nowMillis();
  m.bornHost = ctx_.storeHost;
  m.storeHost = ctx_.storeHost;
  return putAndWait(ctx_.store, m).status;
}

std::optional<std::pair<int64_t, int64_t>> TransactionalMessageService::putBackHalf(
    const store::DecodedRecord& rec, std::string_view name, std::string_view value) {
  PropertiesEditor props(rec.properties);
  props.set(name, value);
  const std::string propText = props.str();
  store::MessageToStore m;
  m.topic = topics::kTransHalfTopic;
  m.queueId = kHalfQueueId;
  m.flag = rec.flag;
  m.sysFlag = rec.sysFlag;
  m.body = rec.body;
  m.properties = propText;
  m.bornTimestamp = rec.bornTimestamp;
  m.bornHost = rec.bornHost;
  m.storeHost = rec.storeHost;
  m.reconsumeTimes = rec.reconsumeTimes;
  m.preparedTransactionOffset = rec.preparedTransactionOffset;
  auto r = putAndWait(ctx_.store, m);
  if (r.status != store::PutMessageStatus::PUT_OK) return std::nullopt;
  return std::make_pair(r.wroteOffset, r.logicsOffset);
}

bool TransactionalMessageService::skipImmune(const store::DecodedRecord& rec,
                                             std::map<int64_t, int64_t>& removeMap,
                                             std::set<int64_t>& doneOps) {
  auto prepared = store::findProperty(rec.properties, prop::kTransactionPreparedQueueOffset);
  if (prepared) {
    const int64_t first = parseJavaLong(*prepared).value_or(-1);
    if (first == -1) return false;
    auto op = removeMap.find(first);
    if (op != removeMap.end()) {
      doneOps.insert(op->second);
      removeMap.erase(op);
      return true;
    }
  }
  // Not resolved yet: a copy waits at the end of the queue, marked with the first offset.
  const std::string first = prepared ? std::string(*prepared) : std::to_string(rec.queueOffset);
  return putBackHalf(rec, prop::kTransactionPreparedQueueOffset, first).has_value();
}

void TransactionalMessageService::discard(const store::DecodedRecord& rec) {
  auto tc = ctx_.topics.createTopicInSendMessageBackMethod(topics::kTransCheckMaxTimeTopic, 1,
                                                           perm::READ | perm::WRITE, 0);
  if (!tc) return;
  store::MessageToStore m;
  m.topic = topics::kTransCheckMaxTimeTopic;
  m.queueId = 0;
  m.flag = rec.flag;
  m.sysFlag = rec.sysFlag;
  m.body = rec.body;
  m.properties = rec.properties;
  m.bornTimestamp = rec.bornTimestamp;
  m.bornHost = rec.bornHost;
  m.storeHost = rec.storeHost;
  m.reconsumeTimes = rec.reconsumeTimes;
  auto r = putAndWait(ctx_.store, m);
  RMQ_LOG(INFO) << "discard half message (check times exceeded): "
                << store::putMessageStatusName(r.status);
}

void TransactionalMessageService::sendCheck(const store::DecodedRecord& copy, int64_t copyOffset,
                                            int64_t copyQueueOffset) {
  auto group = store::findProperty(copy.properties, prop::kProducerGroup);
  if (!group) return;
  auto channel = ctx_.producers.availableChannel(std::string(*group));
  auto conn = channel ? channel->connection.lock() : nullptr;
  if (!conn) {
    RMQ_LOG(WARN) << "Check transaction failed, channel is null. groupId=" << *group;
    return;
  }
  auto realTopic = store::findProperty(copy.properties, prop::kRealTopic);
  auto realQid = store::findProperty(copy.properties, prop::kRealQueueId);
  store::MessageToStore m = store::toMessageToStore(copy);
  // Java encodes the check-back from the half message's property map, on which putting the copy
  // back has just set WAIT=false (the copy's stored string was built before that).
  PropertiesEditor props(copy.properties);
  props.set(prop::kWaitStoreMsgOk, "false");
  const std::string propText = props.str();
  m.properties = propText;
  if (realTopic) m.topic = *realTopic;
  if (realQid) m.queueId = parseJavaInt(*realQid).value_or(0);
  store::RecordPlacement placement{copyQueueOffset, copyOffset, copy.storeTimestamp};
  std::string body(store::recordLength(m), '\0');
  size_t written = 0;
  if (!store::encodeRecord(m, placement,
                           std::span<uint8_t>(reinterpret_cast<uint8_t*>(body.data()), body.size()),
                           &written)
           .ok()) {
    return;
  }
  const std::string uniq(
      store::findProperty(copy.properties, prop::kUniqClientMessageIdKeyIdx).value_or(""));
  remoting::RemotingCommand req =
      remoting::RemotingCommand::createRequest(remoting::request_code::CHECK_TRANSACTION_STATE);
  req.addExtInt("tranStateTableOffset", copyQueueOffset);
  req.addExtInt("commitLogOffset", copyOffset);
  if (!uniq.empty()) {
    req.addExt("msgId", uniq);
    req.addExt("transactionId", uniq);
  }
  req.addExt("offsetMsgId", store::offsetMsgId(copy.storeHost, copyOffset));
  req.setBody(std::move(body));
  conn->invokeOneway(std::move(req));
}

void TransactionalMessageService::check() {
  std::lock_guard<std::mutex> serial(checkMutex_);
  const std::string halfTopic(topics::kTransHalfTopic);
  const std::string opTopic(topics::kTransOpHalfTopic);
  const std::string group(topics::kTransCheckGroup);
  // Java's check looks the half topic up first and creates it when missing, so a broker lists
  // it from its first check on, whether or not a transaction was ever sent.
  ctx_.topics.createTopicInSendMessageBackMethod(halfTopic, 1, perm::READ | perm::WRITE, 0);
  if (ctx_.store.maxOffsetInQueue(halfTopic, kHalfQueueId) == 0) return;

  int64_t halfOffset = ctx_.offsets.queryOffset(group, halfTopic, kHalfQueueId);
  if (halfOffset < 0) halfOffset = std::max<int64_t>(0, ctx_.store.minOffsetInQueue(halfTopic, 0));
  int64_t opOffset = ctx_.offsets.queryOffset(group, opTopic, kHalfQueueId);
  if (opOffset < 0) opOffset = std::max<int64_t>(0, ctx_.store.minOffsetInQueue(opTopic, 0));

  // Op records read so far: half queue offset -> op queue offset; and which ops are done.
  std::map<int64_t, int64_t> removeMap;
  std::set<int64_t> doneOps;
  const int64_t opMax = ctx_.store.maxOffsetInQueue(opTopic, kHalfQueueId);
  for (int64_t o = opOffset; o < opMax; ++o) {
    store::MappedRegion region;
    store::DecodedRecord rec;
    if (!readOne(ctx_, opTopic, kHalfQueueId, o, region, rec)) {
      doneOps.insert(o);
      continue;
    }
    auto h = parseJavaLong(store::asText(rec.body));
    if (!h || *h < halfOffset) {
      doneOps.insert(o);  // refers to a half message already behind the check offset
    } else {
      removeMap[*h] = o;
    }
  }

  const int64_t startTime = nowMillis();
  const int64_t halfMax = ctx_.store.maxOffsetInQueue(halfTopic, kHalfQueueId);
  int64_t i = halfOffset;
  for (; i < halfMax; ++i) {
    if (monotonicMillis() - startTime > 60000) break;
    auto resolved = removeMap.find(i);
    if (resolved != removeMap.end()) {
      doneOps.insert(resolved->second);
      continue;
    }
    store::MappedRegion region;
    store::DecodedRecord rec;
    if (!readOne(ctx_, halfTopic, kHalfQueueId, i, region, rec)) continue;
    const int32_t checkTimes =
        parseJavaInt(
            store::findProperty(rec.properties, prop::kTransactionCheckTimes).value_or("0"))
            .value_or(0);
    const int64_t ageMs = nowMillis() - rec.bornTimestamp;
    if (checkTimes >= ctx_.config.transactionCheckMax ||
        ageMs > int64_t(ctx_.conf.store.fileReservedTime) * 3600 * 1000) {
      discard(rec);
      continue;
    }
    if (rec.storeTimestamp >= startTime) break;  // stored during this round
    int64_t immunity = ctx_.config.transactionTimeOut;
    if (auto imm = store::findProperty(rec.properties, prop::kCheckImmunityTimeInSeconds)) {
      // Its own immunity (seconds; -1 or not a number: transactionTimeOut). While immune it is
      // matched against an op record or re-appended, and skipped: it holds up nothing.
      const int64_t secs = parseJavaLong(*imm).value_or(-1);
      if (secs != -1) immunity = secs * 1000;
      if (ageMs < immunity && skipImmune(rec, removeMap, doneOps)) continue;
      if (ageMs >= 0 && ageMs <= immunity) break;  // Java waits for the next round
    } else if (ageMs >= 0 && ageMs < immunity) {
      break;  // too young: later ones are younger still
    }
    // Born in the future (the producer's clock is ahead): Java checks it now rather than let it
    // hold up the queue (isNeedCheck when now - born <= -1).
    auto copy = putBackHalf(rec, prop::kTransactionCheckTimes, std::to_string(checkTimes + 1));
    if (!copy) break;
    store::MappedRegion copyRegion = ctx_.store.lookMessageByOffset(copy->first);
    store::DecodedRecord copyRec;
    if (copyRegion.valid() &&
        store::decodeRecord(
            std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(copyRegion.data),
                                     static_cast<size_t>(copyRegion.size)),
            copyRec, store::DecodeOptions{false, true})
            .ok()) {
      sendCheck(copyRec, copy->first, copy->second);
    }
  }
  int64_t newOpOffset = opOffset;
  while (doneOps.count(newOpOffset)) ++newOpOffset;
  ctx_.offsets.commitOffset(group, halfTopic, kHalfQueueId, i);
  ctx_.offsets.commitOffset(group, opTopic, kHalfQueueId, newOpOffset);
}

}  // namespace rmq::broker
