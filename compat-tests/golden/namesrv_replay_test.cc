// Golden replay of the name server: every request that the recorded Java 4.9.8 clients, tools
// and broker sent to the Java name server (shared/compat/captures) is re-sent, byte for byte, to
// an in-process NamesrvController, one connection of ours per recorded connection, in capture
// order. Each of our answers is compared with the recorded Java answer field by field: frame
// serialization, code, flag, language, version, opaque, remark, extFields (presence and every
// entry), the JSON header's members and, where no HashMap order is involved, its bytes, and the
// body (structurally, and byte for byte after sorting only what Java emits in HashMap/HashSet
// order). Oneway requests must get no answer at all.
//
// The requests are re-sent over a plain blocking socket rather than our Connection: that keeps
// the recorded bytes exactly and sees every frame that comes back (a Connection drops responses
// whose opaque it does not wait for, which would hide an answer to a oneway request).
//
// Most captures start with the broker already registered (its connection has no SYN in the
// capture). That state is recreated by one synthesized REGISTER_BROKER before the replay, built
// from a REGISTER_BROKER body recorded in the same capture (or, for captures that hold none, in
// a named neighbouring capture; stateSources()), without the topics the capture shows were not
// yet known. Every difference the comparison tolerates is listed in kOrderRules or
// allowedDifferences() with its reason; anything else fails with file:line, field, ours vs Java.
#include <gtest/gtest.h>

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/json.h"
#include "common/logging.h"
#include "common/mq_version.h"
#include "common/protocol/register_broker_body.h"
#include "common/time_util.h"
#include "compat-tests/golden/capture_reader.h"
#include "compat-tests/golden/replay_support.h"
#include "namesrv/namesrv_controller.h"
#include "remoting/frame_codec.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace rmq::compat {
namespace {

namespace fs = std::filesystem;
using remoting::FrameParse;
using remoting::FrameView;
using remoting::RemotingCommand;
using remoting::SerializeType;
namespace req = remoting::request_code;
namespace rc = remoting::response_code;

constexpr int kResponseTimeoutMs = 5000;
constexpr int kOnewayProcessTimeoutMs = 5000;
// After the last request: how long every connection must stay silent (catches an answer to a
// oneway request, which our server would send right after processing it).
constexpr int kFinalSilenceMs = 150;

// =============================================================================================
// What the comparison tolerates, each with its reason.

// Containers Java fills in HashMap/HashSet iteration order. Both bodies are sorted at these
// paths before the byte comparison ("a.b" = member b of member a, "[]" = every array element,
// "*" = every entry of a map); structurally they are compared as unordered (replay_support.h).
constexpr OrderRule kOrderRules[] = {
    {req::GET_ROUTEINFO_BY_TOPIC, "brokerDatas", false, false,
     "RouteInfoManager.pickupTopicRouteData adds a BrokerData per name of a HashSet<String>"},
    {req::GET_ROUTEINFO_BY_TOPIC, "queueDatas", false, false,
     "queueDatas is copied from the topic's HashMap<brokerName, QueueData>"},
    // The standard form (version >= V4_9_4) is written with MapSortField: sorted, no rule.
    {req::GET_ROUTEINFO_BY_TOPIC, "filterServerTable", true, true,
     "HashMap<brokerAddr, List>; fastjson default form keeps HashMap order"},
    {req::GET_ROUTEINFO_BY_TOPIC, "brokerDatas[].brokerAddrs", true, true,
     "HashMap<Long, String>; fastjson default form keeps HashMap order"},
    {req::GET_BROKER_CLUSTER_INFO, "brokerAddrTable", true, false,
     "ClusterInfo.brokerAddrTable is a HashMap<brokerName, BrokerData>"},
    {req::GET_BROKER_CLUSTER_INFO, "brokerAddrTable.*.brokerAddrs", true, false,
     "BrokerData.brokerAddrs is a HashMap<Long, String>"},
    {req::GET_BROKER_CLUSTER_INFO, "clusterAddrTable", true, false,
     "ClusterInfo.clusterAddrTable is a HashMap<clusterName, Set>"},
    {req::GET_BROKER_CLUSTER_INFO, "clusterAddrTable.*", false, false,
     "the broker names of a cluster are a HashSet<String>"},
    {req::GET_ALL_TOPIC_LIST_FROM_NAMESERVER, "topicList", false, false,
     "TopicList.topicList is a HashSet<String>"},
    {req::GET_TOPICS_BY_CLUSTER, "topicList", false, false,
     "TopicList.topicList is a HashSet<String>"},
    {req::GET_SYSTEM_TOPIC_LIST_FROM_NS, "topicList", false, false,
     "TopicList.topicList is a HashSet<String>"},
    {req::GET_UNIT_TOPIC_LIST, "topicList", false, false,
     "TopicList.topicList is a HashSet<String>"},
    {req::GET_HAS_UNIT_SUB_TOPIC_LIST, "topicList", false, false,
     "TopicList.topicList is a HashSet<String>"},
    {req::GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST, "topicList", false, false,
     "TopicList.topicList is a HashSet<String>"},
    {req::REGISTER_BROKER, "table", true, false, "KVTable.table is a HashMap<String, String>"},
    {req::GET_KVLIST_BY_NAMESPACE, "table", true, false,
     "KVTable.table is a HashMap<String, String>"},
};

// Individual differences that are accepted (AllowedDifference, replay_support.h). None at
// present: apart from the order rules above, every recorded response is reproduced exactly. An
// entry looks like
//   {"scenario_x.jsonl", 42, "extFields.masterAddr", "why Java's value cannot be reproduced"}.
const std::vector<AllowedDifference>& allowedDifferences() {
  static const std::vector<AllowedDifference> allowed = {};
  return allowed;
}

// Captures that hold no whole-table REGISTER_BROKER before their first client request and whose
// pre-capture broker state therefore comes from other recorded registrations. Bodies are merged
// in order (a later body's topic replaces an earlier one's). The mqadmin captures were taken one
// after the other in the order README.md lists; the broker's topic data version says which
// registration describes the state in between.
struct StateSourceFrame {
  const char* capture;
  size_t line;
};
struct StateSource {
  const char* capture;
  std::vector<StateSourceFrame> frames;
  const char* reason;
};

const std::vector<StateSource>& stateSources() {
  static const std::vector<StateSource> sources = {
      {"mqadmin_updateTopic.jsonl",
       {{"serialize_rocketmq.jsonl", 1206}},
       "its only registration is the single-topic one after the topic creation; the broker's "
       "last whole-table registration before it (data version 56) is serialize_rocketmq's last"},
      {"mqadmin_topicList.jsonl",
       {{"mqadmin_topicStatus.jsonl", 9}},
       "no registration in the capture; data version 57 (after updateTopic) is the periodic "
       "registration recorded in the next capture"},
      {"mqadmin_topicRoute.jsonl",
       {{"mqadmin_topicStatus.jsonl", 9}},
       "no registration in the capture; data version 57, recorded in the next capture"},
      {"mqadmin_clusterList.jsonl",
       {{"mqadmin_topicStatus.jsonl", 9}},
       "no registration in the capture; data version 57 (topicStatus and queryMsgById record "
       "the same body)"},
      {"mqadmin_brokerStatus.jsonl",
       {{"mqadmin_topicStatus.jsonl", 9}},
       "no registration in the capture; data version 57"},
      {"mqadmin_updateSubGroup.jsonl",
       {{"mqadmin_topicStatus.jsonl", 9}},
       "no registration in the capture (creating a group registers nothing); data version 57"},
      {"mqadmin_getBrokerConfig.jsonl",
       {{"mqadmin_queryMsgById.jsonl", 11}},
       "no registration in the capture; data version 57, recorded in the next capture"},
      {"mqadmin_queryMsgByKey.jsonl",
       {{"mqadmin_queryMsgById.jsonl", 11}},
       "no registration in the capture; data version 57 (the consumer of the group starts "
       "only after this command)"},
      {"mqadmin_consumerConnection.jsonl",
       {{"mqadmin_queryMsgById.jsonl", 11}, {"mqadmin_deleteTopic.jsonl", 11}},
       "no registration in the capture; data version 58 = version 57's topics plus the "
       "%RETRY% topic the started consumer created (in deleteTopic's version 59 body, which "
       "no longer has the deleted topic)"},
      {"mqadmin_consumerProgress.jsonl",
       {{"mqadmin_queryMsgById.jsonl", 11}, {"mqadmin_deleteTopic.jsonl", 11}},
       "no registration in the capture; data version 58, as consumerConnection"},
      {"mqadmin_resetOffsetByTime.jsonl",
       {{"mqadmin_queryMsgById.jsonl", 11}, {"mqadmin_deleteTopic.jsonl", 11}},
       "no registration in the capture; data version 58, as consumerConnection"},
  };
  return sources;
}

OrderRules rulesFor(int32_t code, bool legacyRouteForm) {
  return OrderRules::forRequest(kOrderRules, code, legacyRouteForm);
}

// Field-by-field comparison of our response with the recorded one.
void compareResponse(const CaptureFrame& request, const DecodedFrame& ours,
                     const DecodedFrame& java, const rapidjson::Value& javaHeader,
                     std::vector<Diff>& diffs, std::vector<std::string>& notes) {
  compareHeaders(request, ours, java, javaHeader, diffs);
  const RemotingCommand& o = ours.cmd;
  const RemotingCommand& j = java.cmd;

  int32_t reqVersion = 0;
  json::getInt32(*request.header, "version", reqVersion);
  bool standardRequested = false;
  for (const auto& [k, v] : CaptureFile::headerExtFields(*request.header)) {
    // Java's Boolean.parseBoolean: "true" in any case.
    if (k == "acceptStandardJsonOnly" && v.size() == 4 &&
        std::equal(v.begin(), v.end(), "true", [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == b;
        })) {
      standardRequested = true;
    }
  }
  const bool legacyRouteForm = reqVersion < mqversion::V4_9_4 && !standardRequested;
  compareBodies(o.body(), j.body(), rulesFor(request.code, legacyRouteForm), diffs, notes);
}

// =============================================================================================
// Captures and their pre-capture broker state

bool toNamesrv(const CaptureFrame& f) {
  return f.to == Party::kNamesrv && !f.isResponse;
}

Status registrationBody(const CaptureFrame& f, protocol::RegisterBrokerBody& out) {
  int32_t version = 0;
  json::getInt32(*f.header, "version", version);
  const bool compressed = recordedExt(f, "compressed").value_or("false") == "true";
  out = protocol::RegisterBrokerBody();
  if (f.body.empty()) return Status::Ok();
  return protocol::RegisterBrokerBody::decode(f.body, compressed, version < mqversion::V3_0_11,
                                              out);
}

// A registration carrying the broker's whole topic table (every one but the single-topic
// registration after an admin topic creation, which never has more than one topic).
bool isWholeTableRegistration(const CaptureFrame& f) {
  if (!toNamesrv(f) || f.code != req::REGISTER_BROKER) return false;
  protocol::RegisterBrokerBody body;
  return registrationBody(f, body).ok() &&
         body.topicConfigSerializeWrapper.topicConfigTable.size() > 1;
}

struct SynthesizedState {
  std::string description;
  std::string conn;  // recorded connection to send it on, or kSyntheticConn
  std::vector<std::pair<std::string, std::string>> ext;
  protocol::RegisterBrokerBody body;
};
constexpr const char* kSyntheticConn = "<synthetic broker connection>";

// Decides whether the capture's requests depend on a broker registration made before the
// capture started and, if so, builds it. Returns false with `error` when a state is needed but
// cannot be built.
bool planState(const CaptureFile& cf, CaptureCache& cache, std::optional<SynthesizedState>& out,
               std::string& error) {
  out.reset();
  const CaptureFrame* firstWhole = nullptr;
  const CaptureFrame* firstClient = nullptr;
  for (const CaptureFrame& f : cf.frames) {
    if (!toNamesrv(f)) continue;
    if (!firstWhole && isWholeTableRegistration(f)) firstWhole = &f;
    if (!firstClient && f.code != req::REGISTER_BROKER && f.code != req::UNREGISTER_BROKER &&
        f.code != req::QUERY_DATA_VERSION) {
      firstClient = &f;
    }
  }
  if (!firstClient || (firstWhole && firstWhole->index < firstClient->index)) return true;

  SynthesizedState st;
  std::vector<const CaptureFrame*> sources;
  std::string reason;
  size_t limit = firstWhole ? firstWhole->index : cf.frames.size();
  for (const StateSource& s : stateSources()) {
    if (cf.name != s.capture) continue;
    reason = s.reason;
    for (const StateSourceFrame& sf : s.frames) {
      const CaptureFile* other = cache.get(sf.capture, error);
      if (!other) return false;
      const CaptureFrame* found = nullptr;
      for (const CaptureFrame& f : other->frames) {
        if (f.line == sf.line) found = &f;
      }
      if (!found || !isWholeTableRegistration(*found)) {
        error = std::string("state source ") + sf.capture + ":" + std::to_string(sf.line) +
                " is not a whole-table REGISTER_BROKER";
        return false;
      }
      sources.push_back(found);
    }
  }
  if (sources.empty()) {
    if (!firstWhole) {
      error = "requests precede any broker registration and stateSources() names no source";
      return false;
    }
    sources.push_back(firstWhole);
    reason =
        "the broker registered before the capture; nearest whole-table REGISTER_BROKER "
        "of the same capture";
  }
  const CaptureFrame& last = *sources.back();
  if (sources.size() == 1 && sources[0]->file == cf.name) {
    st.conn = last.conn;
    limit = last.index;
  } else {
    st.conn = kSyntheticConn;
  }
  for (const CaptureFrame* f : sources) {
    protocol::RegisterBrokerBody b;
    if (Status s = registrationBody(*f, b); !s.ok()) {
      error = f->where() + ": " + s.message();
      return false;
    }
    for (auto& [name, tc] : b.topicConfigSerializeWrapper.topicConfigTable) {
      st.body.topicConfigSerializeWrapper.topicConfigTable[name] = tc;
    }
    st.body.topicConfigSerializeWrapper.dataVersion = b.topicConfigSerializeWrapper.dataVersion;
    st.body.filterServerList = b.filterServerList;
  }
  // Topics the capture shows were unknown at the start: their first recorded route answer
  // before the source registration is TOPIC_NOT_EXIST.
  std::set<std::string> answered, excluded;
  for (const CaptureFrame& f : cf.frames) {
    if (f.index >= limit) break;
    if (!toNamesrv(f) || f.code != req::GET_ROUTEINFO_BY_TOPIC) continue;
    auto topic = recordedExt(f, "topic");
    const CaptureFrame* resp = cf.responseOf(f.index);
    if (!topic || !resp || !answered.insert(*topic).second) continue;
    if (resp->code == rc::TOPIC_NOT_EXIST) excluded.insert(*topic);
  }
  auto& table = st.body.topicConfigSerializeWrapper.topicConfigTable;
  std::string removed;
  for (const std::string& t : excluded) {
    if (table.erase(t)) removed += (removed.empty() ? "" : ", ") + t;
  }
  // A data version of its own, so the first recorded registration is applied in full.
  protocol::DataVersion& dv = st.body.topicConfigSerializeWrapper.dataVersion;
  const int64_t recordedCounter = dv.counter;
  dv.counter -= 1;
  for (auto& [k, v] : CaptureFile::headerExtFields(*last.header)) {
    if (k != "bodyCrc32" && k != "compressed") st.ext.emplace_back(k, v);
  }
  std::string from;
  for (const CaptureFrame* f : sources) from += (from.empty() ? "" : " + ") + f->where();
  st.description =
      "REGISTER_BROKER synthesized from " + from + " (" + reason +
      "): " + std::to_string(table.size()) + " topics" +
      (removed.empty() ? std::string()
                       : ", without " + removed + " (answered TOPIC_NOT_EXIST before the source)") +
      ", data version counter " + std::to_string(recordedCounter) + " -> " +
      std::to_string(dv.counter);
  out = std::move(st);
  return true;
}

// =============================================================================================
// Replay of one capture

struct Summary {
  std::string capture;
  size_t requests = 0, oneway = 0, recordedResponses = 0, compared = 0, identical = 0, failures = 0;
  std::string state = "none needed (the capture holds the registration its requests rely on)";
  std::map<std::string, size_t> allowed;
  std::vector<std::string> skipped;
};

class CaptureReplay {
 public:
  CaptureReplay(const CaptureFile& cf, CaptureCache& cache, Summary& sum)
      : cf_(cf), cache_(cache), sum_(sum) {}

  void run() {
    sum_.capture = cf_.name;
    dir_ = std::make_unique<TempDir>("rmq-ns-replay-");
    if (!dir_->ok()) {
      fail(cf_.name, "setup", dir_->error(), "-");
      return;
    }
    namesrv::NamesrvConfig cfg = namesrv::NamesrvConfig::defaults();
    cfg.listenAddress = "127.0.0.1";
    cfg.listenPort = 0;
    cfg.kvConfigPath = (dir_->path() / "kvConfig.json").string();
    cfg.configStorePath = (dir_->path() / "namesrv.properties").string();
    controller_ = std::make_unique<namesrv::NamesrvController>(cfg);
    if (Status s = controller_->start(); !s.ok()) {
      fail(cf_.name, "setup", "NamesrvController::start: " + s.message(), "-");
      cleanup();
      return;
    }
    replay();
    cleanup();
  }

 private:
  void fail(const std::string& where, const std::string& field, const std::string& ours,
            const std::string& java) {
    ++sum_.failures;
    ADD_FAILURE() << where << ": " << field << ": ours " << ours << " vs Java " << java;
  }

  void cleanup() {
    conns_.clear();
    if (controller_) controller_->shutdown();
    controller_.reset();
    dir_.reset();
  }

  RawConnection* conn(const std::string& id) {
    auto it = conns_.find(id);
    if (it != conns_.end()) return it->second.get();
    auto c = std::make_unique<RawConnection>();
    if (Status s = c->connect(controller_->port()); !s.ok()) {
      fail(cf_.name + " connection " + id, "connect", s.message(), "-");
      return nullptr;
    }
    return conns_.emplace(id, std::move(c)).first->second.get();
  }

  // Reads frames on `c` until the response with `opaque`; anything else read first fails.
  bool awaitResponse(const std::string& where, const std::string& connId, RawConnection& c,
                     int32_t opaque, DecodedFrame& out) {
    for (;;) {
      std::string bytes, error;
      RawConnection::Read r = c.next(kResponseTimeoutMs, bytes, error);
      if (r != RawConnection::Read::kFrame) {
        const char* what = r == RawConnection::Read::kTimeout  ? "no response within 5 s"
                           : r == RawConnection::Read::kClosed ? "connection closed"
                                                               : "read error";
        fail(where, "response", std::string(what) + (error.empty() ? "" : ": " + error),
             "a response");
        return false;
      }
      DecodedFrame d;
      if (Status s = decodeOwned(std::move(bytes), d); !s.ok()) {
        fail(where, "response frame", "undecodable: " + s.message(), "a response");
        return false;
      }
      if (d.cmd.isResponse() && d.cmd.opaque == opaque) {
        // Decoded again in place: the command borrows its body from the bytes it was read from.
        return decodeOwned(std::move(d.bytes), out).ok();
      }
      unexpected(where, connId, d);
    }
  }

  void unexpected(const std::string& where, const std::string& connId, const DecodedFrame& d) {
    const auto& oneway = onewayOpaques_[connId];
    std::string what = std::string(d.cmd.isResponse() ? "response" : "request") + " code " +
                       std::to_string(d.cmd.code) + " opaque " + std::to_string(d.cmd.opaque);
    auto it = oneway.find(d.cmd.opaque);
    if (d.cmd.isResponse() && it != oneway.end()) {
      fail(it->second + " (read while waiting at " + where + ")", "answer to a oneway request",
           what, "no answer");
    } else {
      fail(where, "unexpected frame", what, "nothing");
    }
  }

  void applyState() {
    std::optional<SynthesizedState> st;
    std::string error;
    if (!planState(cf_, cache_, st, error)) {
      fail(cf_.name, "pre-capture broker state", "cannot be built: " + error, "-");
      return;
    }
    if (!st) return;
    sum_.state = st->description;
    RemotingCommand r = RemotingCommand::createRequest(req::REGISTER_BROKER);
    r.opaque = 0x7FFFFF00;
    for (auto& [k, v] : st->ext) r.addExt(k, v);
    std::string body = st->body.encode();
    uint32_t crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
    r.addExt("compressed", "false");
    r.addExtInt("bodyCrc32", crc & 0x7FFFFFFF);
    r.setBody(std::move(body));
    RawConnection* c = conn(st->conn);
    if (!c) return;
    const std::string where = cf_.name + " synthesized registration";
    if (Status s = c->send(remoting::encodeFrame(r)); !s.ok()) {
      fail(where, "send", s.message(), "-");
      return;
    }
    DecodedFrame resp;
    if (awaitResponse(where, st->conn, *c, r.opaque, resp) && resp.cmd.code != rc::SUCCESS) {
      fail(where, "code", std::to_string(resp.cmd.code) + " " + resp.cmd.remark.value_or(""),
           "0 (it is our input, not a recorded exchange)");
    }
  }

  // A oneway request has no answer to wait for; the next request may depend on it (a oneway
  // REGISTER_BROKER adds a topic), so wait until its effect is visible.
  void awaitOnewayProcessed(const CaptureFrame& f) {
    if (f.code != req::REGISTER_BROKER) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return;
    }
    protocol::RegisterBrokerBody body;
    auto addr = recordedExt(f, "brokerAddr");
    if (!addr || !registrationBody(f, body).ok()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return;
    }
    const int64_t deadline = monotonicMillis() + kOnewayProcessTimeoutMs;
    while (controller_->context().routes.isBrokerTopicConfigChanged(
        *addr, body.topicConfigSerializeWrapper.dataVersion, nullptr, 0, false)) {
      if (monotonicMillis() > deadline) {
        fail(f.where(), "oneway REGISTER_BROKER", "not processed within 5 s", "processed");
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  void replay() {
    applyState();
    for (const CaptureFrame& f : cf_.frames) {
      if (f.from == Party::kNamesrv && f.isResponse) ++sum_.recordedResponses;
      if (f.from == Party::kNamesrv && f.isResponse && !f.pair) {
        sum_.skipped.push_back(f.where() + ": response whose request is not in the capture");
        continue;
      }
      if (!toNamesrv(f)) continue;
      RawConnection* c = conn(f.conn);
      if (!c) return;
      ++sum_.requests;
      if (Status s = c->send(f.frame); !s.ok()) {
        fail(f.where(), "send", s.message(), "-");
        return;
      }
      // What our server sees decides: the oneway bit of the recorded frame's flag.
      if ((f.flag & remoting::kFlagOneway) != 0) {
        ++sum_.oneway;
        onewayOpaques_[f.conn][f.opaque] = f.where();
        awaitOnewayProcessed(f);
        continue;
      }
      DecodedFrame ours;
      if (!awaitResponse(f.where(), f.conn, *c, f.opaque, ours)) continue;
      const CaptureFrame* recorded = cf_.responseOf(f.index);
      if (!recorded) {
        sum_.skipped.push_back(f.where() + ": Java's response is not in the capture (ours: code " +
                               std::to_string(ours.cmd.code) + ")");
        continue;
      }
      compare(f, *recorded, ours);
    }
    // Nothing else may arrive: in particular no answer to a oneway request.
    std::this_thread::sleep_for(std::chrono::milliseconds(kFinalSilenceMs));
    for (auto& [id, c] : conns_) {
      std::string bytes, error;
      while (c->next(0, bytes, error) == RawConnection::Read::kFrame) {
        DecodedFrame d;
        if (!decodeOwned(std::move(bytes), d).ok()) {
          fail(cf_.name + " connection " + id, "trailing frame", "undecodable", "nothing");
          break;
        }
        unexpected(cf_.name + " connection " + id + " after the replay", id, d);
      }
    }
  }

  void compare(const CaptureFrame& request, const CaptureFrame& recorded,
               const DecodedFrame& ours) {
    DecodedFrame java;
    if (Status s = decodeOwned(recorded.frame, java); !s.ok()) {
      fail(recorded.where(), "recorded frame", "-", "undecodable: " + s.message());
      return;
    }
    ++sum_.compared;
    if (ours.bytes == recorded.frame) ++sum_.identical;
    std::vector<Diff> diffs;
    std::vector<std::string> notes;
    compareResponse(request, ours, java, *recorded.header, diffs, notes);
    for (const Diff& d : settleDifferences(allowedDifferences(), cf_.name, recorded.line,
                                           std::move(diffs), notes, sum_.allowed)) {
      fail(responseWhere(request, recorded), d.field, d.ours, d.java);
    }
  }

  const CaptureFile& cf_;
  CaptureCache& cache_;
  Summary& sum_;
  std::unique_ptr<TempDir> dir_;  // the name server's files; goes after the controller
  std::unique_ptr<namesrv::NamesrvController> controller_;
  std::map<std::string, std::unique_ptr<RawConnection>> conns_;
  std::map<std::string, std::map<int32_t, std::string>> onewayOpaques_;  // opaque -> file:line
};

bool hasNamesrvTraffic(const CaptureFile& cf) {
  return std::any_of(cf.frames.begin(), cf.frames.end(), [](const CaptureFrame& f) {
    return f.to == Party::kNamesrv || f.from == Party::kNamesrv;
  });
}

void printSummary(const Summary& s) {
  std::cout << "[ replay   ] " << s.capture << ": " << s.requests << " requests replayed ("
            << s.oneway << " oneway, no answer expected), " << s.compared << " of "
            << s.recordedResponses << " recorded responses compared (" << s.identical
            << " frames byte-identical), " << s.failures << " failing\n";
  std::cout << "             state before the capture: " << s.state << "\n";
  printAllowed(s.allowed);
  for (const std::string& k : s.skipped) std::cout << "             not compared: " << k << "\n";
}

TEST(NamesrvGoldenReplay, EveryRecordedNameServerRequestIsAnsweredAsJavaDid) {
  CompatDataLocation loc = locateCompatData();
  const fs::path dir = capturesDir(loc);
  std::vector<fs::path> files = listCaptureFiles(dir);
  if (files.empty()) {
    GTEST_SKIP() << noCaptureDataMessage(dir / "*.jsonl", loc);
  }
  LogLevelGuard quiet(log::Level::WARN);
  CaptureCache cache(dir);
  Summary total;
  size_t captures = 0;
  for (const fs::path& path : files) {
    std::string error;
    const CaptureFile* cf = cache.get(path.filename().string(), error);
    if (!cf) {
      ADD_FAILURE() << "cannot load capture: " << error;
      continue;
    }
    if (!hasNamesrvTraffic(*cf)) continue;
    SCOPED_TRACE(cf->name);
    ++captures;
    Summary s;
    CaptureReplay(*cf, cache, s).run();
    printSummary(s);
    total.requests += s.requests;
    total.oneway += s.oneway;
    total.recordedResponses += s.recordedResponses;
    total.compared += s.compared;
    total.identical += s.identical;
    total.failures += s.failures;
    for (const auto& [reason, n] : s.allowed) total.allowed[reason] += n;
    total.skipped.insert(total.skipped.end(), s.skipped.begin(), s.skipped.end());
  }
  std::cout << "[ replay   ] total: " << captures << " captures with name server traffic, "
            << total.requests << " requests replayed (" << total.oneway << " oneway), "
            << total.compared << " of " << total.recordedResponses
            << " recorded responses compared (" << total.identical << " byte-identical), "
            << total.skipped.size() << " not compared, " << total.failures << " failing\n";
  EXPECT_GT(captures, 0u);
}

// ---- the body normalization itself (no capture data needed) ----

TEST(NamesrvReplayBodies, RawTreeKeepsTheBytesOfFastjsonOutput) {
  for (std::string_view text :
       {R"({"brokerAddrTable":{"b":{"brokerAddrs":{0:"1.2.3.4:1"},"brokerName":"b"}}})",
        R"({{"brokerName":"b","queueId":0,"topic":"t"}:{"x":1},"a":[1,2.5,true,null,"s"]})",
        R"({"topicList":[]})", R"([{},[],""])"}) {
    RawNode n;
    ASSERT_TRUE(RawParser(text).parse(n)) << text;
    EXPECT_EQ(n.emit(), text);
  }
  RawNode n;
  EXPECT_FALSE(RawParser(R"({"a":1,})").parse(n));
  EXPECT_FALSE(RawParser(R"({"a" :1})").parse(n));
}

TEST(NamesrvReplayBodies, OnlyListedHashOrderIsNormalized) {
  OrderRules rules = rulesFor(req::GET_BROKER_CLUSTER_INFO, false);
  std::vector<Diff> diffs;
  std::vector<std::string> notes;
  // Same content, other HashMap/HashSet order: tolerated, with a note naming the reason.
  compareBodies(
      R"({"brokerAddrTable":{"a":{"brokerAddrs":{0:"x"}},"b":{"brokerAddrs":{0:"y"}}},"clusterAddrTable":{"C":["a","b"]}})",
      R"({"brokerAddrTable":{"b":{"brokerAddrs":{0:"y"}},"a":{"brokerAddrs":{0:"x"}}},"clusterAddrTable":{"C":["b","a"]}})",
      rules, diffs, notes);
  EXPECT_TRUE(diffs.empty());
  EXPECT_EQ(notes.size(), 2u);
  // Quoted instead of bare broker ids: structurally equal, bytes differ.
  diffs.clear();
  compareBodies(R"({"brokerAddrTable":{"a":{"brokerAddrs":{"0":"x"}}}})",
                R"({"brokerAddrTable":{"a":{"brokerAddrs":{0:"x"}}}})", rules, diffs, notes);
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].field.rfind("body bytes", 0), 0u);
  // Bean members are not reordered: fastjson writes them sorted.
  diffs.clear();
  compareBodies(R"({"clusterAddrTable":{},"brokerAddrTable":{}})",
                R"({"brokerAddrTable":{},"clusterAddrTable":{}})", rules, diffs, notes);
  ASSERT_EQ(diffs.size(), 1u);
  // Array elements outside the rules keep their order.
  OrderRules route = rulesFor(req::GET_ROUTEINFO_BY_TOPIC, false);
  diffs.clear();
  compareBodies(R"({"x":[1,2]})", R"({"x":[2,1]})", route, diffs, notes);
  ASSERT_EQ(diffs.size(), 2u);
  EXPECT_EQ(diffs[0].field, "body.x[0]");
  EXPECT_EQ(diffs[1].field, "body.x[1]");
  // A different element is a structural difference even where order is free.
  diffs.clear();
  compareBodies(R"({"queueDatas":[{"perm":6}]})", R"({"queueDatas":[{"perm":7}]})", route, diffs,
                notes);
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_EQ(diffs[0].field, "body.queueDatas (unordered)");
}

// The comparison reports each header field on its own (no capture data needed).
TEST(NamesrvReplayComparator, ReportsEachDifferingField) {
  rapidjson::Document requestHeader;
  requestHeader.Parse(
      R"({"code":105,"extFields":{"topic":"T"},"flag":0,"language":"JAVA","opaque":7,)"
      R"("serializeTypeCurrentRPC":"JSON","version":409})");
  CaptureFrame request;
  request.code = req::GET_ROUTEINFO_BY_TOPIC;
  request.opaque = 7;
  request.header = &requestHeader;
  auto make = [](const std::function<void(RemotingCommand&)>& change) {
    RemotingCommand c;
    c.code = rc::SUCCESS;
    c.flag = remoting::kFlagResponse;
    c.opaque = 7;
    c.version = mqversion::V4_9_8;
    c.setBody(R"({"brokerDatas":[{"brokerAddrs":{"0":"a:1"},"brokerName":"b","cluster":"c"}],)"
              R"("filterServerTable":{},"queueDatas":[]})");
    change(c);
    auto d = std::make_unique<DecodedFrame>();
    EXPECT_TRUE(decodeOwned(remoting::encodeFrame(c), *d).ok());
    return d;
  };
  auto java = make([](RemotingCommand&) {});
  rapidjson::Document javaHeader;
  javaHeader.Parse(java->view.header.data(), java->view.header.size());
  auto fields = [&](const std::function<void(RemotingCommand&)>& change) {
    auto ours = make(change);
    std::vector<Diff> diffs;
    std::vector<std::string> notes;
    compareResponse(request, *ours, *java, javaHeader, diffs, notes);
    std::set<std::string> out;
    for (const Diff& d : diffs) out.insert(d.field);
    return out;
  };
  using Fields = std::set<std::string>;
  EXPECT_EQ(fields([](RemotingCommand&) {}), Fields{});
  EXPECT_EQ(fields([](RemotingCommand& c) { c.code = rc::TOPIC_NOT_EXIST; }), Fields{"code"});
  EXPECT_EQ(fields([](RemotingCommand& c) { c.flag = 3; }), Fields{"flag"});
  EXPECT_EQ(fields([](RemotingCommand& c) { c.version = 400; }), Fields{"version"});
  EXPECT_EQ(fields([](RemotingCommand& c) { c.language = remoting::LanguageCode::CPP; }),
            Fields{"language"});
  EXPECT_EQ(fields([](RemotingCommand& c) { c.opaque = 8; }),
            (Fields{"opaque", "opaque vs request"}));
  EXPECT_EQ(fields([](RemotingCommand& c) { c.remark = "x"; }),
            (Fields{"remark", "header members"}));
  EXPECT_EQ(fields([](RemotingCommand& c) { c.hasExtFields = true; }),
            (Fields{"extFields presence", "header members"}));
  EXPECT_EQ(fields([](RemotingCommand& c) { c.addExt("k", "v"); }),
            (Fields{"extFields presence", "extFields.k", "header members"}));
  EXPECT_EQ(fields([](RemotingCommand& c) { c.serializeType = SerializeType::ROCKETMQ; }),
            Fields{"serialize"});
  EXPECT_EQ(fields([](RemotingCommand& c) {
              c.setBody(R"({"brokerDatas":[{"brokerAddrs":{0:"a:1"},"brokerName":"b",)"
                        R"("cluster":"c"}],"filterServerTable":{},"queueDatas":[]})");
            }),
            Fields{"body bytes (after sorting HashMap-ordered parts)"});
  EXPECT_EQ(fields([](RemotingCommand& c) { c.setBody(""); }), Fields{"body"});
}

}  // namespace
}  // namespace rmq::compat
