#include "compat-tests/golden/broker_replay_runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "common/properties.h"
#include "common/time_util.h"
#include "remoting/frame_codec.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "store/message_id.h"

namespace rmq::compat::brokerreplay {

namespace req = remoting::request_code;
namespace rc = remoting::response_code;

void BrokerReplay::run() {
  sum_.capture = cf_.name;
  plan_ = makePlan(cf_, rcap_);
  for (const auto& [conn, part] : plan_.skippedConns) {
    sum_.skippedParts.push_back("connection " + conn + " (part " + part + ")");
  }
  prescan();
  if (!startBroker()) {
    cleanup();
    return;
  }
  replay();
  cleanup();
}

void BrokerReplay::fail(const std::string& where, const std::string& field, const std::string& ours,
                        const std::string& java, int32_t requestCode) {
  if (const KnownBug* b = findKnownBug(cf_.name, field, requestCode)) {
    sum_.bugs.push_back(where + ": " + field + ": ours " + ours + " vs Java " + java +
                        " [broker bug: " + b->description + "]");
    return;
  }
  ++sum_.failures;
  ADD_FAILURE() << where << ": " << field << ": ours " << ours << " vs Java " << java;
}

void BrokerReplay::prescan() {
  std::vector<std::string> texts;
  for (const CaptureFrame& f : cf_.frames) texts.push_back(f.headerJson);
  runId_ = captureRunId(texts);
  for (const CaptureFrame& f : cf_.frames) {
    if (!(f.from == Party::kBroker && f.isResponse && f.code == rc::SUCCESS && f.reqCode &&
          hasRecordBody(*f.reqCode))) {
      continue;
    }
    Records r = decodeRecords(f.body);
    for (const auto& rec : r.list) {
      times_.addJava(rec.physicalOffset, rec.storeTimestamp,
                     {std::string(rec.topic), rec.queueId, rec.queueOffset});
    }
  }
}

bool BrokerReplay::startBroker() {
  if (Status s = broker_.start(kJavaBrokerPort, javaClockBehind(cf_)); !s.ok()) {
    fail(cf_.name, "setup", s.message(), "-");
    return false;
  }
  rctx_.ourStoreHost = broker_.storeHost();
  rctx_.javaStoreHost = *store::parseHostAddress(kJavaBrokerAddr);
  rctx_.ourHostHex = store::offsetMsgId(rctx_.ourStoreHost, 0).substr(0, 16);
  rctx_.javaHostHex = store::offsetMsgId(rctx_.javaStoreHost, 0).substr(0, 16);
  sum_.environment = "broker on 127.0.0.1:" + std::to_string(broker_.port()) +
                     (broker_.port() == kJavaBrokerPort ? " (Java's port)" : " (40911 was taken)");
  return true;
}

void BrokerReplay::cleanup() {
  conns_.clear();
  broker_.stop();
}

ConnState* BrokerReplay::conn(const std::string& id) {
  auto it = conns_.find(id);
  if (it != conns_.end()) return it->second.get();
  auto c = std::make_unique<ConnState>();
  c->id = id;
  const CaptureConnection* rec = cf_.connection(id);
  if (rec) {
    auto host = store::parseHostAddress(rec->peer);
    if (host) c->recordedPort = host->port;
  }
  c->sock = std::make_unique<RawConnection>();
  if (Status s = c->sock->connect(broker_.port(), static_cast<uint16_t>(c->recordedPort));
      !s.ok()) {
    fail(cf_.name + " connection " + id, "connect", s.message(), "-");
    return nullptr;
  }
  rctx_.clientPorts[c->recordedPort] = c->sock->localPort();
  return conns_.emplace(id, std::move(c)).first->second.get();
}

// Reads one frame from `c` into its inbox; false on timeout or a closed connection.
bool BrokerReplay::pump(ConnState& c, int timeoutMs) {
  if (c.closed) return false;
  std::string bytes, error;
  RawConnection::Read r = c.sock->next(timeoutMs, bytes, error);
  if (r != RawConnection::Read::kFrame) {
    if (r == RawConnection::Read::kClosed || r == RawConnection::Read::kError) {
      c.closed = true;
      if (r == RawConnection::Read::kError) {
        fail(cf_.name + " connection " + c.id, "read", error, "-");
      }
    }
    return false;
  }
  DecodedFrame d;
  if (Status s = decodeOwned(std::move(bytes), d); !s.ok()) {
    fail(cf_.name + " connection " + c.id, "frame", "undecodable: " + s.message(), "-");
    return false;
  }
  if (!d.cmd.isResponse()) {
    ++sum_.brokerRequests;
    // Decoded again in place: the command borrows its body from the bytes it was read from.
    c.brokerRequests.emplace_back();
    (void)decodeOwned(std::move(d.bytes), c.brokerRequests.back());
    return true;
  }
  const int32_t opaque = d.cmd.opaque;
  if (auto it = c.oneway.find(opaque); it != c.oneway.end()) {
    fail(it->second, "answer to a oneway request",
         "code " + std::to_string(d.cmd.code) + " " + d.cmd.remark.value_or(""), "no answer");
  }
  DecodedFrame& slot = c.responses[opaque];  // map nodes stay where they are
  (void)decodeOwned(std::move(d.bytes), slot);
  return true;
}

// Waits until our answer to request frame `reqIdx` is in, up to `timeoutMs`.
DecodedFrame* BrokerReplay::awaitOurs(size_t reqIdx, int timeoutMs) {
  const CaptureFrame& f = cf_.frames[reqIdx];
  ConnState* c = conn(f.conn);
  if (!c) return nullptr;
  const int64_t deadline = monotonicMillis() + timeoutMs;
  for (;;) {
    auto it = c->responses.find(f.opaque);
    if (it != c->responses.end()) return &it->second;
    const int64_t left = deadline - monotonicMillis();
    if (left <= 0 || c->closed) return nullptr;
    pump(*c, static_cast<int>(left));
  }
}

// Our store time of the record at `offset`, if that record is the message Java stored there.
std::optional<int64_t> BrokerReplay::ourStoreTime(int64_t offset) {
  const TimeMap::Place* place = times_.placeOf(offset);
  auto ours = place ? broker_.recordAt(offset) : std::nullopt;
  if (!ours || !(ours->first == *place)) return std::nullopt;
  return ours->second;
}

std::vector<std::pair<int64_t, int64_t>> BrokerReplay::timePairs() {
  return times_.pairs([this](int64_t off, const TimeMap::Place&) { return ourStoreTime(off); });
}

// Waits until the messages sent before to the queue(s) the request names are in our store.
void BrokerReplay::gate(const CaptureFrame& f) {
  std::vector<std::pair<std::string, int32_t>> queues;
  switch (f.code) {
    case req::PULL_MESSAGE:
    case req::QUERY_CONSUMER_OFFSET:
    case req::GET_MAX_OFFSET:
    case req::GET_MIN_OFFSET:
    case req::SEARCH_OFFSET_BY_TIMESTAMP:
    case req::GET_EARLIEST_MSG_STORETIME: {
      auto q = parseJavaInt(extOf(f, "queueId"));
      if (q) queues.emplace_back(extOf(f, "topic"), *q);
      break;
    }
    case req::GET_TOPIC_STATS_INFO:
    case req::GET_CONSUME_STATS: {
      // Queue offsets of a whole topic (of every topic when the request names none).
      const std::string topic = extOf(f, "topic");
      for (const auto& [tq, n] : expected_) {
        if (topic.empty() || tq.first == topic) queues.push_back(tq);
      }
      break;
    }
    case req::QUERY_MESSAGE:
    case req::VIEW_MESSAGE_BY_ID:
      for (const auto& [tq, n] : expected_) queues.push_back(tq);
      break;
    default:
      return;
  }
  const int64_t deadline = monotonicMillis() + kGateTimeoutMs;
  for (const auto& tq : queues) {
    auto it = expected_.find(tq);
    if (it == expected_.end()) continue;
    while (broker_.store().maxOffsetInQueue(tq.first, tq.second) < it->second &&
           monotonicMillis() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  while (broker_.store().dispatchBehindBytes() > 0 && monotonicMillis() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// The request as sent: the recorded bytes, or with Java's timestamps moved to our clock.
std::string BrokerReplay::requestBytes(const CaptureFrame& f) {
  std::vector<const char*> keys;
  if (f.code == req::SEARCH_OFFSET_BY_TIMESTAMP) keys = {"timestamp"};
  if (f.code == req::QUERY_MESSAGE) keys = {"beginTimestamp", "endTimestamp"};
  if (keys.empty()) return f.frame;
  DecodedFrame d;
  if (!decodeOwned(f.frame, d).ok()) return f.frame;
  auto pairs = timePairs();
  bool changed = false;
  for (const char* k : keys) {
    auto v = d.cmd.ext.getInt64(k);
    if (!v) continue;
    const std::string_view key(k);
    int64_t mapped = key == "timestamp" ? TimeMap::map(*v, pairs)
                                        : TimeMap::mapBound(*v, pairs, key == "beginTimestamp");
    if (mapped != *v) {
      d.cmd.ext.setInt(k, mapped);
      changed = true;
    }
  }
  if (!changed) return f.frame;
  ++sum_.adaptations
        ["request timestamps moved to our clock (SEARCH_OFFSET_BY_TIMESTAMP "
         "timestamp, QUERY_MESSAGE begin/endTimestamp)"];
  return remoting::encodeFrame(d.cmd);
}

void BrokerReplay::waitForHeartbeats() {
  for (size_t hb : outstandingHeartbeats_) {
    if (!awaitOurs(hb, kResponseTimeoutMs)) {
      fail(cf_.frames[hb].where(), "response", "no answer to the heartbeat within 8 s",
           "an answer");
    }
  }
  outstandingHeartbeats_.clear();
}

void BrokerReplay::send(const Step& step) {
  const CaptureFrame& f = cf_.frames[step.frame];
  ConnState* c = conn(f.conn);
  if (!c) return;
  waitForHeartbeats();
  if (step.padBefore) {
    if (!plan_.sharedQueueEntries.empty() && !seeded_) {
      for (const auto& [q, n] : plan_.sharedQueueEntries) {
        sum_.adaptations["shared queue " + q.first + " " + std::to_string(q.second) +
                         " seeded with the " + std::to_string(n) +
                         " entries Java's queue held from earlier captures"] += 1;
      }
    }
    if (auto d = broker_.pad(step.padTo, sum_.paddingBytes,
                             seeded_ ? std::map<std::pair<std::string, int32_t>, int64_t>{}
                                     : plan_.sharedQueueEntries)) {
      fail(f.where(), d->field, d->ours, d->java);
    }
    seeded_ = true;
  }
  gate(f);
  const std::string bytes = requestBytes(f);
  ++sum_.requests;
  if (!step.moved.empty()) {
    ++sum_.moved;
    ++sum_.adaptations[f.code == req::PULL_MESSAGE
                           ? "pull re-ordered against a heartbeat (planPullOrder)"
                           : "send re-ordered to Java's store order (planSendOrder)"];
  }
  if (Status s = c->sock->send(bytes); !s.ok()) {
    fail(f.where(), "send", s.message(), "-");
    return;
  }
  if ((f.flag & remoting::kFlagOneway) != 0) {
    ++sum_.oneway;
    c->oneway[f.opaque] = f.where();
  } else if (!cf_.responseOf(f.index)) {
    c->javaUnanswered[f.opaque] = f.where();
  }
  if (f.code == req::HEART_BEAT) outstandingHeartbeats_.push_back(f.index);
  if (isSend(f.code)) {
    if (auto tq = directSendTarget(f)) expected_[*tq] += static_cast<int64_t>(messagesInSend(f));
  }
}

void BrokerReplay::closeConn(const Step& step) {
  ConnState* c = conn(cf_.frames[step.frame].conn);
  if (!c || c->closed) return;
  // Collect what comes before the socket goes; after a oneway request or one Java never
  // answered, give a (wrong) answer a moment to arrive.
  const bool lastWasRequest = !cf_.frames[step.frame].isResponse;
  while (pump(*c, lastWasRequest ? kCloseGraceMs : 0)) {
  }
  finishConn(*c);
  c->sock->close();
  c->closed = true;
}

// The n-th request of a code our broker sent on a connection stands for the n-th recorded one.
bool BrokerReplay::awaitBrokerRequest(size_t frame) {
  const CaptureFrame& f = cf_.frames[frame];
  ConnState* c = conn(f.conn);
  if (!c) return false;
  if (c->brokerOpaqueOf.contains(frame)) return true;
  size_t n = 0;
  for (size_t i : cf_.connection(f.conn)->frames) {
    if (i == frame) break;
    const CaptureFrame& g = cf_.frames[i];
    if (g.from == Party::kBroker && !g.isResponse && g.code == f.code) ++n;
  }
  const int64_t deadline = monotonicMillis() + kBrokerRequestTimeoutMs;
  for (;;) {
    size_t seen = 0;
    for (const DecodedFrame& d : c->brokerRequests) {
      if (d.cmd.code != f.code) continue;
      if (seen++ == n) {
        c->brokerOpaqueOf[frame] = d.cmd.opaque;
        return true;
      }
    }
    const int64_t left = deadline - monotonicMillis();
    if (left <= 0 || c->closed) {
      fail(f.where(), "broker-originated request",
           "none within " + std::to_string(kBrokerRequestTimeoutMs / 1000) + " s", f.codeName);
      return false;
    }
    pump(*c, static_cast<int>(left));
  }
}

// The client's recorded answer to a broker-originated request, with our broker's opaque.
void BrokerReplay::respond(const Step& step) {
  const CaptureFrame& f = cf_.frames[step.frame];
  if (!f.pair || !awaitBrokerRequest(*f.pair)) return;
  ConnState* c = conn(f.conn);
  DecodedFrame d;
  if (!c || !decodeOwned(f.frame, d).ok()) return;
  d.cmd.opaque = c->brokerOpaqueOf[*f.pair];
  if (!step.moved.empty()) {
    ++sum_.moved;
    ++sum_.adaptations
          ["answer to a pushed reply sent after the requester's next send, which "
           "Java stored before the reply (planReplyOrder)"];
  }
  ++sum_.adaptations
        ["client answer to a broker-originated request re-sent with our broker's opaque"];
  if (Status s = c->sock->send(remoting::encodeFrame(d.cmd)); !s.ok()) {
    fail(f.where(), "send", s.message(), "-");
  }
}

namespace {

bool isClientEndTransaction(const CaptureFrame& f) {
  return f.code == req::END_TRANSACTION && (f.flag & remoting::kFlagOneway) != 0 &&
         !parseJavaBoolean(extOf(f, "fromTransactionCheck"));
}

// The next send after step `at` whose commit log offset in Java is known, if any.
std::optional<std::pair<size_t, int64_t>> nextKnownSend(const Plan& plan, const CaptureFile& cf,
                                                        size_t at) {
  for (size_t j = at + 1; j < plan.steps.size(); ++j) {
    const Step& s = plan.steps[j];
    if (s.kind != StepKind::kSend || !isSend(cf.frames[s.frame].code)) continue;
    auto it = plan.javaOffsets.find(s.frame);
    if (it == plan.javaOffsets.end()) return std::nullopt;
    return std::make_pair(j, it->second);
  }
  return std::nullopt;
}

}  // namespace

// A producer's END_TRANSACTION is oneway and runs on Java's end-transaction pool, after the
// producer may already have sent its next message: when Java stored that next message where our
// commit log ends now, Java wrote this END_TRANSACTION's records after it, so it is sent after
// that send has been answered.
bool BrokerReplay::deferEndTransaction(size_t at) {
  const Step& step = plan_.steps[at];
  if (!isClientEndTransaction(cf_.frames[step.frame])) return false;
  auto next = nextKnownSend(plan_, cf_, at);
  if (!next || next->second != broker_.store().maxPhyOffset()) return false;
  deferred_[plan_.steps[next->first].frame].push_back(step);
  ++sum_.adaptations
        ["END_TRANSACTION sent after the producer's next send, which Java stored before its "
         "records (Java's end-transaction thread pool)"];
  return true;
}

// Sends an END_TRANSACTION and waits until it has written its records (the next request may
// depend on their place in the commit log): a commit or rollback writes an op record last, after
// the final message of a commit, so our op queue grows by one; UNKNOW writes nothing.
void BrokerReplay::sendEndTransaction(const Step& step) {
  const int64_t opBefore = broker_.store().maxOffsetInQueue(kTransOpHalfTopic, 0);
  send(step);
  const int32_t type = parseJavaInt(extOf(cf_.frames[step.frame], "commitOrRollback")).value_or(0);
  constexpr int32_t kCommit = 8, kRollback = 12;  // MessageSysFlag.TRANSACTION_*_TYPE
  if (type != kCommit && type != kRollback) return;
  const int64_t deadline = monotonicMillis() + kGateTimeoutMs;
  while (broker_.store().maxOffsetInQueue(kTransOpHalfTopic, 0) <= opBefore &&
         monotonicMillis() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void BrokerReplay::sendDeferred(size_t frame) {
  auto it = deferred_.find(frame);
  if (it == deferred_.end()) return;
  std::vector<Step> steps = std::move(it->second);
  deferred_.erase(it);
  for (const Step& s : steps) sendEndTransaction(s);
}

void BrokerReplay::replay() {
  sum_.recordedResponses = plan_.recordedResponses;
  // Each send keeps at least its scaled recorded gap to the previous one, also when waiting
  // for answers made the replay late (a late replay must not squeeze later gaps).
  int64_t lastSent = monotonicMillis();
  double lastVtime = 0;
  for (size_t i = 0; i < plan_.steps.size(); ++i) {
    const Step& step = plan_.steps[i];
    switch (step.kind) {
      case StepKind::kSend: {
        if (deferEndTransaction(i)) break;
        const double gap = std::max(0.0, step.vtime - lastVtime);
        const int64_t at = lastSent + static_cast<int64_t>(gap * kTimeScale * 1000.0);
        const int64_t wait = at - monotonicMillis();
        if (wait > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait));
        if (cf_.frames[step.frame].code == req::END_TRANSACTION) {
          sendEndTransaction(step);
        } else {
          send(step);
        }
        if (!cf_.responseOf(step.frame)) sendDeferred(step.frame);
        lastSent = monotonicMillis();
        lastVtime = std::max(lastVtime, step.vtime);
        break;
      }
      case StepKind::kAwait:
        await(step);
        sendDeferred(step.frame);
        break;
      case StepKind::kClose:
        closeConn(step);
        break;
      case StepKind::kAwaitBroker:
        awaitBrokerRequest(step.frame);
        break;
      case StepKind::kRespond:
        respond(step);
        break;
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(kFinalSilenceMs));
  for (auto& [id, c] : conns_) {
    if (c->closed) continue;
    while (pump(*c, 0)) {
    }
    finishConn(*c);
  }
  for (size_t r : plan_.requests) {
    const CaptureFrame& f = cf_.frames[r];
    if (!cf_.responseOf(r) && (f.flag & remoting::kFlagOneway) == 0) {
      sum_.notCompared.push_back(f.where() + " " + f.codeName +
                                 ": Java never answered (held until the client shut down); "
                                 "ours did not answer either");
    }
  }
}

void printSummary(const Summary& s) {
  size_t allowed = 0;
  for (const auto& [reason, n] : s.allowed) allowed += n;
  std::cout << "[ replay   ] " << s.capture << ": " << s.requests << " requests replayed ("
            << s.oneway << " oneway, no answer expected; " << s.moved << " re-ordered), "
            << s.compared << " of " << s.recordedResponses << " recorded responses compared ("
            << s.identical << " frames byte-identical), " << s.brokerRequests
            << " broker-originated requests compared, " << allowed << " allowed differences, "
            << s.failures << " failing, " << s.bugs.size() << " known broker bug differences\n";
  std::cout << "             " << s.environment << "; commit log padded with " << s.paddingBytes
            << " bytes\n";
  for (const auto& [what, n] : s.adaptations) {
    std::cout << "             input adapted " << n << " x " << what << "\n";
  }
  if (s.allowed.empty()) std::cout << "             differences allowed: none\n";
  for (const auto& [reason, n] : s.allowed) {
    std::cout << "             allowed " << n << " x " << reason << "\n";
  }
  for (const std::string& k : s.skippedParts)
    std::cout << "             not replayed: " << k << "\n";
  for (const std::string& k : s.notCompared)
    std::cout << "             not compared: " << k << "\n";
  for (const std::string& b : s.bugs) std::cout << "             " << b << "\n";
}

}  // namespace rmq::compat::brokerreplay
