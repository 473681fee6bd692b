// The clock of the broker golden replay. The replay clock runs 2.5 times as fast as the
// capture's (kTimeScale: the gap between two requests sent is at least 0.4 times their recorded
// gap), and the broker's delay levels are scaled the same way (kScaledDelayLevels), so scheduled
// deliveries (delay, retry, dlq) keep their place among the requests. Timestamps the clients took
// from Java's clock are moved to ours by the store times of the messages both stores hold
// (TimeMap).
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "compat-tests/golden/capture_reader.h"

namespace rmq::compat::brokerreplay {

constexpr double kTimeScale = 0.4;
// messageDelayLevel with every level scaled by kTimeScale in whole seconds (the unit Java's
// parser knows; level 1 stays 1 s); levels 2 and 3, the only ones the captures use, exactly:
// 5 s -> 2 s, 10 s -> 4 s.
constexpr const char* kScaledDelayLevels =
    "1s 2s 4s 12s 24s 48s 72s 96s 120s 144s 168s 192s 216s 240s 480s 720s 1440s 2880s";

// The capture broker's transactionCheckInterval=5000 and the default transactionTimeOut=6000,
// scaled by kTimeScale: a half message left UNKNOW is checked back at its place among the
// requests.
constexpr int64_t kScaledTransactionCheckIntervalMs = 2000;
constexpr int64_t kScaledTransactionTimeOutMs = 2400;

// How far the capture's clock is behind ours now: the replay's start minus Java's time at the
// capture's start (the earliest bornTimestamp of a send less its capture time); 0 if unknown.
// Java's check-back measures a half message's age from its bornTimestamp, so the replay broker's
// transactionTimeOut adds this gap (broker_replay_broker.cc).
int64_t javaClockBehind(const CaptureFile& cf);

// Java's clock -> ours, by the store times of the same messages.
class TimeMap {
 public:
  // Where a record is, to tell that our record at a commit log offset is the same message.
  struct Place {
    std::string topic;
    int32_t queueId = 0;
    int64_t queueOffset = 0;
    friend bool operator==(const Place&, const Place&) = default;
  };
  // Java's store time of the record at each commit log offset (from every recorded body).
  void addJava(int64_t offset, int64_t storeTime, Place place) {
    java_[offset] = {storeTime, std::move(place)};
  }
  // The commit log offsets of the records Java stored at `storeTime`.
  std::vector<int64_t> offsetsAt(int64_t storeTime) const;
  const Place* placeOf(int64_t offset) const;
  // (Java store time, our store time) of every message both stores hold, by Java time.
  // `ourTime(offset, place)` gives our store time of the record at offset if it is that message.
  template <typename OurTime>
  std::vector<std::pair<int64_t, int64_t>> pairs(OurTime ourTime) const {
    std::vector<std::pair<int64_t, int64_t>> out;
    for (const auto& [off, rec] : java_) {
      if (auto o = ourTime(off, rec.second)) out.emplace_back(rec.first, *o);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  // A bound of a time range (QUERY_MESSAGE begin/endTimestamp) keeps its distance to the
  // messages it is meant to include: a begin moves with the first known message at or after it,
  // an end with the last one at or before it. (Interpolating would shrink Java's margins with
  // the replay clock, and the index stores times in whole seconds from the index file's start.)
  static int64_t mapBound(int64_t t, const std::vector<std::pair<int64_t, int64_t>>& pairs,
                          bool begin);
  // A point in time (SEARCH_OFFSET_BY_TIMESTAMP) moves onto our clock between the two known
  // messages around it linearly, so it is as close to each of them, relatively, as in Java;
  // outside them by the offset of the nearest one. 0, negative values and Long.MAX-like
  // sentinels stay.
  static int64_t map(int64_t t, const std::vector<std::pair<int64_t, int64_t>>& pairs);

 private:
  std::map<int64_t, std::pair<int64_t, Place>> java_;
};

}  // namespace rmq::compat::brokerreplay
