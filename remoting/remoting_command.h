// The RemotingCommand model: one frame of the RocketMQ remoting protocol (request or response),
// whatever its header serialization. See docs/remoting.md and shared protocol remoting.md.
//
// Hot-path design: header fields live in ExtFields, a flat arena of key/value bytes with a small
// index (no map, no per-field allocation once the arena has grown). A decoded request borrows its
// body from the connection's read buffer; that view is valid only while the request is being
// dispatched (call ownBody() to keep it longer). An outgoing command can carry its body as owned
// bytes or as chunks of memory it does not own, kept alive by a shared_ptr until written.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rmq::remoting {

enum class SerializeType : uint8_t { JSON = 0, ROCKETMQ = 1 };

// LanguageCode byte values (Java LanguageCode.java).
enum class LanguageCode : uint8_t {
  JAVA = 0,
  CPP = 1,
  DOTNET = 2,
  PYTHON = 3,
  DELPHI = 4,
  ERLANG = 5,
  RUBY = 6,
  OTHER = 7,
  HTTP = 8,
  GO = 9,
  PHP = 10,
  OMS = 11,
  RUST = 12,
  NODE_JS = 13,
};
const char* languageName(LanguageCode code);
// Unknown names map to OTHER (the name is informational only).
LanguageCode languageFromName(std::string_view name);

constexpr int32_t kFlagResponse = 0x1;
constexpr int32_t kFlagOneway = 0x2;

// Ordered, flat key/value store for the header fields ("extFields"). Setting an existing key
// replaces its value (the last occurrence wins, as in Java's HashMap).
class ExtFields {
 public:
  void clear() {
    arena_.clear();
    entries_.clear();
  }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }

  void set(std::string_view key, std::string_view value);
  void setInt(std::string_view key, int64_t value);
  void setBool(std::string_view key, bool value) { set(key, value ? "true" : "false"); }
  // Appends without looking for an existing key (decoders that know keys are fresh use it).
  void append(std::string_view key, std::string_view value);
  bool erase(std::string_view key);

  std::optional<std::string_view> get(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) >= 0; }
  // Java-style typed getters: absent or unparsable -> nullopt.
  std::optional<int32_t> getInt32(std::string_view key) const;
  std::optional<int64_t> getInt64(std::string_view key) const;
  std::optional<bool> getBool(std::string_view key) const;
  // String value or "" when absent.
  std::string getString(std::string_view key) const;

  std::string_view keyAt(size_t i) const {
    return {arena_.data() + entries_[i].keyOff, entries_[i].keyLen};
  }
  std::string_view valueAt(size_t i) const {
    return {arena_.data() + entries_[i].valueOff, entries_[i].valueLen};
  }

  bool operator==(const ExtFields& other) const;  // same key -> value pairs, any order

 private:
  struct Entry {
    uint32_t keyOff, keyLen, valueOff, valueLen;
  };
  static constexpr size_t kTypicalFields = 12;
  static constexpr size_t kTypicalArena = 256;
  int find(std::string_view key) const;
  std::string arena_;
  std::vector<Entry> entries_;
};

// A body region owned elsewhere (e.g. a mapped CommitLog file), kept alive by `keepAlive`.
struct BodyChunk {
  const char* data = nullptr;
  size_t size = 0;
  std::shared_ptr<const void> keepAlive;
};

class RemotingCommand {
 public:
  int32_t code = 0;
  LanguageCode language = LanguageCode::JAVA;
  int32_t version = 0;
  int32_t opaque = 0;
  int32_t flag = 0;
  std::optional<std::string> remark;
  // JSON distinguishes an absent extFields member from "extFields":{}; Java writes the latter
  // for responses built from a header class whose fields are all null.
  bool hasExtFields = false;
  ExtFields ext;
  SerializeType serializeType = SerializeType::JSON;

  bool isResponse() const { return (flag & kFlagResponse) != 0; }
  bool isOneway() const { return (flag & kFlagOneway) != 0; }
  void markResponse() { flag |= kFlagResponse; }
  void markOneway() { flag |= kFlagOneway; }

  // ---- body ----
  // Contiguous body (owned or borrowed). Not valid for chunked bodies.
  std::string_view body() const { return bodyOwned_ ? std::string_view(ownedBody_) : body_; }
  size_t bodySize() const;
  bool hasChunks() const { return !chunks_.empty(); }
  const std::vector<BodyChunk>& chunks() const { return chunks_; }
  void setBody(std::string body);
  void borrowBody(std::string_view body);
  void addChunk(BodyChunk chunk);
  // Copies a borrowed body into owned storage so the command can outlive its frame.
  void ownBody();
  // Flattens chunks into an owned contiguous body (tests and tools).
  std::string bodyBytes() const;

  // ---- header fields shorthands ----
  RemotingCommand& addExt(std::string_view key, std::string_view value) {
    hasExtFields = true;
    ext.set(key, value);
    return *this;
  }
  RemotingCommand& addExtInt(std::string_view key, int64_t value) {
    hasExtFields = true;
    ext.setInt(key, value);
    return *this;
  }

  // Back to a default-constructed command, keeping the capacity of the header arena and of the
  // body storage (for a command object reused across answers).
  void reset();

  // A request with the given code, as this process sends it (language JAVA, our version).
  static RemotingCommand createRequest(int32_t code);
  // A response to `request`: same opaque and serialization, response flag, our version.
  static RemotingCommand createResponse(const RemotingCommand& request, int32_t code,
                                        std::optional<std::string> remark = std::nullopt);

 private:
  // Either ownedBody_ (bodyOwned_) or the borrowed view body_; never a view into ownedBody_,
  // so copies and moves of the command stay valid.
  bool bodyOwned_ = false;
  std::string ownedBody_;
  std::string_view body_;
  std::vector<BodyChunk> chunks_;
};

}  // namespace rmq::remoting
