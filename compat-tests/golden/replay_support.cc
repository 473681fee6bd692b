#include "compat-tests/golden/replay_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>

#include "common/json.h"
#include "common/time_util.h"

namespace rmq::compat {

namespace fs = std::filesystem;
using remoting::FrameParse;
using remoting::FrameView;
using remoting::RemotingCommand;
using remoting::SerializeType;

// =============================================================================================
// RawConnection

RawConnection::~RawConnection() {
  close();
}

void RawConnection::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

namespace {

int connectSocket(uint16_t port, uint16_t localPort, std::string& error) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  if (localPort != 0) {
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(localPort);
    ::inet_pton(AF_INET, "127.0.0.1", &local.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      error = std::string("bind: ") + std::strerror(errno);
      ::close(fd);
      return -1;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    error = std::string("connect: ") + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

}  // namespace

Status RawConnection::connect(uint16_t port, uint16_t localPort) {
  std::string error;
  fd_ = localPort != 0 ? connectSocket(port, localPort, error) : -1;
  if (fd_ < 0) fd_ = connectSocket(port, 0, error);
  if (fd_ < 0) return Status::Error(error);
  sockaddr_in local{};
  socklen_t len = sizeof local;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &len) == 0) {
    localPort_ = ntohs(local.sin_port);
  }
  return Status::Ok();
}

Status RawConnection::send(std::string_view bytes) {
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

RawConnection::Read RawConnection::next(int timeoutMs, std::string& frame, std::string& error) {
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
    if (fd_ < 0) return Read::kClosed;
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

// =============================================================================================
// Frames and captures

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
// The environment of the server under test

namespace {

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  return a;
}

}  // namespace

bool loopbackPortFree(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  int one = 1;
  // SO_REUSEADDR as the server sets it: a port held only by TIME_WAIT sockets counts as free.
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a = loopback(port);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

uint16_t freeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in a = loopback(0);
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

TempDir::TempDir(std::string_view prefix) {
  std::string tmpl = "/tmp/" + std::string(prefix) + "XXXXXX";
  if (::mkdtemp(tmpl.data()) == nullptr) {
    error_ = std::string("mkdtemp: ") + std::strerror(errno);
    return;
  }
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) fs::remove_all(path_, ec);
}

std::string noCaptureDataMessage(const fs::path& file, const CompatDataLocation& loc) {
  return "no capture data: " + file.string() + " (" + loc.how +
         "); set RMQ_COMPAT_DATA to the directory holding captures/";
}

// =============================================================================================
// Captures and differences

const CaptureFile* CaptureCache::get(const std::string& name, std::string& error) {
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

std::optional<std::string> recordedExt(const CaptureFrame& f, std::string_view key) {
  for (auto& [k, v] : CaptureFile::headerExtFields(*f.header)) {
    if (k == key) return v;
  }
  return std::nullopt;
}

bool globMatch(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

const AllowedDifference* findAllowed(std::span<const AllowedDifference> allowed,
                                     const std::string& capture, size_t line,
                                     const std::string& field) {
  for (const AllowedDifference& a : allowed) {
    if (capture != a.capture || (a.line != 0 && a.line != line)) continue;
    if (globMatch(a.field, field)) return &a;
  }
  return nullptr;
}

std::vector<Diff> settleDifferences(std::span<const AllowedDifference> allowed,
                                    const std::string& capture, size_t line,
                                    std::vector<Diff> diffs, const std::vector<std::string>& notes,
                                    std::map<std::string, size_t>& allowedCounts) {
  for (const std::string& n : notes) ++allowedCounts[n];
  std::vector<Diff> rest;
  for (Diff& d : diffs) {
    if (const AllowedDifference* a = findAllowed(allowed, capture, line, d.field)) {
      ++allowedCounts[d.field + ": " + a->reason];
      continue;
    }
    rest.push_back(std::move(d));
  }
  return rest;
}

std::string responseWhere(const CaptureFrame& request, const CaptureFrame& recorded) {
  return recorded.where() + " (" + request.codeName + " request at line " +
         std::to_string(request.line) + ")";
}

void printAllowed(const std::map<std::string, size_t>& allowedCounts) {
  if (allowedCounts.empty()) std::cout << "             differences allowed: none\n";
  for (const auto& [reason, n] : allowedCounts) {
    std::cout << "             allowed " << n << " x " << reason << "\n";
  }
}

// =============================================================================================
// Raw fastjson tree

void RawNode::emit(std::string& out) const {
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

std::string RawNode::emit() const {
  std::string out;
  emit(out);
  return out;
}

bool RawParser::parse(RawNode& out) {
  return value(out) && pos_ == s_.size();
}

bool RawParser::skipString() {
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

bool RawParser::token(std::string& out, const char* stops) {
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

bool RawParser::value(RawNode& n) {
  if (at('{')) return object(n);
  if (at('[')) return array(n);
  n.kind = RawNode::kScalar;
  return token(n.text, ",:}]");
}

bool RawParser::object(RawNode& n) {
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

bool RawParser::array(RawNode& n) {
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

// =============================================================================================
// Body comparison

namespace {

std::string keyName(std::string_view token) {
  if (token.size() >= 2 && (token.front() == '"' || token.front() == '\'')) {
    return std::string(token.substr(1, token.size() - 2));
  }
  return std::string(token);
}

std::string childPath(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

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

}  // namespace

OrderRules OrderRules::forRequest(std::span<const OrderRule> table, int32_t code,
                                  bool legacyRouteForm) {
  OrderRules r;
  for (const OrderRule& rule : table) {
    if (rule.requestCode != code || (rule.legacyOnly && !legacyRouteForm)) continue;
    (rule.isMap ? r.maps : r.arrays).insert(rule.path);
    r.reasons[rule.path] = rule.reason;
  }
  return r;
}

std::string compactJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

std::string shorten(std::string s, size_t max) {
  if (s.size() > max) s = s.substr(0, max) + "...(" + std::to_string(s.size()) + " bytes)";
  return s;
}

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

void compareHeaders(const CaptureFrame& request, const DecodedFrame& ours, const DecodedFrame& java,
                    const rapidjson::Value& javaHeader, std::vector<Diff>& diffs) {
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
}

}  // namespace rmq::compat
