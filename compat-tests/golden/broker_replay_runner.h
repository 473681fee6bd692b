// The broker golden replay of one capture: the plan's requests are re-sent, byte for byte, to
// the ReplayBroker, one connection of ours per recorded connection (bound to the recorded
// client port when it is free, so BORNHOST matches), and each of our answers is compared with
// the recorded Java answer field by field: code, flag, opaque, language, version, remark,
// extFields (presence and every entry), the JSON header's members, and the body: message
// records field by field (broker_replay_records.h), JSON bodies structurally and byte for byte
// after sorting what Java emits in HashMap order. Oneway requests must get no answer; requests
// Java never answered (pulls still held when the client shut down) must get none either; the
// broker's own requests to the clients (NOTIFY_CONSUMER_IDS_CHANGED) are compared per
// connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "compat-tests/golden/broker_replay_broker.h"
#include "compat-tests/golden/broker_replay_captures.h"
#include "compat-tests/golden/broker_replay_plan.h"
#include "compat-tests/golden/broker_replay_records.h"
#include "compat-tests/golden/broker_replay_time.h"
#include "compat-tests/golden/capture_reader.h"
#include "compat-tests/golden/replay_support.h"

namespace rmq::compat::brokerreplay {

// How long the replay waits for an answer, for the messages a request depends on to be in our
// consume queues, for a wrong answer after the last request and after closing a connection.
constexpr int kResponseTimeoutMs = 8000;
constexpr int kGateTimeoutMs = 3000;
constexpr int kFinalSilenceMs = 150;
constexpr int kCloseGraceMs = 30;

// What one capture's replay did, for the summary lines and the test's verdict.
struct Summary {
  std::string capture;
  size_t requests = 0, oneway = 0, recordedResponses = 0, compared = 0, identical = 0;
  size_t failures = 0, brokerRequests = 0, moved = 0, paddingBytes = 0;
  std::map<std::string, size_t> allowed;
  std::map<std::string, size_t> adaptations;
  std::vector<std::string> notCompared;
  std::vector<std::string> bugs;
  std::vector<std::string> skippedParts;
  std::string environment;
};

void printSummary(const Summary& s);

// One replay connection and what came back on it.
struct ConnState {
  std::string id;
  int32_t recordedPort = 0;
  std::unique_ptr<RawConnection> sock;
  bool closed = false;
  std::map<int32_t, DecodedFrame> responses;      // by opaque
  std::deque<DecodedFrame> brokerRequests;        // requests our broker sent on it
  std::map<int32_t, std::string> oneway;          // opaque -> where
  std::map<int32_t, std::string> javaUnanswered;  // opaque -> where
  std::set<int32_t> consumed;                     // responses compared already
};

class BrokerReplay {
 public:
  BrokerReplay(const CaptureFile& cf, const ReplayedCapture& rcap, Summary& sum)
      : cf_(cf), rcap_(rcap), sum_(sum) {}

  void run();

 private:
  // ---- setup (broker_replay_runner.cc) ----
  void fail(const std::string& where, const std::string& field, const std::string& ours,
            const std::string& java, int32_t requestCode = 0);
  void prescan();
  bool startBroker();
  void cleanup();
  ConnState* conn(const std::string& id);

  // ---- reading ----
  bool pump(ConnState& c, int timeoutMs);
  DecodedFrame* awaitOurs(size_t reqIdx, int timeoutMs);

  // ---- the store ----
  std::optional<int64_t> ourStoreTime(int64_t offset);
  std::vector<std::pair<int64_t, int64_t>> timePairs();
  void gate(const CaptureFrame& f);

  // ---- sending ----
  std::string requestBytes(const CaptureFrame& f);
  void waitForHeartbeats();
  void send(const Step& step);
  void closeConn(const Step& step);
  void replay();

  // ---- comparing (broker_replay_compare.cc) ----
  void await(const Step& step);
  void compare(const CaptureFrame& request, const CaptureFrame& recorded, DecodedFrame& ours);
  void compareExtValue(const CaptureFrame& request, const std::string& key,
                       std::optional<std::string_view> ours, std::string_view java,
                       std::vector<Diff>& diffs, std::vector<std::string>& notes);
  void heldPullRace(const Records& orec, const Records& jrec, const remoting::RemotingCommand& o,
                    const remoting::RemotingCommand& j, size_t bodyStart, std::vector<Diff>& diffs,
                    std::vector<std::string>& notes);
  void finishConn(ConnState& c);

  const CaptureFile& cf_;
  const ReplayedCapture& rcap_;
  Summary& sum_;
  Plan plan_;
  TimeMap times_;
  RecordContext rctx_;
  ReplayBroker broker_;
  std::map<std::string, std::unique_ptr<ConnState>> conns_;
  std::vector<size_t> outstandingHeartbeats_;
  std::map<std::pair<std::string, int32_t>, int64_t> expected_;  // direct sends per queue
};

}  // namespace rmq::compat::brokerreplay
