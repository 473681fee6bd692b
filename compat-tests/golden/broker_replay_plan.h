// The plan of the broker golden replay: which recorded connections and frames are replayed, and
// in which order. Frames are replayed in capture order; the replay waits for our answer where the
// capture has Java's answer (a long-polled pull answered later is waited for there). Where the
// capture order does not say what Java's broker had processed, the plan restores it:
//  - a request is sent only when every heartbeat sent before it has been answered (the runner
//    waits), except
//  - pulls and heartbeats of one connection race in the Java broker (different thread pools): a
//    pull Java answered SUBSCRIPTION_NOT_LATEST/NOT_EXIST is sent before the heartbeat that
//    registered its subscription version, and a pull Java served normally after it;
//  - Java's send thread pool stores sends that are in flight together in any order (async and
//    oneway sends): within such a burst the sends go out in Java's commit log order, known from
//    the recorded msgIds and, for oneway sends, from the pulled records;
//  - a request that names a queue waits until the messages sent to that queue before it (async
//    and oneway sends included) are in our consume queue (the runner's gate, from
//    directSendTarget / messagesInSend).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compat-tests/golden/broker_replay_captures.h"
#include "compat-tests/golden/capture_reader.h"

namespace rmq::compat::brokerreplay {

// The recorded Java broker.
constexpr const char* kJavaBrokerAddr = "127.0.0.1:40911";
constexpr uint16_t kJavaBrokerPort = 40911;
constexpr const char* kTransHalfTopic = "RMQ_SYS_TRANS_HALF_TOPIC";
constexpr const char* kTransOpHalfTopic = "RMQ_SYS_TRANS_OP_HALF_TOPIC";

bool isSend(int32_t code);
// Whether a successful answer to the request carries message records.
bool hasRecordBody(int32_t requestCode);
// The recorded extFields entry, "" when absent.
std::string extOf(const CaptureFrame& f, std::string_view key);
// The topic/queue a send goes to, when it lands in that queue directly (not delayed, not a
// transaction half message, not a %RETRY%/%DLQ% topic the broker may redirect).
std::optional<std::pair<std::string, int32_t>> directSendTarget(const CaptureFrame& f);
size_t messagesInSend(const CaptureFrame& f);

// Broker-originated requests the client reacts to (an END_TRANSACTION for a check-back, an
// answer to a pushed reply, a reset of its offsets): the replay waits for ours before it goes on.
bool clientReactsTo(int32_t brokerRequestCode);

enum class StepKind {
  kSend,         // a recorded client request
  kAwait,        // our answer to it, compared with Java's
  kClose,        // the connection's last recorded frame
  kAwaitBroker,  // a broker-originated request the client reacts to (clientReactsTo)
  kRespond,      // the client's recorded answer to a broker-originated request
};

struct Step {
  StepKind kind;
  size_t frame;            // CaptureFile::frames index (the request for kSend/kAwait)
  double vtime = 0;        // replay clock (capture seconds, skipped parts removed)
  bool padBefore = false;  // kSend of a send: pad the commit log to Java's offset first ...
  int64_t padTo = -1;      // ... of this send's first message, when known
  std::string moved;       // why the step is not at its recorded place

  Step(StepKind k, size_t f, double v) : kind(k), frame(f), vtime(v) {}
};

struct Plan {
  std::vector<size_t> requests;  // replayed client->broker requests, capture order
  std::vector<Step> steps;
  std::map<std::string, std::string> skippedConns;  // conn -> part
  size_t recordedResponses = 0;
  std::map<size_t, int64_t> javaOffsets;  // send request frame -> Java's offset of its message
  // Queues the Java broker shares between captures (the transaction half queue, the cluster's
  // reply topic) and how many entries they held before this capture: Java's queue offset of the
  // first message this capture put there.
  std::map<std::pair<std::string, int32_t>, int64_t> sharedQueueEntries;
};

Plan makePlan(const CaptureFile& cf, const ReplayedCapture& rcap);

}  // namespace rmq::compat::brokerreplay
