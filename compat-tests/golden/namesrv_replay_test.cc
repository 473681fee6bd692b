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

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
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
// "*" = every entry of a map); structurally they are compared as unordered.
struct OrderRule {
  int32_t requestCode;
  const char* path;
  bool isMap;       // sort the object's entries (else: the array's elements)
  bool legacyOnly;  // only for the fastjson default route form (request version < V4_9_4)
  const char* reason;
};

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

// Individual differences that are accepted: capture file, recorded response line (0 = every
// line of that file), field as reported by the comparison (a trailing '*' matches a prefix).
struct AllowedDifference {
  const char* capture;
  size_t line;
  const char* field;
  const char* reason;
};

// None at present: apart from the order rules above, every recorded response is reproduced
// exactly. An entry looks like
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

// =============================================================================================
// A blocking client socket that sends raw bytes and reads whole frames.

class RawConnection {
 public:
  RawConnection() = default;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }

  Status connect(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return Status::Error(std::string("socket: ") + std::strerror(errno));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      return Status::Error(std::string("connect: ") + std::strerror(errno));
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return Status::Ok();
  }

  Status send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::Error(std::string("send: ") + std::strerror(errno));
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  enum class Read { kFrame, kTimeout, kClosed, kError };

  // The next whole frame (with its length prefix) into `frame`, waiting up to `timeoutMs`.
  Read next(int timeoutMs, std::string& frame, std::string& error) {
    const int64_t deadline = monotonicMillis() + timeoutMs;
    for (;;) {
      FrameView view;
      FrameParse p = remoting::parseFrame(buffer_, remoting::kDefaultMaxFrameSize, view, error);
      if (p == FrameParse::kFrame) {
        frame.assign(buffer_.data(), view.totalSize);
        buffer_.erase(0, view.totalSize);
        return Read::kFrame;
      }
      if (p == FrameParse::kError) return Read::kError;
      int64_t left = deadline - monotonicMillis();
      if (left < 0) left = 0;
      pollfd pfd{fd_, POLLIN, 0};
      int r = ::poll(&pfd, 1, static_cast<int>(left));
      if (r < 0) {
        if (errno == EINTR) continue;
        error = std::string("poll: ") + std::strerror(errno);
        return Read::kError;
      }
      if (r == 0) return Read::kTimeout;
      char tmp[64 * 1024];
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n == 0) return Read::kClosed;
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        error = std::string("recv: ") + std::strerror(errno);
        return Read::kError;
      }
      buffer_.append(tmp, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  std::string buffer_;
};

// A decoded frame that owns its bytes (the command borrows its body from them).
struct DecodedFrame {
  std::string bytes;
  FrameView view;
  RemotingCommand cmd;
};

Status decodeOwned(std::string bytes, DecodedFrame& out) {
  out.bytes = std::move(bytes);
  std::string error;
  if (remoting::parseFrame(out.bytes, remoting::kDefaultMaxFrameSize, out.view, error) !=
      FrameParse::kFrame) {
    return Status::Error("not a whole frame: " + error);
  }
  return remoting::decodeCommand(out.view, out.cmd);
}

// =============================================================================================
// Bodies: a tree of the raw fastjson-dialect text (tokens kept as written, so bare and quoted
// keys stay distinguishable), for the byte comparison after sorting HashMap-ordered parts.

struct RawNode {
  enum Kind { kScalar, kObject, kArray } kind = kScalar;
  std::string text;                                      // scalar token as written
  std::vector<std::pair<std::string, RawNode>> members;  // key token as written
  std::vector<RawNode> elements;

  void emit(std::string& out) const {
    switch (kind) {
      case kScalar:
        out += text;
        break;
      case kObject:
        out.push_back('{');
        for (size_t i = 0; i < members.size(); ++i) {
          if (i > 0) out.push_back(',');
          out += members[i].first;
          out.push_back(':');
          members[i].second.emit(out);
        }
        out.push_back('}');
        break;
      case kArray:
        out.push_back('[');
        for (size_t i = 0; i < elements.size(); ++i) {
          if (i > 0) out.push_back(',');
          elements[i].emit(out);
        }
        out.push_back(']');
        break;
    }
  }
  std::string emit() const {
    std::string out;
    emit(out);
    return out;
  }
};

// Parses compact fastjson output (no white space; Java never writes any). A failure only means
// the byte comparison cannot reorder and compares the raw bytes instead.
class RawParser {
 public:
  explicit RawParser(std::string_view s) : s_(s) {}
  bool parse(RawNode& out) { return value(out) && pos_ == s_.size(); }

 private:
  bool at(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  bool skipString() {
    const char quote = s_[pos_++];
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '\\') {
        ++pos_;
      } else if (c == quote) {
        return true;
      }
    }
    return false;
  }
  bool token(std::string& out, const char* stops) {
    size_t start = pos_;
    if (at('"') || at('\'')) {
      if (!skipString()) return false;
    } else {
      while (pos_ < s_.size() && std::strchr(stops, s_[pos_]) == nullptr) ++pos_;
    }
    if (pos_ == start) return false;
    out.assign(s_.substr(start, pos_ - start));
    return true;
  }
  bool value(RawNode& n) {
    if (at('{')) return object(n);
    if (at('[')) return array(n);
    n.kind = RawNode::kScalar;
    return token(n.text, ",:}]");
  }
  bool object(RawNode& n) {
    n.kind = RawNode::kObject;
    ++pos_;
    if (at('}')) {
      ++pos_;
      return true;
    }
    for (;;) {
      std::string key;
      if (at('{') || at('[')) {  // fastjson writes object keys bare
        RawNode k;
        if (!value(k)) return false;
        key = k.emit();
      } else if (!token(key, ":")) {
        return false;
      }
      if (!at(':')) return false;
      ++pos_;
      RawNode v;
      if (!value(v)) return false;
      n.members.emplace_back(std::move(key), std::move(v));
      if (at(',')) {
        ++pos_;
        continue;
      }
      if (at('}')) {
        ++pos_;
        return true;
      }
      return false;
    }
  }
  bool array(RawNode& n) {
    n.kind = RawNode::kArray;
    ++pos_;
    if (at(']')) {
      ++pos_;
      return true;
    }
    for (;;) {
      RawNode v;
      if (!value(v)) return false;
      n.elements.push_back(std::move(v));
      if (at(',')) {
        ++pos_;
        continue;
      }
      if (at(']')) {
        ++pos_;
        return true;
      }
      return false;
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

std::string keyName(std::string_view token) {
  if (token.size() >= 2 && (token.front() == '"' || token.front() == '\'')) {
    return std::string(token.substr(1, token.size() - 2));
  }
  return std::string(token);
}

std::string childPath(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

// The order rules that apply to one response.
struct OrderRules {
  std::set<std::string> maps, arrays;
  std::map<std::string, std::string> reasons;  // path -> reason
  static OrderRules forRequest(int32_t code, bool legacyRouteForm) {
    OrderRules r;
    for (const OrderRule& rule : kOrderRules) {
      if (rule.requestCode != code || (rule.legacyOnly && !legacyRouteForm)) continue;
      (rule.isMap ? r.maps : r.arrays).insert(rule.path);
      r.reasons[rule.path] = rule.reason;
    }
    return r;
  }
};

// Sorts the parts of `n` named by `rules`; `moved` receives the paths whose order changed.
void sortByRules(RawNode& n, const std::string& path, const OrderRules& rules,
                 std::set<std::string>& moved) {
  if (n.kind == RawNode::kObject) {
    const bool isMap = rules.maps.contains(path);
    for (auto& [k, v] : n.members)
      sortByRules(v, childPath(path, isMap ? "*" : keyName(k)), rules, moved);
    if (isMap && !std::is_sorted(n.members.begin(), n.members.end(),
                                 [](const auto& a, const auto& b) { return a.first < b.first; })) {
      std::stable_sort(n.members.begin(), n.members.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      moved.insert(path);
    }
  } else if (n.kind == RawNode::kArray) {
    for (auto& e : n.elements) sortByRules(e, path + "[]", rules, moved);
    if (rules.arrays.contains(path)) {
      std::vector<std::pair<std::string, size_t>> keyed;
      for (size_t i = 0; i < n.elements.size(); ++i) keyed.emplace_back(n.elements[i].emit(), i);
      if (!std::is_sorted(keyed.begin(), keyed.end())) {
        std::stable_sort(keyed.begin(), keyed.end());
        std::vector<RawNode> sorted;
        for (auto& [text, i] : keyed) sorted.push_back(std::move(n.elements[i]));
        n.elements = std::move(sorted);
        moved.insert(path);
      }
    }
  }
}

std::string compactJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string shorten(std::string s, size_t max = 300) {
  if (s.size() > max) s = s.substr(0, max) + "...(" + std::to_string(s.size()) + " bytes)";
  return s;
}

struct Diff {
  std::string field;
  std::string ours;
  std::string java;
};

// Structural comparison of two parsed bodies (objects as unordered maps, arrays in order unless
// an order rule names them). Appends at most `limit` differences.
void structuralDiff(const rapidjson::Value& ours, const rapidjson::Value& java,
                    const std::string& rulePath, const std::string& shownPath,
                    const OrderRules& rules, std::vector<Diff>& out, size_t limit = 12) {
  if (out.size() >= limit) return;
  const std::string field = "body" + (shownPath.empty() ? "" : "." + shownPath);
  if (ours.IsObject() && java.IsObject()) {
    const bool isMap = rules.maps.contains(rulePath);
    for (const auto& m : java.GetObject()) {
      std::string name(m.name.GetString(), m.name.GetStringLength());
      auto it = ours.FindMember(m.name);
      if (it == ours.MemberEnd()) {
        out.push_back({childPath(field, name), "<absent>", shorten(compactJson(m.value))});
        if (out.size() >= limit) return;
        continue;
      }
      structuralDiff(it->value, m.value, childPath(rulePath, isMap ? "*" : name),
                     childPath(shownPath, name), rules, out, limit);
    }
    for (const auto& m : ours.GetObject()) {
      if (!java.HasMember(m.name)) {
        std::string name(m.name.GetString(), m.name.GetStringLength());
        out.push_back({childPath(field, name), shorten(compactJson(m.value)), "<absent>"});
        if (out.size() >= limit) return;
      }
    }
    return;
  }
  if (ours.IsArray() && java.IsArray()) {
    if (rules.arrays.contains(rulePath)) {
      std::multiset<std::string> a, b;
      for (const auto& e : ours.GetArray()) a.insert(compactJson(e));
      for (const auto& e : java.GetArray()) b.insert(compactJson(e));
      if (a != b) {
        std::string onlyOurs, onlyJava;
        std::vector<std::string> d;
        std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(d));
        for (auto& s : d) onlyOurs += (onlyOurs.empty() ? "" : ",") + s;
        d.clear();
        std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(d));
        for (auto& s : d) onlyJava += (onlyJava.empty() ? "" : ",") + s;
        out.push_back({field + " (unordered)", "only ours: [" + shorten(onlyOurs) + "]",
                       "only Java: [" + shorten(onlyJava) + "]"});
      }
      return;
    }
    if (ours.Size() != java.Size()) {
      out.push_back({field + " length", std::to_string(ours.Size()), std::to_string(java.Size())});
      return;
    }
    for (rapidjson::SizeType i = 0; i < ours.Size(); ++i) {
      structuralDiff(ours[i], java[i], rulePath + "[]", shownPath + "[" + std::to_string(i) + "]",
                     rules, out, limit);
    }
    return;
  }
  std::string a = compactJson(ours), b = compactJson(java);
  if (a != b) out.push_back({field, shorten(a), shorten(b)});
}

// Position of the first difference and some context, for byte mismatches.
std::string around(std::string_view s, size_t at) {
  size_t from = at >= 40 ? at - 40 : 0;
  return "@" + std::to_string(at) + " ..." + std::string(s.substr(from, 100)) + "... (" +
         std::to_string(s.size()) + " bytes)";
}
size_t firstDifference(std::string_view a, std::string_view b) {
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return i;
}

// Compares two response bodies. `notes` receives the tolerated order differences.
void compareBodies(std::string_view ours, std::string_view java, const OrderRules& rules,
                   std::vector<Diff>& diffs, std::vector<std::string>& notes) {
  if (ours.empty() && java.empty()) return;
  if (ours.empty() != java.empty()) {
    diffs.push_back({"body", ours.empty() ? "<none>" : shorten(std::string(ours)),
                     java.empty() ? "<none>" : shorten(std::string(java))});
    return;
  }
  if (ours == java) return;
  rapidjson::Document jdoc, odoc;
  const bool javaJson =
      json::parseLenientJson(java, jdoc).ok() && (jdoc.IsObject() || jdoc.IsArray());
  if (!javaJson) {
    // Not JSON (e.g. a properties text): bytes must match.
    size_t at = firstDifference(ours, java);
    diffs.push_back({"body bytes", around(ours, at), around(java, at)});
    return;
  }
  if (Status s = json::parseLenientJson(ours, odoc); !s.ok()) {
    diffs.push_back({"body json", "does not parse: " + s.message(), "parses"});
    return;
  }
  size_t before = diffs.size();
  structuralDiff(odoc, jdoc, "", "", rules, diffs);
  if (diffs.size() != before) return;
  // Structurally equal: the bytes must match once the HashMap-ordered parts are sorted.
  RawNode o, j;
  if (!RawParser(ours).parse(o) || !RawParser(java).parse(j) || j.emit() != java ||
      o.emit() != ours) {
    size_t at = firstDifference(ours, java);
    diffs.push_back({"body bytes", around(ours, at), around(java, at)});
    return;
  }
  std::set<std::string> moved;
  sortByRules(o, "", rules, moved);
  sortByRules(j, "", rules, moved);
  std::string os = o.emit(), js = j.emit();
  if (os != js) {
    size_t at = firstDifference(os, js);
    diffs.push_back(
        {"body bytes (after sorting HashMap-ordered parts)", around(os, at), around(js, at)});
    return;
  }
  for (const std::string& p : moved) {
    notes.push_back("body element order at " + (p.empty() ? std::string("<top>") : p) + ": " +
                    rules.reasons.at(p));
  }
}

std::string extText(const RemotingCommand& c) {
  if (!c.hasExtFields && c.ext.empty()) return "<absent>";
  std::string s = "{";
  for (size_t i = 0; i < c.ext.size(); ++i) {
    if (i > 0) s += ",";
    s += std::string(c.ext.keyAt(i)) + "=" + std::string(c.ext.valueAt(i));
  }
  return s + "}";
}

const char* serializeName(SerializeType t) {
  return t == SerializeType::ROCKETMQ ? "ROCKETMQ" : "JSON";
}

// Field-by-field comparison of our response with the recorded one.
void compareResponse(const CaptureFrame& request, const DecodedFrame& ours,
                     const DecodedFrame& java, const rapidjson::Value& javaHeader,
                     std::vector<Diff>& diffs, std::vector<std::string>& notes) {
  const RemotingCommand& o = ours.cmd;
  const RemotingCommand& j = java.cmd;
  auto num = [&](const char* field, int64_t a, int64_t b) {
    if (a != b) diffs.push_back({field, std::to_string(a), std::to_string(b)});
  };
  size_t headerStart = diffs.size();
  if (ours.view.serializeType != java.view.serializeType) {
    diffs.push_back({"serialize", serializeName(ours.view.serializeType),
                     serializeName(java.view.serializeType)});
  }
  num("code", o.code, j.code);
  num("flag", o.flag, j.flag);
  if (o.language != j.language) {
    diffs.push_back(
        {"language", remoting::languageName(o.language), remoting::languageName(j.language)});
  }
  num("version", o.version, j.version);
  num("opaque", o.opaque, j.opaque);
  num("opaque vs request", o.opaque, request.opaque);
  if (o.remark != j.remark) {
    diffs.push_back({"remark", o.remark ? "\"" + *o.remark + "\"" : "<absent>",
                     j.remark ? "\"" + *j.remark + "\"" : "<absent>"});
  }
  if (o.hasExtFields != j.hasExtFields) {
    diffs.push_back({"extFields presence", o.hasExtFields ? extText(o) : "<absent>",
                     j.hasExtFields ? extText(j) : "<absent>"});
  }
  for (size_t i = 0; i < j.ext.size(); ++i) {
    std::string key(j.ext.keyAt(i));
    auto v = o.ext.get(key);
    if (!v) {
      diffs.push_back({"extFields." + key, "<absent>", std::string(j.ext.valueAt(i))});
    } else if (*v != j.ext.valueAt(i)) {
      diffs.push_back({"extFields." + key, std::string(*v), std::string(j.ext.valueAt(i))});
    }
  }
  for (size_t i = 0; i < o.ext.size(); ++i) {
    if (!j.ext.contains(o.ext.keyAt(i))) {
      diffs.push_back(
          {"extFields." + std::string(o.ext.keyAt(i)), std::string(o.ext.valueAt(i)), "<absent>"});
    }
  }
  // The JSON header's members as written (e.g. serializeTypeCurrentRPC, no "remark":null).
  if (ours.view.serializeType == SerializeType::JSON &&
      java.view.serializeType == SerializeType::JSON) {
    rapidjson::Document h;
    h.Parse(ours.view.header.data(), ours.view.header.size());
    std::set<std::string> a, b;
    if (h.IsObject()) {
      for (const auto& m : h.GetObject()) a.insert(m.name.GetString());
    }
    for (const auto& m : javaHeader.GetObject()) b.insert(m.name.GetString());
    if (a != b) {
      auto join = [](const std::set<std::string>& s) {
        std::string r;
        for (const auto& x : s) r += (r.empty() ? "" : ",") + x;
        return r;
      };
      diffs.push_back({"header members", join(a), join(b)});
    }
  }
  // With at most one extFields entry no HashMap order is involved: the header bytes must match
  // (member order, escaping; for ROCKETMQ the whole binary layout).
  if (diffs.size() == headerStart && o.ext.size() <= 1 && j.ext.size() <= 1 &&
      ours.view.header != java.view.header) {
    size_t at = firstDifference(ours.view.header, java.view.header);
    diffs.push_back({"header bytes", around(ours.view.header, at), around(java.view.header, at)});
  }

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
  compareBodies(o.body(), j.body(), OrderRules::forRequest(request.code, legacyRouteForm), diffs,
                notes);
}

const AllowedDifference* findAllowed(const std::string& capture, size_t line,
                                     const std::string& field) {
  for (const AllowedDifference& a : allowedDifferences()) {
    if (capture != a.capture || (a.line != 0 && a.line != line)) continue;
    std::string_view pattern(a.field);
    bool match = !pattern.empty() && pattern.back() == '*'
                     ? std::string_view(field).starts_with(pattern.substr(0, pattern.size() - 1))
                     : field == pattern;
    if (match) return &a;
  }
  return nullptr;
}

// =============================================================================================
// Captures and their pre-capture broker state

class CaptureCache {
 public:
  explicit CaptureCache(fs::path dir) : dir_(std::move(dir)) {}
  const CaptureFile* get(const std::string& name, std::string& error) {
    auto it = files_.find(name);
    if (it != files_.end()) return it->second.get();
    auto cf = std::make_unique<CaptureFile>();
    Status s = loadCapture(dir_ / name, *cf);
    if (!s.ok()) {
      error = s.message();
      return nullptr;
    }
    return files_.emplace(name, std::move(cf)).first->second.get();
  }

 private:
  fs::path dir_;
  std::map<std::string, std::unique_ptr<CaptureFile>> files_;
};

bool toNamesrv(const CaptureFrame& f) {
  return f.to == Party::kNamesrv && !f.isResponse;
}

std::optional<std::string> recordedExt(const CaptureFrame& f, std::string_view key) {
  for (auto& [k, v] : CaptureFile::headerExtFields(*f.header)) {
    if (k == key) return v;
  }
  return std::nullopt;
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
    char tmpl[] = "/tmp/rmq-ns-replay-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      fail(cf_.name, "setup", std::string("mkdtemp: ") + std::strerror(errno), "-");
      return;
    }
    dir_ = tmpl;
    namesrv::NamesrvConfig cfg = namesrv::NamesrvConfig::defaults();
    cfg.listenAddress = "127.0.0.1";
    cfg.listenPort = 0;
    cfg.kvConfigPath = (dir_ / "kvConfig.json").string();
    cfg.configStorePath = (dir_ / "namesrv.properties").string();
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
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
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
    for (const std::string& n : notes) ++sum_.allowed[n];
    for (const Diff& d : diffs) {
      if (const AllowedDifference* a = findAllowed(cf_.name, recorded.line, d.field)) {
        ++sum_.allowed[d.field + ": " + a->reason];
        continue;
      }
      fail(recorded.where() + " (" + request.codeName + " request at line " +
               std::to_string(request.line) + ")",
           d.field, d.ours, d.java);
    }
  }

  const CaptureFile& cf_;
  CaptureCache& cache_;
  Summary& sum_;
  fs::path dir_;
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
  if (s.allowed.empty()) {
    std::cout << "             differences allowed: none\n";
  } else {
    for (const auto& [reason, n] : s.allowed) {
      std::cout << "             allowed " << n << " x " << reason << "\n";
    }
  }
  for (const std::string& k : s.skipped) std::cout << "             not compared: " << k << "\n";
}

class LogLevelGuard {
 public:
  explicit LogLevelGuard(log::Level l) : saved_(log::level()) { log::setLevel(l); }
  ~LogLevelGuard() { log::setLevel(saved_); }

 private:
  log::Level saved_;
};

TEST(NamesrvGoldenReplay, EveryRecordedNameServerRequestIsAnsweredAsJavaDid) {
  CompatDataLocation loc = locateCompatData();
  const fs::path dir = capturesDir(loc);
  std::vector<fs::path> files = listCaptureFiles(dir);
  if (files.empty()) {
    GTEST_SKIP() << "no capture data: no *.jsonl in " << dir.string() << " (" << loc.how
                 << "); set RMQ_COMPAT_DATA to the directory holding captures/";
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
  OrderRules rules = OrderRules::forRequest(req::GET_BROKER_CLUSTER_INFO, false);
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
  OrderRules route = OrderRules::forRequest(req::GET_ROUTEINFO_BY_TOPIC, false);
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
