#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>

#include "common/properties.h"
#include "compat-tests/golden/broker_replay_runner.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "store/message_properties.h"

namespace rmq::compat::brokerreplay {

namespace req = remoting::request_code;
namespace rc = remoting::response_code;
using remoting::RemotingCommand;

namespace {

// A recorded pull whose answer came this much later was held by Java's long polling.
constexpr double kHeldPullSeconds = 0.2;

bool javaHeldPull(const CaptureFrame& request, const CaptureFrame& recorded) {
  return request.code == req::PULL_MESSAGE && recorded.t - request.t >= kHeldPullSeconds;
}

// A broker-originated request's extFields value as compared: the broker's clock (storeTimestamp,
// PUSH_REPLY_TIME) by shape, a properties string in sorted order (Java writes it from a
// HashMap). `shaped` is set when either applied.
std::string brokerRequestValue(std::string_view key, std::string_view value, bool& shaped) {
  if (key == "storeTimestamp") {
    shaped = true;
    return "<millis>";
  }
  if (key != "properties") return std::string(value);
  std::vector<std::string> segments;
  for (const auto& p : store::parseProperties(value)) {
    const bool clock = p.name == store::property::kPushReplyTime;
    shaped = shaped || clock;
    segments.push_back(std::string(p.name) + "\x01" + (clock ? "<millis>" : std::string(p.value)));
  }
  std::sort(segments.begin(), segments.end());
  std::string out;
  for (const auto& seg : segments) out += seg + "\x02";
  return out;
}

}  // namespace

void BrokerReplay::await(const Step& step) {
  const CaptureFrame& request = cf_.frames[step.frame];
  const CaptureFrame* recorded = cf_.responseOf(step.frame);
  if (!recorded) return;
  DecodedFrame* ours = awaitOurs(step.frame, kResponseTimeoutMs);
  if (!ours) {
    fail(responseWhere(request, *recorded), "response", "none within 8 s",
         "code " + std::to_string(recorded->code), request.code);
    return;
  }
  ConnState* c = conn(request.conn);
  c->consumed.insert(request.opaque);
  compare(request, *recorded, *ours);
}

void BrokerReplay::compareExtValue(const CaptureFrame& request, const std::string& key,
                                   std::optional<std::string_view> ours, std::string_view java,
                                   std::vector<Diff>& diffs, std::vector<std::string>& notes) {
  if (!ours) {
    diffs.push_back({"extFields." + key, "<absent>", std::string(java)});
    return;
  }
  std::string o(*ours);
  if (o == java) return;
  bool hostChanged = false;
  if (key == "msgId" && normalizeHost(o, rctx_, hostChanged) == java) {
    notes.push_back(kToleratedStoreHostPort);
    return;
  }
  auto jv = parseJavaLong(java), ov = parseJavaLong(o);
  if (jv && ov) {
    // Store times: ours must be our store time of the message Java's value is the time of.
    if (request.code == req::GET_EARLIEST_MSG_STORETIME && key == "timestamp") {
      for (int64_t off : times_.offsetsAt(*jv)) {
        if (ourStoreTime(off) == *ov) {
          notes.push_back(kToleratedMappedStoreTime);
          return;
        }
      }
    }
    if (request.code == req::QUERY_MESSAGE && key == "indexLastUpdateTimestamp") {
      auto phy = parseJavaLong(
          recordedExt(*cf_.responseOf(request.index), "indexLastUpdatePhyoffset").value_or(""));
      auto rec = phy ? broker_.recordAt(*phy) : std::nullopt;
      if (rec && rec->second == *ov) {
        notes.push_back(kToleratedMappedStoreTime);
        return;
      }
    }
  }
  diffs.push_back({"extFields." + key, o, std::string(java)});
}

void BrokerReplay::compare(const CaptureFrame& request, const CaptureFrame& recorded,
                           DecodedFrame& ours) {
  DecodedFrame java;
  if (Status s = decodeOwned(recorded.frame, java); !s.ok()) {
    fail(recorded.where(), "recorded frame", "-", "undecodable: " + s.message());
    return;
  }
  ++sum_.compared;
  if (ours.bytes == recorded.frame) ++sum_.identical;
  std::vector<Diff> diffs, raw;
  std::vector<std::string> notes;
  compareHeaders(request, ours, java, *recorded.header, raw);
  // extFields values get the value rules; every other header difference stands.
  for (Diff& d : raw) {
    if (d.field.starts_with("extFields.")) continue;
    if (d.field == "header bytes") continue;  // re-checked below when the values agree
    diffs.push_back(std::move(d));
  }
  const RemotingCommand& o = ours.cmd;
  const RemotingCommand& j = java.cmd;
  for (size_t i = 0; i < j.ext.size(); ++i) {
    std::string key(j.ext.keyAt(i));
    compareExtValue(request, key, o.ext.get(key), j.ext.valueAt(i), diffs, notes);
  }
  for (size_t i = 0; i < o.ext.size(); ++i) {
    if (!j.ext.contains(o.ext.keyAt(i))) {
      diffs.push_back(
          {"extFields." + std::string(o.ext.keyAt(i)), std::string(o.ext.valueAt(i)), "<absent>"});
    }
  }
  if (diffs.empty() && notes.empty()) {
    for (Diff& d : raw) {
      if (d.field == "header bytes") diffs.push_back(std::move(d));
    }
  }
  // Bodies.
  const size_t bodyStart = diffs.size();
  if (hasRecordBody(request.code) && (j.code != rc::SUCCESS || o.code != rc::SUCCESS)) {
    if (o.bodySize() != j.bodySize()) {
      auto describe = [](const RemotingCommand& c) {
        if (c.bodySize() == 0) return std::string("<none>");
        Records r = decodeRecords(c.body());
        return std::to_string(r.list.size()) + " records (" + std::to_string(c.bodySize()) +
               " bytes)";
      };
      diffs.push_back({"body", describe(o), describe(j)});
    }
  } else if (hasRecordBody(request.code)) {
    Records orec = decodeRecords(o.body()), jrec = decodeRecords(j.body());
    compareRecordLists(orec, jrec, rctx_, diffs, notes);
    if (diffs.size() != bodyStart && javaHeldPull(request, recorded)) {
      heldPullRace(orec, jrec, o, j, bodyStart, diffs, notes);
    }
  } else if (request.code == req::GET_BROKER_CONFIG) {
    comparePropertiesBodies(o.body(), j.body(), diffs, notes);
  } else {
    compareBodies(o.body(), j.body(), OrderRules::forRequest(orderRules(), request.code, false),
                  diffs, notes);
  }
  toleratePerRule(request.code, diffs, notes);
  for (const Diff& d : settleDifferences(allowedDifferences(), cf_.name, recorded.line,
                                         std::move(diffs), notes, sum_.allowed)) {
    fail(responseWhere(request, recorded), d.field, d.ours, d.java, request.code);
  }
}

// Values compared by shape (shapeRules()) and entries of earlier captures' topics and groups.
void BrokerReplay::toleratePerRule(int32_t requestCode, std::vector<Diff>& diffs,
                                   std::vector<std::string>& notes) {
  std::vector<Diff> rest;
  for (Diff& d : diffs) {
    if (const ShapeRule* r = findShapeRule(requestCode, d.field);
        r && sameShape(r->shape, d.ours, d.java)) {
      notes.push_back(std::string(r->field) + " compared by shape: " + r->reason);
    } else if (d.ours == "<absent>" && namesOtherRun(d.field, runId_)) {
      notes.push_back(kToleratedEarlierCaptureState);
    } else {
      rest.push_back(std::move(d));
    }
  }
  diffs = std::move(rest);
}

// Our broker's address in a broker-originated request's value (storeHost, offsetMsgId) as
// Java's, and a replay socket's port (bornHost) as the recorded client port, when the replay
// could not use those ports.
std::string BrokerReplay::javaHosts(std::string_view key, std::string value,
                                    std::set<std::string>& notes) const {
  const std::string ours = "127.0.0.1:" + std::to_string(broker_.port());
  if (key == "storeHost" && value == ours && ours != kJavaBrokerAddr) {
    notes.insert(kToleratedStoreHostPort);
    return kJavaBrokerAddr;
  }
  if (key == "offsetMsgId") {
    bool changed = false;
    value = normalizeHost(std::move(value), rctx_, changed);
    if (changed) notes.insert(kToleratedStoreHostPort);
    return value;
  }
  if (key == "bornHost") {
    for (const auto& [recorded, local] : rctx_.clientPorts) {
      if (recorded != local && value == "127.0.0.1:" + std::to_string(local)) {
        notes.insert(kToleratedBornHostPort);
        return "127.0.0.1:" + std::to_string(recorded);
      }
    }
  }
  return value;
}

// A held pull's answer may hold fewer or more of the messages that arrived together: accepted
// when the records of one answer are a prefix of the other's (the only body difference is the
// count) and nextBeginOffset and maxOffset differ by exactly that count.
void BrokerReplay::heldPullRace(const Records& orec, const Records& jrec, const RemotingCommand& o,
                                const RemotingCommand& j, size_t bodyStart,
                                std::vector<Diff>& diffs, std::vector<std::string>& notes) {
  for (size_t i = bodyStart; i < diffs.size(); ++i) {
    if (diffs[i].field != "body record count" &&
        !findKnownBug(cf_.name, diffs[i].field, req::PULL_MESSAGE)) {
      return;
    }
  }
  const int64_t delta =
      static_cast<int64_t>(orec.list.size()) - static_cast<int64_t>(jrec.list.size());
  auto shifted = [&](const char* key) {
    auto a = o.ext.getInt64(key), b = j.ext.getInt64(key);
    return a && b && *a - *b == delta;
  };
  if (delta == 0 || !shifted("nextBeginOffset") || !shifted("maxOffset")) return;
  std::vector<Diff> rest;
  for (size_t i = 0; i < bodyStart; ++i) {
    if (diffs[i].field != "extFields.nextBeginOffset" && diffs[i].field != "extFields.maxOffset") {
      rest.push_back(diffs[i]);
    }
  }
  diffs = std::move(rest);
  notes.push_back(kToleratedHeldPullRace);
}

// The end of a connection: nothing unexpected answered, the broker's requests as Java's.
void BrokerReplay::finishConn(ConnState& c) {
  for (const auto& [opaque, d] : c.responses) {
    if (c.consumed.contains(opaque) || c.oneway.contains(opaque)) continue;
    auto it = c.javaUnanswered.find(opaque);
    fail(it != c.javaUnanswered.end() ? it->second : cf_.name + " connection " + c.id, "answer",
         "code " + std::to_string(d.cmd.code) + " " + d.cmd.remark.value_or(""),
         it != c.javaUnanswered.end()
             ? "no answer (Java still held it when the client shut down)"
             : "nothing (no request with opaque " + std::to_string(opaque) + ")");
  }
  c.responses.clear();
  // Broker-originated requests: same codes, flags and fields, in any order.
  std::multiset<std::string> ours, java;
  std::map<std::string, std::string> where;
  bool shaped = false;
  std::set<std::string> hostNotes;
  auto key = [&](const RemotingCommand& cmd, bool oursSide) {
    std::vector<std::string> ext;
    for (size_t i = 0; i < cmd.ext.size(); ++i) {
      std::string v = brokerRequestValue(cmd.ext.keyAt(i), cmd.ext.valueAt(i), shaped);
      if (oursSide) v = javaHosts(cmd.ext.keyAt(i), std::move(v), hostNotes);
      ext.push_back(std::string(cmd.ext.keyAt(i)) + "=" + v);
    }
    std::sort(ext.begin(), ext.end());
    std::string k = "code " + std::to_string(cmd.code) + " flag " + std::to_string(cmd.flag) + " " +
                    remoting::languageName(cmd.language) + " version " +
                    std::to_string(cmd.version) + " " + serializeName(cmd.serializeType) + " {";
    for (const auto& e : ext) k += e + ";";
    return k + "} body " + std::to_string(cmd.bodySize());
  };
  for (const DecodedFrame& d : c.brokerRequests) ours.insert(key(d.cmd, true));
  const CaptureConnection* rec = cf_.connection(c.id);
  if (rec) {
    for (size_t i : rec->frames) {
      const CaptureFrame& f = cf_.frames[i];
      if (f.from != Party::kBroker || f.isResponse) continue;
      DecodedFrame d;
      if (!decodeOwned(f.frame, d).ok()) continue;
      java.insert(key(d.cmd, false));
      where[key(d.cmd, false)] = f.where();
    }
  }
  if (ours != java) {
    std::vector<std::string> onlyOurs, onlyJava;
    std::set_difference(ours.begin(), ours.end(), java.begin(), java.end(),
                        std::back_inserter(onlyOurs));
    std::set_difference(java.begin(), java.end(), ours.begin(), ours.end(),
                        std::back_inserter(onlyJava));
    auto join = [](const std::vector<std::string>& v) {
      std::string s;
      for (const auto& x : v) s += (s.empty() ? "" : " | ") + x;
      return s.empty() ? std::string("-") : s;
    };
    fail(cf_.name + " connection " + c.id, "broker-originated requests",
         "only ours: " + join(onlyOurs), "only Java: " + join(onlyJava));
  } else if (!java.empty()) {
    sum_.allowed[kToleratedBrokerOpaque] += java.size();
    if (shaped) ++sum_.allowed[kToleratedBrokerRequestShape];
    for (const std::string& n : hostNotes) ++sum_.allowed[n];
  }
  c.brokerRequests.clear();
}

}  // namespace rmq::compat::brokerreplay
