#include "remoting/header_codec.h"

#include <charconv>
#include <cstring>

#include "common/json.h"
#include "common/properties.h"

namespace rmq::remoting {

// ---------------------------------------------------------------------------------------------
// JSON

namespace {

void appendInt(std::string& out, int64_t v) {
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, p);
}

}  // namespace

void encodeJsonHeader(const RemotingCommand& cmd, std::string& out) {
  // fastjson order: the bean's properties sorted by name; null members omitted.
  out.append("{\"code\":");
  appendInt(out, cmd.code);
  if (cmd.hasExtFields || !cmd.ext.empty()) {
    out.append(",\"extFields\":{");
    for (size_t i = 0; i < cmd.ext.size(); ++i) {
      if (i) out.push_back(',');
      json::appendQuoted(out, cmd.ext.keyAt(i));
      out.push_back(':');
      json::appendQuoted(out, cmd.ext.valueAt(i));
    }
    out.push_back('}');
  }
  out.append(",\"flag\":");
  appendInt(out, cmd.flag);
  out.append(",\"language\":\"");
  out.append(languageName(cmd.language));
  out.append("\",\"opaque\":");
  appendInt(out, cmd.opaque);
  if (cmd.remark) {
    out.append(",\"remark\":");
    json::appendQuoted(out, *cmd.remark);
  }
  out.append(",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":");
  appendInt(out, cmd.version);
  out.push_back('}');
}

// decodeJsonHeader: remoting/json_header_decoder.cc

// ---------------------------------------------------------------------------------------------
// ROCKETMQ binary

namespace {

inline void putU16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}
inline void putU32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}
inline uint16_t getU16(const unsigned char* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
inline uint32_t getU32(const unsigned char* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

}  // namespace

void encodeRocketMQHeader(const RemotingCommand& cmd, std::string& out) {
  putU16(out, static_cast<uint16_t>(cmd.code));
  out.push_back(static_cast<char>(cmd.language));
  putU16(out, static_cast<uint16_t>(cmd.version));
  putU32(out, static_cast<uint32_t>(cmd.opaque));
  putU32(out, static_cast<uint32_t>(cmd.flag));
  if (cmd.remark && !cmd.remark->empty()) {
    putU32(out, static_cast<uint32_t>(cmd.remark->size()));
    out.append(*cmd.remark);
  } else {
    putU32(out, 0);
  }
  size_t extLen = 0;
  for (size_t i = 0; i < cmd.ext.size(); ++i) {
    extLen += 2 + cmd.ext.keyAt(i).size() + 4 + cmd.ext.valueAt(i).size();
  }
  putU32(out, static_cast<uint32_t>(extLen));
  for (size_t i = 0; i < cmd.ext.size(); ++i) {
    std::string_view k = cmd.ext.keyAt(i), v = cmd.ext.valueAt(i);
    putU16(out, static_cast<uint16_t>(k.size()));
    out.append(k);
    putU32(out, static_cast<uint32_t>(v.size()));
    out.append(v);
  }
}

Status decodeRocketMQHeader(std::string_view header, RemotingCommand& cmd) {
  cmd.serializeType = SerializeType::ROCKETMQ;
  cmd.ext.clear();
  cmd.remark.reset();
  if (header.size() < kRocketMQFixedHeaderSize) {
    return Status::Error("ROCKETMQ header of " + std::to_string(header.size()) +
                         " bytes is shorter than its fixed part");
  }
  const auto* p = reinterpret_cast<const unsigned char*>(header.data());
  const size_t n = header.size();
  cmd.code = static_cast<int16_t>(getU16(p));
  cmd.language = static_cast<LanguageCode>(p[2]);
  cmd.version = static_cast<int16_t>(getU16(p + 3));
  cmd.opaque = static_cast<int32_t>(getU32(p + 5));
  cmd.flag = static_cast<int32_t>(getU32(p + 9));
  size_t pos = 13;
  int32_t remarkLen = static_cast<int32_t>(getU32(p + pos));
  pos += 4;
  if (remarkLen < 0 || static_cast<size_t>(remarkLen) > n - pos) {
    return Status::Error("ROCKETMQ header remark length " + std::to_string(remarkLen) +
                         " exceeds the header");
  }
  if (remarkLen > 0) cmd.remark = std::string(header.substr(pos, static_cast<size_t>(remarkLen)));
  pos += static_cast<size_t>(remarkLen);
  if (n - pos < 4) return Status::Error("ROCKETMQ header truncated before extFields length");
  int32_t extLen = static_cast<int32_t>(getU32(p + pos));
  pos += 4;
  if (extLen < 0 || static_cast<size_t>(extLen) != n - pos) {
    return Status::Error("ROCKETMQ header extFields length " + std::to_string(extLen) +
                         " does not match the " + std::to_string(n - pos) + " bytes left");
  }
  cmd.hasExtFields = extLen > 0;
  while (pos < n) {
    if (n - pos < 2) return Status::Error("ROCKETMQ extFields entry truncated (key length)");
    int16_t keyLen = static_cast<int16_t>(getU16(p + pos));
    pos += 2;
    if (keyLen <= 0 || static_cast<size_t>(keyLen) > n - pos) {
      return Status::Error("ROCKETMQ extFields key length " + std::to_string(keyLen) + " invalid");
    }
    std::string_view key = header.substr(pos, static_cast<size_t>(keyLen));
    pos += static_cast<size_t>(keyLen);
    if (n - pos < 4) return Status::Error("ROCKETMQ extFields entry truncated (value length)");
    int32_t valueLen = static_cast<int32_t>(getU32(p + pos));
    pos += 4;
    if (valueLen < 0 || static_cast<size_t>(valueLen) > n - pos) {
      return Status::Error("ROCKETMQ extFields value length " + std::to_string(valueLen) +
                           " invalid");
    }
    cmd.ext.set(key, header.substr(pos, static_cast<size_t>(valueLen)));
    pos += static_cast<size_t>(valueLen);
  }
  return Status::Ok();
}

}  // namespace rmq::remoting
