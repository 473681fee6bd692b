#include "compat-tests/golden/broker_replay_plan.h"

#include <set>

#include "common/properties.h"
#include "common/protocol/heartbeat.h"
#include "compat-tests/golden/broker_replay_records.h"
#include "compat-tests/golden/replay_support.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "store/batch_body.h"
#include "store/message_id.h"
#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::compat::brokerreplay {

namespace req = remoting::request_code;
namespace rc = remoting::response_code;

bool isSend(int32_t code) {
  return code == req::SEND_MESSAGE || code == req::SEND_MESSAGE_V2 ||
         code == req::SEND_BATCH_MESSAGE;
}

bool hasRecordBody(int32_t requestCode) {
  return requestCode == req::PULL_MESSAGE || requestCode == req::QUERY_MESSAGE ||
         requestCode == req::VIEW_MESSAGE_BY_ID;
}

std::string extOf(const CaptureFrame& f, std::string_view key) {
  return recordedExt(f, key).value_or("");
}

std::optional<std::pair<std::string, int32_t>> directSendTarget(const CaptureFrame& f) {
  const bool v2 = f.code != req::SEND_MESSAGE;
  std::string topic = extOf(f, v2 ? "b" : "topic");
  auto q = parseJavaInt(extOf(f, v2 ? "e" : "queueId"));
  std::string props = extOf(f, v2 ? "i" : "properties");
  if (topic.empty() || !q || *q < 0 || topic[0] == '%') return std::nullopt;
  auto delay = store::findProperty(props, store::property::kDelayTimeLevel);
  if (delay && parseJavaInt(*delay).value_or(0) > 0) return std::nullopt;
  if (parseJavaBoolean(
          store::findProperty(props, store::property::kTransactionPrepared).value_or("false"))) {
    return std::nullopt;
  }
  return std::make_pair(topic, *q);
}

bool clientReactsTo(int32_t code) {
  return code == req::CHECK_TRANSACTION_STATE || code == req::PUSH_REPLY_MESSAGE_TO_CLIENT ||
         code == req::RESET_CONSUMER_CLIENT_OFFSET;
}

size_t messagesInSend(const CaptureFrame& f) {
  if (f.code != req::SEND_BATCH_MESSAGE) return 1;
  std::vector<store::BatchEntry> entries;
  if (!store::decodeBatchBody(store::asBytes(f.body), entries).ok()) return 1;
  return entries.size();
}
namespace {

bool isBrokerConn(const CaptureConnection& c) {
  return c.server == kJavaBrokerAddr;
}

// Which connections of the capture are replayed.
std::set<std::string> replayedConnections(const CaptureFile& cf, const ReplayedCapture& rc,
                                          std::map<std::string, std::string>& skippedWhy) {
  std::set<std::string> out;
  for (const CaptureConnection& c : cf.connections) {
    if (!isBrokerConn(c)) continue;
    std::string part;
    for (size_t i : c.frames) {
      const CaptureFrame& f = cf.frames[i];
      std::string text = f.headerJson + f.bodyText.value_or("");
      for (const std::string& p : rc.skippedParts) {
        // Names are JC_<run>_<part>[suffix] / JCG_<run>_<part>[suffix].
        if (text.find("_" + p) != std::string::npos) part = p;
      }
      if (!part.empty()) break;
    }
    if (part.empty()) {
      out.insert(c.id);
    } else {
      skippedWhy[c.id] = part;
    }
  }
  return out;
}

// Subscription versions per group and topic after each heartbeat, as Java's
// ConsumerGroupInfo.updateSubscription keeps them: new topics added, a higher subVersion
// replaces, topics missing from the heartbeat removed.
struct SubscriptionTimeline {
  std::vector<size_t> heartbeats;  // frame indices, capture order
  std::vector<std::map<std::string, std::map<std::string, int64_t>>> after;  // per heartbeat

  void build(const CaptureFile& cf, const std::vector<size_t>& requests) {
    std::map<std::string, std::map<std::string, int64_t>> table;
    for (size_t i : requests) {
      const CaptureFrame& f = cf.frames[i];
      if (f.code != req::HEART_BEAT) continue;
      protocol::HeartbeatData hb;
      if (!protocol::HeartbeatData::decode(f.body, hb).ok()) continue;
      for (const auto& cd : hb.consumerDataSet) {
        auto& subs = table[cd.groupName];
        std::set<std::string> seen;
        for (const auto& sd : cd.subscriptionDataSet) {
          seen.insert(sd.topic);
          auto it = subs.find(sd.topic);
          if (it == subs.end() || sd.subVersion > it->second) subs[sd.topic] = sd.subVersion;
        }
        for (auto it = subs.begin(); it != subs.end();) {
          it = seen.contains(it->first) ? std::next(it) : subs.erase(it);
        }
      }
      heartbeats.push_back(i);
      after.push_back(table);
    }
  }
  // First heartbeat after which `pred(version or nullopt)` holds; npos if none.
  template <typename Pred>
  size_t first(const std::string& group, const std::string& topic, Pred pred) const {
    for (size_t k = 0; k < heartbeats.size(); ++k) {
      std::optional<int64_t> v;
      auto g = after[k].find(group);
      if (g != after[k].end()) {
        auto t = g->second.find(topic);
        if (t != g->second.end()) v = t->second;
      }
      if (pred(v)) return k;
    }
    return std::string::npos;
  }
};

// Moves pulls relative to heartbeats as Java processed them (see the header comment).
void planPullOrder(const CaptureFile& cf, const std::vector<size_t>& requests,
                   std::vector<Step>& steps) {
  SubscriptionTimeline tl;
  tl.build(cf, requests);
  auto sendPos = [&](size_t frame) {
    for (size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].kind == StepKind::kSend && steps[i].frame == frame) return i;
    }
    return std::string::npos;
  };
  for (size_t i : requests) {
    const CaptureFrame& p = cf.frames[i];
    if (p.code != req::PULL_MESSAGE) continue;
    const int64_t sysFlag = parseJavaLong(extOf(p, "sysFlag")).value_or(0);
    if ((sysFlag & 0x4) != 0) continue;  // the subscription comes with the request
    const std::string group = extOf(p, "consumerGroup"), topic = extOf(p, "topic");
    const int64_t sv = parseJavaLong(extOf(p, "subVersion")).value_or(0);
    const CaptureFrame* resp = cf.responseOf(i);
    const int32_t code = resp ? resp->code : rc::PULL_NOT_FOUND;  // unanswered: held
    size_t k;
    bool before;
    if (code == rc::SUBSCRIPTION_NOT_LATEST) {
      k = tl.first(group, topic, [&](std::optional<int64_t> v) { return v && *v >= sv; });
      before = true;
    } else if (code == rc::SUBSCRIPTION_NOT_EXIST) {
      k = tl.first(group, topic, [&](std::optional<int64_t> v) { return v.has_value(); });
      before = true;
    } else {
      k = tl.first(group, topic, [&](std::optional<int64_t> v) { return v && *v >= sv; });
      before = false;
    }
    if (k == std::string::npos) continue;
    const size_t hb = tl.heartbeats[k];
    const size_t from = sendPos(i), hbPos = sendPos(hb);
    if (from == std::string::npos || hbPos == std::string::npos) continue;
    if (before && hbPos < from) {
      Step s = steps[from];
      s.vtime = steps[hbPos].vtime;
      s.moved = "sent before the heartbeat at line " + std::to_string(cf.frames[hb].line) +
                ": Java answered " + resp->codeName + ", so it ran before that heartbeat";
      steps.erase(steps.begin() + static_cast<long>(from));
      steps.insert(steps.begin() + static_cast<long>(hbPos), s);
    } else if (!before && hbPos > from) {
      Step s = steps[from];
      s.vtime = steps[hbPos].vtime;
      s.moved = "sent after the heartbeat at line " + std::to_string(cf.frames[hb].line) +
                " was answered: Java served it with the subscription that heartbeat registered";
      steps.erase(steps.begin() + static_cast<long>(from));
      const size_t at = sendPos(hb) + 1;
      steps.insert(steps.begin() + static_cast<long>(at), s);
      // Our answer is awaited after the send, wherever Java's was recorded.
      for (size_t a = 0; a < at; ++a) {
        if (steps[a].kind == StepKind::kAwait && steps[a].frame == i) {
          Step aw = steps[a];
          steps.erase(steps.begin() + static_cast<long>(a));
          steps.insert(steps.begin() + static_cast<long>(at), aw);
          break;
        }
      }
    }
  }
}

// Java's commit log offset of the (first) message of each send request: from the recorded
// msgId, else (oneway sends) from the recorded bodies holding a record with its UNIQ_KEY.
std::map<size_t, int64_t> javaSendOffsets(const CaptureFile& cf,
                                          const std::vector<size_t>& requests) {
  std::map<std::string, int64_t> byUniqKey;
  for (const CaptureFrame& f : cf.frames) {
    if (!(f.from == Party::kBroker && f.isResponse && f.code == rc::SUCCESS && f.reqCode &&
          hasRecordBody(*f.reqCode))) {
      continue;
    }
    for (const auto& rec : decodeRecords(f.body).list) {
      if (auto k =
              store::findProperty(rec.properties, store::property::kUniqClientMessageIdKeyIdx)) {
        byUniqKey.emplace(std::string(*k), rec.physicalOffset);
      }
    }
  }
  std::map<size_t, int64_t> out;
  for (size_t i : requests) {
    const CaptureFrame& f = cf.frames[i];
    if (!isSend(f.code)) continue;
    const CaptureFrame* resp = cf.responseOf(i);
    std::optional<std::string> id = resp ? recordedExt(*resp, "msgId") : std::nullopt;
    store::HostAddress host;
    int64_t offset = 0;
    if (id && store::decodeOffsetMsgId(id->substr(0, id->find(',')), host, offset).ok()) {
      out[i] = offset;
      continue;
    }
    if (f.code == req::SEND_BATCH_MESSAGE) continue;
    const std::string props = extOf(f, f.code == req::SEND_MESSAGE ? "properties" : "i");
    auto uniq = store::findProperty(props, store::property::kUniqClientMessageIdKeyIdx);
    if (!uniq) continue;
    auto it = byUniqKey.find(std::string(*uniq));
    if (it != byUniqKey.end()) out[i] = it->second;
  }
  return out;
}

// Java's send thread pool (sendMessageThreadPoolNums threads) stores sends that are in flight
// together in any order;
// the recorded offsets say which. Within a burst of sends (only sends and the awaits of their
// answers in between) the replay sends them in Java's commit log order.
void planSendOrder(const CaptureFile& cf, const std::vector<size_t>& requests,
                   std::vector<Step>& steps) {
  const std::map<size_t, int64_t> offsets = javaSendOffsets(cf, requests);
  auto offsetOf = [&](const Step& s) -> std::optional<int64_t> {
    if (s.kind != StepKind::kSend || !isSend(cf.frames[s.frame].code)) return std::nullopt;
    auto it = offsets.find(s.frame);
    if (it == offsets.end()) return std::nullopt;
    return it->second;
  };
  for (Step& s : steps) {
    if (s.padBefore) s.padTo = offsetOf(s).value_or(-1);
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    auto own = offsetOf(steps[i]);
    if (!own) continue;
    size_t best = i;
    int64_t bestOffset = *own;
    for (size_t j = i + 1; j < steps.size(); ++j) {
      const Step& s = steps[j];
      const bool sendStep = s.kind == StepKind::kSend && isSend(cf.frames[s.frame].code);
      const bool sendAwait = s.kind == StepKind::kAwait && isSend(cf.frames[s.frame].code);
      if (!sendStep && !sendAwait) break;
      if (!sendStep) continue;
      auto o = offsetOf(s);
      if (!o) break;
      if (*o < bestOffset) {
        best = j;
        bestOffset = *o;
      }
    }
    if (best == i) continue;
    Step s = steps[best];
    s.vtime = steps[i].vtime;
    if (steps[i].padBefore) {  // the padding goes before whichever send is first
      s.padBefore = true;
      s.padTo = bestOffset;
      steps[i].padBefore = false;
    }
    s.moved = "sent before line " + std::to_string(cf.frames[steps[i].frame].line) +
              ": Java stored it first (commit log offset " + std::to_string(bestOffset) + " < " +
              std::to_string(*own) + ")";
    steps.erase(steps.begin() + static_cast<long>(best));
    steps.insert(steps.begin() + static_cast<long>(i), s);
  }
}

// Java's offset of the message a send-like request stored, from its recorded answer's msgId.
std::optional<int64_t> recordedMsgOffset(const CaptureFile& cf, size_t request) {
  const CaptureFrame* resp = cf.responseOf(request);
  std::optional<std::string> id = resp ? recordedExt(*resp, "msgId") : std::nullopt;
  store::HostAddress host;
  int64_t offset = 0;
  if (!id || !store::decodeOffsetMsgId(id->substr(0, id->find(',')), host, offset).ok()) {
    return std::nullopt;
  }
  return offset;
}

// A reply (SEND_REPLY_MESSAGE_V2) is stored when the requester has answered its push
// (PUSH_REPLY_MESSAGE_TO_CLIENT), in Java as in ours; the requester may meanwhile have sent its
// next message, and Java's send and reply threads stored the two in either order. When Java
// stored such a send first, the requester's answer to the push goes after that send's answer.
void planReplyOrder(const CaptureFile& cf, const std::map<size_t, int64_t>& offsets,
                    std::vector<Step>& steps) {
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].kind != StepKind::kRespond || !steps[i].moved.empty()) continue;
    const CaptureFrame& answer = cf.frames[steps[i].frame];
    const size_t push = *answer.pair;
    if (cf.frames[push].code != req::PUSH_REPLY_MESSAGE_TO_CLIENT) continue;
    std::optional<size_t> reply;
    for (size_t r = push; r-- > 0;) {
      const CaptureFrame& f = cf.frames[r];
      if (f.from == Party::kClient && !f.isResponse &&
          (f.code == req::SEND_REPLY_MESSAGE_V2 || f.code == req::SEND_REPLY_MESSAGE)) {
        if (f.pair && *f.pair > push) reply = r;
        break;
      }
    }
    auto replyOffset = reply ? recordedMsgOffset(cf, *reply) : std::nullopt;
    if (!replyOffset) continue;
    std::optional<size_t> after;
    for (size_t j = i + 1; j < steps.size(); ++j) {
      const Step& s = steps[j];
      if (s.kind == StepKind::kAwait && s.frame == *reply) break;
      if (s.kind != StepKind::kAwait || !isSend(cf.frames[s.frame].code)) continue;
      auto it = offsets.find(s.frame);
      if (it != offsets.end() && it->second < *replyOffset) after = j;
    }
    if (!after) continue;
    Step moved = steps[i];
    moved.moved = "sent after the answer at line " +
                  std::to_string(cf.responseOf(steps[*after].frame)->line) +
                  ": Java stored that send before the reply (commit log offset " +
                  std::to_string(*replyOffset) + ")";
    steps.insert(steps.begin() + static_cast<long>(*after) + 1, moved);
    steps.erase(steps.begin() + static_cast<long>(i));
    --i;
  }
}

// The entries of the shared queues before the capture: the recorded queueOffset of the first
// half message (its answer names the half queue's offset) and of the first stored reply.
std::map<std::pair<std::string, int32_t>, int64_t> sharedQueueEntries(
    const CaptureFile& cf, const std::vector<size_t>& requests) {
  std::map<std::pair<std::string, int32_t>, int64_t> out;
  for (size_t i : requests) {
    const CaptureFrame& f = cf.frames[i];
    const CaptureFrame* resp = cf.responseOf(i);
    if (!resp || resp->code != rc::SUCCESS) continue;
    auto offset = parseJavaLong(recordedExt(*resp, "queueOffset").value_or(""));
    auto queue = parseJavaInt(recordedExt(*resp, "queueId").value_or(""));
    if (!offset || !queue) continue;
    std::pair<std::string, int32_t> q;
    if (f.code == req::SEND_MESSAGE_V2 || f.code == req::SEND_MESSAGE) {
      const std::string props = extOf(f, f.code == req::SEND_MESSAGE ? "properties" : "i");
      if (!parseJavaBoolean(
              store::findProperty(props, store::property::kTransactionPrepared).value_or(""))) {
        continue;
      }
      q = {kTransHalfTopic, 0};
    } else if (f.code == req::SEND_REPLY_MESSAGE_V2 || f.code == req::SEND_REPLY_MESSAGE) {
      q = {extOf(f, f.code == req::SEND_REPLY_MESSAGE ? "topic" : "b"), *queue};
    } else {
      continue;
    }
    out.emplace(q, *offset);  // the first one only
  }
  for (auto it = out.begin(); it != out.end();) {
    it = it->second > 0 ? std::next(it) : out.erase(it);
  }
  return out;
}

}  // namespace

Plan makePlan(const CaptureFile& cf, const ReplayedCapture& rcap) {
  Plan plan;
  std::set<std::string> conns = replayedConnections(cf, rcap, plan.skippedConns);
  std::map<std::string, size_t> lastFrame;
  for (const CaptureFrame& f : cf.frames) {
    if (conns.contains(f.conn)) lastFrame[f.conn] = f.index;
  }
  bool gap = true;  // a send here needs padding: start of the capture or after a skipped part
  double vtime = 0, lastT = -1;
  for (const CaptureFrame& f : cf.frames) {
    if (plan.skippedConns.contains(f.conn)) {
      gap = true;
      lastT = -1;  // skipped time does not count
      continue;
    }
    if (!conns.contains(f.conn)) continue;
    if (lastT >= 0) vtime += f.t - lastT;
    lastT = f.t;
    if (f.from == Party::kClient && !f.isResponse) {
      plan.requests.push_back(f.index);
      Step s{StepKind::kSend, f.index, vtime};
      if (isSend(f.code) && gap) {
        s.padBefore = true;
        gap = false;
      }
      plan.steps.push_back(s);
    } else if (f.from == Party::kBroker && f.isResponse) {
      ++plan.recordedResponses;
      if (f.pair) plan.steps.emplace_back(StepKind::kAwait, *f.pair, vtime);
    } else if (f.from == Party::kBroker && clientReactsTo(f.code)) {
      plan.steps.emplace_back(StepKind::kAwaitBroker, f.index, vtime);
    } else if (f.from == Party::kClient && f.isResponse && f.pair) {
      plan.steps.emplace_back(StepKind::kRespond, f.index, vtime);
    }
    if (lastFrame[f.conn] == f.index) plan.steps.emplace_back(StepKind::kClose, f.index, vtime);
  }
  plan.javaOffsets = javaSendOffsets(cf, plan.requests);
  plan.sharedQueueEntries = sharedQueueEntries(cf, plan.requests);
  planSendOrder(cf, plan.requests, plan.steps);
  planPullOrder(cf, plan.requests, plan.steps);
  planReplyOrder(cf, plan.javaOffsets, plan.steps);
  return plan;
}

}  // namespace rmq::compat::brokerreplay
