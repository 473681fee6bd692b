#include "broker/schedule/schedule_message_service.h"

#include <pthread.h>

#include <future>

#include "broker/topic/topic_validator.h"
#include "common/file_util.h"
#include "common/logging.h"
#include "common/properties.h"
#include "common/time_util.h"
#include "store/config/config_file.h"
#include "store/config/offset_table_codec.h"
#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::broker {

ScheduleMessageService::ScheduleMessageService(store::MessageStore& store, std::string path)
    : store_(store), path_(std::move(path)) {}

ScheduleMessageService::~ScheduleMessageService() {
  shutdown();
}

Status ScheduleMessageService::load() {
  // Like Java's ConfigManager: a damaged delayOffset.json falls back to its .bak copy.
  store::config::DelayOffsetFile file;
  bool loaded = false;
  Status s = store::config::loadConfigFile(path_, file, loaded);
  if (!s.ok()) return Status::Error("cannot load " + path_ + ": " + s.message());
  std::lock_guard<std::mutex> lock(mutex_);
  offsets_.clear();
  if (loaded) {
    for (const auto& [level, offset] : file.offsetTable) offsets_[level] = offset;
  }
  for (auto& [level, offset] : offsets_) {
    auto* cq = store_.findConsumeQueue(topics::kScheduleTopic, level - 1, false);
    if (!cq) continue;
    const int64_t mn = cq->minOffsetInQueue(), mx = cq->maxOffsetInQueue();
    int64_t corrected = offset < mn ? mn : (offset > mx ? mx : offset);
    if (corrected != offset) {
      RMQ_LOG(WARN) << "correct delay offset of level " << level << " from " << offset << " to "
                    << corrected;
      offset = corrected;
    }
  }
  return Status::Ok();
}

std::string ScheduleMessageService::encodeOffsets() const {
  store::config::DelayOffsetFile file;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [level, offset] : offsets_) file.offsetTable.emplace_back(level, offset);
  return store::config::encode(file);
}

Status ScheduleMessageService::persist() {
  std::lock_guard<std::mutex> lock(persistMutex_);
  return store::config::saveConfigFile(path_, encodeOffsets());
}

std::map<int32_t, int64_t> ScheduleMessageService::offsets() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return offsets_;
}

void ScheduleMessageService::start() {
  started_ = true;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "ScheduleMsg");
    run();
  });
}

void ScheduleMessageService::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (started_) (void)persist();
}

bool ScheduleMessageService::deliverLevel(int32_t level) {
  auto* cq = store_.findConsumeQueue(topics::kScheduleTopic, level - 1, false);
  if (!cq) return false;
  int64_t offset;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = offsets_.find(level);
    offset = it == offsets_.end() ? 0 : it->second;
  }
  if (offset < cq->minOffsetInQueue()) offset = cq->minOffsetInQueue();
  const int64_t delay = store_.delayLevels().delayMillis(level);
  bool progressed = false;
  while (offset < cq->maxOffsetInQueue()) {
    store::ConsumeQueueUnit unit;
    if (!cq->getUnit(offset, unit)) break;
    const int64_t now = nowMillis();
    int64_t deliverAt = unit.tagsCode;
    if (deliverAt > now + delay) deliverAt = now;  // clock moved backwards
    if (deliverAt > now) break;
    store::MappedRegion region = store_.selectOneMessageByOffset(unit.commitLogOffset, unit.size);
    store::DecodedRecord rec;
    bool readable =
        region.valid() &&
        store::decodeRecord(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(region.data),
                                                     static_cast<size_t>(region.size)),
                            rec, store::DecodeOptions{false, true})
            .ok() &&
        rec.kind == store::RecordKind::kMessage;
    if (readable) {
      auto realTopic = store::findProperty(rec.properties, store::property::kRealTopic);
      auto realQid = store::findProperty(rec.properties, store::property::kRealQueueId);
      auto qid = realQid ? parseJavaInt(*realQid) : std::nullopt;
      if (realTopic && qid && *realTopic != topics::kTransHalfTopic) {
        store::MessageToStore m;
        m.topic = *realTopic;
        m.queueId = *qid;
        m.flag = rec.flag;
        m.sysFlag = rec.sysFlag;
        m.body = rec.body;
        m.properties = rec.properties;  // the schedule record's string, unchanged (as Java)
        m.bornTimestamp = rec.bornTimestamp;
        m.bornHost = rec.bornHost;
        m.storeHost = rec.storeHost;
        m.reconsumeTimes = rec.reconsumeTimes;
        std::promise<store::PutMessageResult> done;
        store_.putMessage(m, false,
                          [&done](const store::PutMessageResult& r) { done.set_value(r); });
        const store::PutMessageResult result = done.get_future().get();
        const store::PutMessageStatus st = result.status;
        if (st == store::PutMessageStatus::PUT_OK && onDelivered_) {
          onDelivered_(level, *realTopic, result);
        }
        if (st != store::PutMessageStatus::PUT_OK) {
          RMQ_LOG(WARN) << "delayed message delivery failed (" << store::putMessageStatusName(st)
                        << "), retrying level " << level << " offset " << offset;
          break;
        }
      } else {
        RMQ_LOG(WARN) << "dropping a schedule record without a deliverable real topic at "
                      << unit.commitLogOffset;
      }
    }
    ++offset;
    progressed = true;
    std::lock_guard<std::mutex> lock(mutex_);
    offsets_[level] = offset;
  }
  return progressed;
}

void ScheduleMessageService::run() {
  int64_t lastPersist = monotonicMillis();
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    bool any = false;
    for (int32_t level = 1; level <= store_.delayLevels().maxLevel(); ++level) {
      any |= deliverLevel(level);
    }
    if (monotonicMillis() - lastPersist >= store_.config().flushDelayOffsetInterval) {
      lastPersist = monotonicMillis();
      Status s = persist();
      if (!s.ok()) RMQ_LOG(WARN) << "persist delay offsets failed: " << s.message();
    }
    lock.lock();
    if (!any) cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; });
  }
}

}  // namespace rmq::broker
