// The broker golden replay of one capture: the plan's requests are re-sent, byte for byte, to
// the ReplayBroker, one connection of ours per recorded connection (bound to the recorded
// client port when it is free, so BORNHOST matches), and each of our answers is compared with
// the recorded Java answer field by field: code, flag, opaque, language, version, remark,
// extFields (presence and every entry), the JSON header's members, and the body: message
// records field by field (broker_replay_records.h), JSON bodies structurally and byte for byte
// after sorting what Java emits in HashMap order. Oneway requests must get no answer; requests
// Java never answered (pulls still held when the client shut down) must get none either; the
// broker's own requests to the clients (NOTIFY_CONSUMER_IDS_CHANGED, CHECK_TRANSACTION_STATE,
// PUSH_REPLY_MESSAGE_TO_CLIENT) are compared per connection. Where the client reacted to one of
// them (a check-back's END_TRANSACTION, the answer to a pushed reply), the replay waits for ours
// and sends the client's recorded answer with our broker's opaque.
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
// How long the replay waits for a broker-originated request the client reacts to (a
// transaction check-back comes after the scaled check interval, broker_replay_time.h).
constexpr int kBrokerRequestTimeoutMs = 20000;

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
  std::map<size_t, int32_t> brokerOpaqueOf;       // recorded broker request frame -> our opaque
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
  bool awaitBrokerRequest(size_t frame);
  void respond(const Step& step);
  bool deferEndTransaction(size_t at);
  void sendEndTransaction(const Step& step);
  void sendDeferred(size_t frame);
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
  void toleratePerRule(int32_t requestCode, std::vector<Diff>& diffs,
                       std::vector<std::string>& notes);
  void finishConn(ConnState& c);
  std::string javaHosts(std::string_view key, std::string value,
                        std::set<std::string>& notes) const;

  const CaptureFile& cf_;
  const ReplayedCapture& rcap_;
  Summary& sum_;
  Plan plan_;
  TimeMap times_;
  std::string runId_;  // JavaCompat run id of the capture (earlier captures' state)
  RecordContext rctx_;
  ReplayBroker broker_;
  std::map<std::string, std::unique_ptr<ConnState>> conns_;
  std::vector<size_t> outstandingHeartbeats_;
  std::map<std::pair<std::string, int32_t>, int64_t> expected_;  // direct sends per queue
  bool seeded_ = false;  // the shared queues were seeded (with the first padding)
  std::map<size_t, std::vector<Step>> deferred_;  // send frame -> END_TRANSACTIONs after it
};

}  // namespace rmq::compat::brokerreplay
