// The broker under test in the golden replay: an in-process BrokerController configured as the
// capture broker (captures README.md: brokerName broker-cap, cluster CaptureCluster, brokerIP1
// 127.0.0.1, the same broker.conf keys), on a fresh temporary store and without a name server.
// It listens on 40911 (Java's port) when that port is free, so offset msgIds and STOREHOST match.
//
// The Java broker's store had grown over the earlier captures, so its first message of a
// scenario is not at commit log offset 0. pad() fills our commit log with filler records (topic
// kPaddingTopic) up to the offset of Java's first message; from there our broker must write
// records of exactly Java's lengths, so every msgId, PHYSICALOFFSET and offset in a request
// lines up.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "broker/broker_controller.h"
#include "common/status.h"
#include "compat-tests/golden/broker_replay_time.h"
#include "compat-tests/golden/replay_support.h"
#include "store/host_address.h"

namespace rmq::compat::brokerreplay {

constexpr const char* kPaddingTopic = "REPLAY_COMMITLOG_PADDING";

class ReplayBroker {
 public:
  ReplayBroker() = default;
  ReplayBroker(const ReplayBroker&) = delete;
  ReplayBroker& operator=(const ReplayBroker&) = delete;
  ~ReplayBroker() { stop(); }

  // Starts on `preferredPort` if free, else on a free port (three attempts). `javaClockBehindMs`:
  // how far the capture's clock is behind ours (broker_replay_time.h javaClockBehind).
  Status start(uint16_t preferredPort, int64_t javaClockBehindMs);
  void stop();

  uint16_t port() const { return port_; }
  store::HostAddress storeHost() const;
  store::MessageStore& store() { return controller_->messageStore(); }

  // Place and store time of our record at commit log `offset` (not a padding record).
  std::optional<std::pair<TimeMap::Place, int64_t>> recordAt(int64_t offset);

  // Pads the commit log with filler records up to `target`. A Diff (field, ours, Java) says why
  // it could not; `paddedBytes` counts what was written. The filler first gives each of
  // `queueEntries` (topic, queue) that many entries; entries of the transaction half queue come
  // with their op records, so the check-back treats them as resolved.
  std::optional<Diff> pad(int64_t target, size_t& paddedBytes,
                          const std::map<std::pair<std::string, int32_t>, int64_t>& queueEntries);

 private:
  std::optional<Diff> put(std::string_view topic, int32_t queueId, std::string_view body,
                          std::string_view properties, size_t& paddedBytes);
  Status startOnce(uint16_t port, int64_t javaClockBehindMs);

  std::unique_ptr<TempDir> dir_;  // the store; removed after the controller has shut down
  std::unique_ptr<broker::BrokerController> controller_;
  uint16_t port_ = 0;
};

}  // namespace rmq::compat::brokerreplay
