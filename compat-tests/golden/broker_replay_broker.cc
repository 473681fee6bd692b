#include "compat-tests/golden/broker_replay_broker.h"

#include <future>
#include <string_view>

#include "common/properties.h"
#include "common/time_util.h"
#include "compat-tests/golden/broker_replay_plan.h"
#include "store/message_record.h"
#include "store/store_format.h"

namespace rmq::compat::brokerreplay {

Status ReplayBroker::start(uint16_t preferredPort, int64_t javaClockBehindMs) {
  Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const uint16_t port =
        attempt == 0 && loopbackPortFree(preferredPort) ? preferredPort : freeLoopbackPort();
    last = startOnce(port, javaClockBehindMs);
    if (last.ok()) return last;
    stop();
  }
  return last;
}

Status ReplayBroker::startOnce(uint16_t port, int64_t javaClockBehindMs) {
  dir_ = std::make_unique<TempDir>("rmq-broker-replay-");
  if (!dir_->ok()) return Status::Error(dir_->error());
  const auto& dir = dir_->path();
  broker::BrokerConfiguration conf = broker::BrokerConfiguration::defaults();
  Properties p;
  // The capture broker's broker.conf (captures README.md) ...
  p.set("brokerClusterName", "CaptureCluster");
  p.set("brokerName", "broker-cap");
  p.set("brokerId", "0");
  p.set("brokerRole", "ASYNC_MASTER");
  p.set("flushDiskType", "ASYNC_FLUSH");
  p.set("brokerIP1", "127.0.0.1");
  p.set("brokerIP2", "127.0.0.1");
  p.set("listenPort", std::to_string(port));
  p.set("autoCreateTopicEnable", "true");
  p.set("autoCreateSubscriptionGroup", "true");
  p.set("enablePropertyFilter", "true");
  // ... the replay clock (broker_replay_time.h): the delay levels and the transaction
  // check-back (checkInterval 5000 of the capture broker, the default transactionTimeOut 6000)
  // scaled by kTimeScale ...
  p.set("messageDelayLevel", kScaledDelayLevels);
  p.set("transactionCheckInterval", std::to_string(kScaledTransactionCheckIntervalMs));
  // ... and the capture's clock: the check-back measures a half message's age from its
  // bornTimestamp, taken on Java's clock days before the replay, so the timeout adds that gap
  // (else every half message would be checked back at the first round, before its
  // END_TRANSACTION), and it skips those born more than fileReservedTime hours ago (ten years
  // here, so none is) ...
  p.set("transactionTimeOut", std::to_string(javaClockBehindMs + kScaledTransactionTimeOutMs));
  p.set("fileReservedTime", "87600");
  // ... and a small temporary store (file sizes are not observable at these volumes: the
  // captures' commit log stays below 256 KiB, no queue gets near 30000 units).
  p.set("storePathRootDir", dir.string());
  p.set("storePathCommitLog", (dir / "commitlog").string());
  p.set("mappedFileSizeCommitLog", std::to_string(16 * 1024 * 1024));
  p.set("mappedFileSizeConsumeQueue", std::to_string(30000 * 20));
  p.set("maxHashSlotNum", "50000");
  p.set("maxIndexNum", "200000");
  if (Status s = conf.apply(p); !s.ok()) return Status::Error("broker config: " + s.message());
  conf.broker.listenAddress = "127.0.0.1";
  conf.broker.vipChannelEnable = false;
  conf.broker.namesrvAddr.clear();
  controller_ = std::make_unique<broker::BrokerController>(conf);
  Status s = controller_->initialize();
  if (s.ok()) s = controller_->start();
  if (!s.ok()) return Status::Error("BrokerController start: " + s.message());
  port_ = controller_->port();
  return Status::Ok();
}

void ReplayBroker::stop() {
  if (controller_) controller_->shutdown();
  controller_.reset();
  dir_.reset();
}

store::HostAddress ReplayBroker::storeHost() const {
  return *store::parseHostAddress("127.0.0.1:" + std::to_string(port_));
}

std::optional<std::pair<TimeMap::Place, int64_t>> ReplayBroker::recordAt(int64_t offset) {
  if (offset < 0 || offset >= store().maxPhyOffset()) return std::nullopt;
  store::MappedRegion r = store().lookMessageByOffset(offset);
  if (!r.valid()) return std::nullopt;
  store::DecodedRecord rec;
  auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(r.data),
                                        static_cast<size_t>(r.size));
  if (!store::decodeRecord(bytes, rec, store::DecodeOptions{false, true}).ok() ||
      rec.kind != store::RecordKind::kMessage || rec.topic == kPaddingTopic) {
    return std::nullopt;
  }
  return std::make_pair(TimeMap::Place{std::string(rec.topic), rec.queueId, rec.queueOffset},
                        rec.storeTimestamp);
}

std::optional<Diff> ReplayBroker::put(std::string_view topic, int32_t queueId,
                                      std::string_view body, std::string_view properties,
                                      size_t& paddedBytes) {
  const store::HostAddress host = storeHost();
  store::MessageToStore m;
  m.topic = topic;
  m.queueId = queueId;
  m.bornTimestamp = nowMillis();
  m.bornHost = host;
  m.storeHost = host;
  m.body = store::asBytes(body);
  m.properties = properties;
  std::promise<store::PutMessageResult> done;
  store().putMessage(m, [&done](const store::PutMessageResult& r) { done.set_value(r); });
  store::PutMessageResult r = done.get_future().get();
  if (!r.ok()) {
    return Diff{"commit log padding", store::putMessageStatusName(r.status), "PUT_OK"};
  }
  paddedBytes += store::recordLength(m);
  return std::nullopt;
}

std::optional<Diff> ReplayBroker::pad(
    int64_t target, size_t& paddedBytes,
    const std::map<std::pair<std::string, int32_t>, int64_t>& queueEntries) {
  if (target < 0) {
    return Diff{"commit log padding", "-",
                "no recorded msgId or pulled record to learn Java's commit log offset from"};
  }
  if (store().maxPhyOffset() > target) {
    return Diff{"commit log offset before the send", std::to_string(store().maxPhyOffset()),
                std::to_string(target) + " (ours is ahead)"};
  }
  for (const auto& [queue, entries] : queueEntries) {
    for (int64_t i = store().maxOffsetInQueue(queue.first, queue.second); i < entries; ++i) {
      if (auto d = put(queue.first, queue.second, "replay seed", "", paddedBytes)) return d;
      if (queue.first != kTransHalfTopic) continue;
      // An op record per seeded half message: its body is the half's queue offset, tag "d".
      const std::string props = std::string("TAGS\x01") + "d";
      if (auto d = put(kTransOpHalfTopic, 0, std::to_string(i), props, paddedBytes)) return d;
    }
  }
  int64_t now = store().maxPhyOffset();
  if (now > target) {
    return Diff{"commit log offset after seeding the shared queues", std::to_string(now),
                std::to_string(target) + " (ours is ahead)"};
  }
  const store::HostAddress host = storeHost();
  while (now < target) {
    store::MessageToStore m;
    m.topic = kPaddingTopic;
    m.queueId = 0;
    m.bornTimestamp = nowMillis();
    m.bornHost = host;
    m.storeHost = host;
    const int64_t base = static_cast<int64_t>(store::recordLength(m));
    const int64_t left = target - now;
    int64_t len = left > 2 * 1024 * 1024 ? 1024 * 1024 : left;
    if (len < base) {
      return Diff{"commit log padding", std::to_string(left) + " bytes left",
                  "at least " + std::to_string(base) + " (one filler record)"};
    }
    std::string body(static_cast<size_t>(len - base), 'p');
    m.body = store::asBytes(body);
    std::promise<store::PutMessageResult> done;
    store().putMessage(m, [&done](const store::PutMessageResult& r) { done.set_value(r); });
    store::PutMessageResult r = done.get_future().get();
    if (!r.ok()) {
      return Diff{"commit log padding", store::putMessageStatusName(r.status), "PUT_OK"};
    }
    paddedBytes += static_cast<size_t>(len);
    now = store().maxPhyOffset();
  }
  return std::nullopt;
}

}  // namespace rmq::compat::brokerreplay
