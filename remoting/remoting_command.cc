#include "remoting/remoting_command.h"

#include <charconv>
#include <cstring>

#include "common/mq_version.h"
#include "common/properties.h"

namespace rmq::remoting {

namespace {
constexpr const char* kLanguageNames[] = {"JAVA",   "CPP",  "DOTNET", "PYTHON", "DELPHI",
                                          "ERLANG", "RUBY", "OTHER",  "HTTP",   "GO",
                                          "PHP",    "OMS",  "RUST",   "NODE_JS"};
}

const char* languageName(LanguageCode code) {
  auto i = static_cast<size_t>(code);
  return i < std::size(kLanguageNames) ? kLanguageNames[i] : "OTHER";
}

LanguageCode languageFromName(std::string_view name) {
  for (size_t i = 0; i < std::size(kLanguageNames); ++i) {
    if (name == kLanguageNames[i]) return static_cast<LanguageCode>(i);
  }
  return LanguageCode::OTHER;
}

// ---- ExtFields ----

int ExtFields::find(std::string_view key) const {
  if (key.empty()) {
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].keyLen == 0) return static_cast<int>(i);
    }
    return -1;
  }
  // Length and first byte first: the V2 send header's keys are all one letter long.
  const char first = key[0];
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    if (e.keyLen == key.size() && arena_[e.keyOff] == first &&
        std::memcmp(arena_.data() + e.keyOff + 1, key.data() + 1, key.size() - 1) == 0) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

void ExtFields::append(std::string_view key, std::string_view value) {
  // One allocation each for a typical header instead of a growth series of both.
  if (entries_.capacity() == 0) entries_.reserve(kTypicalFields);
  if (arena_.capacity() < kTypicalArena) arena_.reserve(kTypicalArena);
  Entry e{};
  e.keyOff = static_cast<uint32_t>(arena_.size());
  e.keyLen = static_cast<uint32_t>(key.size());
  arena_.append(key);
  e.valueOff = static_cast<uint32_t>(arena_.size());
  e.valueLen = static_cast<uint32_t>(value.size());
  arena_.append(value);
  entries_.push_back(e);
}

void ExtFields::set(std::string_view key, std::string_view value) {
  int i = find(key);
  if (i < 0) {
    append(key, value);
    return;
  }
  Entry& e = entries_[static_cast<size_t>(i)];
  if (value.size() <= e.valueLen) {
    std::memcpy(arena_.data() + e.valueOff, value.data(), value.size());
    e.valueLen = static_cast<uint32_t>(value.size());
    return;
  }
  e.valueOff = static_cast<uint32_t>(arena_.size());
  e.valueLen = static_cast<uint32_t>(value.size());
  arena_.append(value);
}

void ExtFields::setInt(std::string_view key, int64_t value) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  set(key, std::string_view(buf, static_cast<size_t>(p - buf)));
}

bool ExtFields::erase(std::string_view key) {
  int i = find(key);
  if (i < 0) return false;
  entries_.erase(entries_.begin() + i);
  return true;
}

std::optional<std::string_view> ExtFields::get(std::string_view key) const {
  int i = find(key);
  if (i < 0) return std::nullopt;
  return valueAt(static_cast<size_t>(i));
}

std::optional<int32_t> ExtFields::getInt32(std::string_view key) const {
  auto v = get(key);
  if (!v) return std::nullopt;
  return parseJavaInt(*v);
}

std::optional<int64_t> ExtFields::getInt64(std::string_view key) const {
  auto v = get(key);
  if (!v) return std::nullopt;
  return parseJavaLong(*v);
}

std::optional<bool> ExtFields::getBool(std::string_view key) const {
  auto v = get(key);
  if (!v) return std::nullopt;
  return parseJavaBoolean(*v);
}

std::string ExtFields::getString(std::string_view key) const {
  auto v = get(key);
  return v ? std::string(*v) : std::string();
}

bool ExtFields::operator==(const ExtFields& other) const {
  if (size() != other.size()) return false;
  for (size_t i = 0; i < size(); ++i) {
    auto v = other.get(keyAt(i));
    if (!v || *v != valueAt(i)) return false;
  }
  return true;
}

// ---- RemotingCommand ----

size_t RemotingCommand::bodySize() const {
  if (chunks_.empty()) return body().size();
  size_t n = 0;
  for (const auto& c : chunks_) n += c.size;
  return n;
}

void RemotingCommand::setBody(std::string body) {
  chunks_.clear();
  ownedBody_ = std::move(body);
  bodyOwned_ = true;
  body_ = {};
}

void RemotingCommand::borrowBody(std::string_view body) {
  chunks_.clear();
  ownedBody_.clear();
  bodyOwned_ = false;
  body_ = body;
}

void RemotingCommand::addChunk(BodyChunk chunk) {
  if (chunks_.empty() && !body().empty()) {
    // Keep an existing contiguous body as the first chunk.
    auto owned = std::make_shared<std::string>(body());
    chunks_.push_back(BodyChunk{owned->data(), owned->size(), owned});
  }
  ownedBody_.clear();
  bodyOwned_ = false;
  body_ = {};
  chunks_.push_back(std::move(chunk));
}

void RemotingCommand::ownBody() {
  if (!chunks_.empty()) {
    setBody(bodyBytes());
    return;
  }
  if (!bodyOwned_) {
    ownedBody_.assign(body_.data(), body_.size());
    bodyOwned_ = true;
    body_ = {};
  }
}

std::string RemotingCommand::bodyBytes() const {
  if (chunks_.empty()) return std::string(body());
  std::string out;
  out.reserve(bodySize());
  for (const auto& c : chunks_) out.append(c.data, c.size);
  return out;
}

void RemotingCommand::reset() {
  code = 0;
  language = LanguageCode::JAVA;
  version = 0;
  opaque = 0;
  flag = 0;
  remark.reset();
  hasExtFields = false;
  ext.clear();
  serializeType = SerializeType::JSON;
  bodyOwned_ = false;
  ownedBody_.clear();
  body_ = {};
  chunks_.clear();
}

RemotingCommand RemotingCommand::createRequest(int32_t code) {
  RemotingCommand cmd;
  cmd.code = code;
  cmd.language = LanguageCode::JAVA;
  cmd.version = mqversion::CURRENT;
  return cmd;
}

RemotingCommand RemotingCommand::createResponse(const RemotingCommand& request, int32_t code,
                                                std::optional<std::string> remark) {
  RemotingCommand cmd;
  cmd.code = code;
  cmd.language = LanguageCode::JAVA;
  cmd.version = mqversion::CURRENT;
  cmd.opaque = request.opaque;
  cmd.flag = kFlagResponse;
  cmd.serializeType = request.serializeType;
  cmd.remark = std::move(remark);
  return cmd;
}

}  // namespace rmq::remoting
