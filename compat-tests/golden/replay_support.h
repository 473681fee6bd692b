// What the golden replay tests share (namesrv_replay_test.cc, the broker_replay_* files): a raw
// blocking client socket that re-sends recorded frames byte for byte and reads whole frames back,
// loopback port helpers, a temporary directory for the server under test, a cache of loaded
// captures, the field-by-field comparison of one of our responses with the recorded Java
// response (header fields, and JSON bodies structurally plus byte for byte after sorting the
// parts Java emits in HashMap/HashSet order), the sorting of differences into allowed and
// failing ones, and the summary lines both tests print.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "common/logging.h"
#include "common/status.h"
#include "compat-tests/golden/capture_reader.h"
#include "remoting/frame_codec.h"
#include "remoting/remoting_command.h"

namespace rmq::compat {

// ---- a blocking client socket ----

// Sends raw bytes and reads whole frames. Deliberately not our Connection: that keeps the
// recorded bytes exactly and sees every frame that comes back (a Connection drops responses
// whose opaque it does not wait for, which would hide an answer to a oneway request).
class RawConnection {
 public:
  RawConnection() = default;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;
  ~RawConnection();

  // Connects to 127.0.0.1:port. With localPort != 0 it first tries to bind that local port (so a
  // recorded client address can be reproduced) and falls back to an ephemeral one.
  Status connect(uint16_t port, uint16_t localPort = 0);
  uint16_t localPort() const { return localPort_; }
  Status send(std::string_view bytes);
  void close();

  enum class Read { kFrame, kTimeout, kClosed, kError };
  // The next whole frame (with its length prefix) into `frame`, waiting up to `timeoutMs`.
  Read next(int timeoutMs, std::string& frame, std::string& error);

 private:
  int fd_ = -1;
  uint16_t localPort_ = 0;
  std::string buffer_;
};

// ---- decoded frames ----

// A decoded frame that owns its bytes (the command borrows its body from them).
struct DecodedFrame {
  std::string bytes;
  remoting::FrameView view;
  remoting::RemotingCommand cmd;
};

Status decodeOwned(std::string bytes, DecodedFrame& out);

// ---- the environment of the server under test ----

// Whether 127.0.0.1:port can be bound now (a recorded port is reused only when it is free).
bool loopbackPortFree(uint16_t port);
// A loopback port that was free a moment ago (0 if none could be found).
uint16_t freeLoopbackPort();

// A fresh directory /tmp/<prefix>XXXXXX, removed with its contents when the object goes.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::filesystem::path& path() const { return path_; }
  const std::string& error() const { return error_; }

 private:
  std::filesystem::path path_;
  std::string error_;
};

// Why a test that needs `file` (a capture or the captures directory) is skipped when it is
// absent: names the path, how it was located and the variable that overrides it.
std::string noCaptureDataMessage(const std::filesystem::path& file, const CompatDataLocation& loc);

// ---- loaded captures ----

class CaptureCache {
 public:
  explicit CaptureCache(std::filesystem::path dir) : dir_(std::move(dir)) {}
  // The capture `name` (file name in the directory), loaded on first use; nullptr + error.
  const CaptureFile* get(const std::string& name, std::string& error);

 private:
  std::filesystem::path dir_;
  std::map<std::string, std::unique_ptr<CaptureFile>> files_;
};

std::optional<std::string> recordedExt(const CaptureFrame& f, std::string_view key);

// ---- differences ----

struct Diff {
  std::string field;
  std::string ours;
  std::string java;
};

// '*' matches any run of characters, everything else itself.
bool globMatch(std::string_view pattern, std::string_view text);

// An individual difference that is accepted: capture file, recorded response line (0 = every
// line of that file), field as reported by the comparison (globMatch pattern).
struct AllowedDifference {
  const char* capture;
  size_t line;
  const char* field;
  const char* reason;
};

const AllowedDifference* findAllowed(std::span<const AllowedDifference> allowed,
                                     const std::string& capture, size_t line,
                                     const std::string& field);

// Counts the tolerated `notes` and the `diffs` that `allowed` accepts for (capture, line) into
// `allowedCounts` (key: the note, or "field: reason") and returns the differences that remain.
std::vector<Diff> settleDifferences(std::span<const AllowedDifference> allowed,
                                    const std::string& capture, size_t line,
                                    std::vector<Diff> diffs, const std::vector<std::string>& notes,
                                    std::map<std::string, size_t>& allowedCounts);

// "file:line (CODE_NAME request at line N)": where a failing response is.
std::string responseWhere(const CaptureFrame& request, const CaptureFrame& recorded);

// The summary lines of the allowed differences ("differences allowed: none" or one line each).
void printAllowed(const std::map<std::string, size_t>& allowedCounts);

// ---- JSON bodies ----

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

// The order rules that apply to one response.
struct OrderRules {
  std::set<std::string> maps, arrays;
  std::map<std::string, std::string> reasons;  // path -> reason
  static OrderRules forRequest(std::span<const OrderRule> table, int32_t code,
                               bool legacyRouteForm);
};

// A tree of the raw fastjson-dialect text (tokens kept as written, so bare and quoted keys stay
// distinguishable), for the byte comparison after sorting HashMap-ordered parts.
struct RawNode {
  enum Kind { kScalar, kObject, kArray } kind = kScalar;
  std::string text;                                      // scalar token as written
  std::vector<std::pair<std::string, RawNode>> members;  // key token as written
  std::vector<RawNode> elements;

  void emit(std::string& out) const;
  std::string emit() const;
};

// Parses compact fastjson output (no white space; Java never writes any). A failure only means
// the byte comparison cannot reorder and compares the raw bytes instead.
class RawParser {
 public:
  explicit RawParser(std::string_view s) : s_(s) {}
  bool parse(RawNode& out);

 private:
  bool at(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  bool skipString();
  bool token(std::string& out, const char* stops);
  bool value(RawNode& n);
  bool object(RawNode& n);
  bool array(RawNode& n);

  std::string_view s_;
  size_t pos_ = 0;
};

// Compares two JSON (fastjson dialect) response bodies: structurally (objects as unordered maps,
// arrays in order unless a rule names them), then byte for byte after sorting what the rules
// name. A body Java did not write as JSON must match byte for byte. `notes` receives the
// tolerated order differences.
void compareBodies(std::string_view ours, std::string_view java, const OrderRules& rules,
                   std::vector<Diff>& diffs, std::vector<std::string>& notes);

// Field-by-field comparison of the headers: frame serialization, code, flag, language, version,
// opaque (and against the request's), remark, extFields presence and every entry, the JSON
// header's members and, with at most one extFields entry (no HashMap order involved), its bytes.
void compareHeaders(const CaptureFrame& request, const DecodedFrame& ours, const DecodedFrame& java,
                    const rapidjson::Value& javaHeader, std::vector<Diff>& diffs);

// ---- small helpers ----

std::string compactJson(const rapidjson::Value& v);
std::string shorten(std::string s, size_t max = 300);
// Position of the first difference and some context, for byte mismatches.
std::string around(std::string_view s, size_t at);
size_t firstDifference(std::string_view a, std::string_view b);
std::string extText(const remoting::RemotingCommand& c);
const char* serializeName(remoting::SerializeType t);

class LogLevelGuard {
 public:
  explicit LogLevelGuard(log::Level l) : saved_(log::level()) { log::setLevel(l); }
  ~LogLevelGuard() { log::setLevel(saved_); }

 private:
  log::Level saved_;
};

}  // namespace rmq::compat
