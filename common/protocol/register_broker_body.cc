#include "common/protocol/register_broker_body.h"

#include <zlib.h>

#include <sstream>

#include "common/properties.h"

namespace rmq::protocol {

Status zlibInflate(std::string_view in, std::string& out, size_t maxOut) {
  out.clear();
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return Status::Error("inflateInit failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  char buf[65536];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Status::Error(std::string("zlib inflate failed: ") + (zs.msg ? zs.msg : "error"));
    }
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (out.size() > maxOut) {
      inflateEnd(&zs);
      return Status::Error("inflated body exceeds " + std::to_string(maxOut) + " bytes");
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Status::Error("zlib stream truncated");
    }
  }
  inflateEnd(&zs);
  return Status::Ok();
}

Status zlibDeflate(std::string_view in, std::string& out, int level) {
  uLongf bound = compressBound(static_cast<uLong>(in.size()));
  out.resize(bound);
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &bound,
                reinterpret_cast<const Bytef*>(in.data()), static_cast<uLong>(in.size()),
                level) != Z_OK) {
    return Status::Error("zlib deflate failed");
  }
  out.resize(bound);
  return Status::Ok();
}

std::string RegisterBrokerBody::encode() const {
  std::string out;
  json::JsonWriter w(out);
  w.beginObject();
  w.key("filterServerList").beginArray();
  for (const auto& s : filterServerList) w.value(s);
  w.endArray();
  w.key("topicConfigSerializeWrapper");
  topicConfigSerializeWrapper.write(w);
  w.endObject();
  return out;
}

namespace {
void putI32(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}
bool getI32(std::string_view in, size_t& pos, int32_t& v) {
  if (in.size() - pos < 4) return false;
  auto* p = reinterpret_cast<const unsigned char*>(in.data() + pos);
  v = static_cast<int32_t>((uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) |
                           uint32_t(p[3]));
  pos += 4;
  return true;
}
bool getBlock(std::string_view in, size_t& pos, std::string_view& block) {
  int32_t len = 0;
  if (!getI32(in, pos, len) || len < 0 || static_cast<size_t>(len) > in.size() - pos) return false;
  block = in.substr(pos, static_cast<size_t>(len));
  pos += static_cast<size_t>(len);
  return true;
}
}  // namespace

std::string RegisterBrokerBody::encodeCompressed() const {
  std::string raw;
  std::string dv = topicConfigSerializeWrapper.dataVersion.toJson();
  putI32(raw, static_cast<uint32_t>(dv.size()));
  raw += dv;
  putI32(raw, static_cast<uint32_t>(topicConfigSerializeWrapper.topicConfigTable.size()));
  for (const auto& [name, tc] : topicConfigSerializeWrapper.topicConfigTable) {
    std::string text = tc.topicName + " " + std::to_string(tc.readQueueNums) + " " +
                       std::to_string(tc.writeQueueNums) + " " + std::to_string(tc.perm) + " " +
                       tc.topicFilterType;
    putI32(raw, static_cast<uint32_t>(text.size()));
    raw += text;
  }
  std::string filters;
  json::JsonWriter w(filters);
  w.beginArray();
  for (const auto& s : filterServerList) w.value(s);
  w.endArray();
  putI32(raw, static_cast<uint32_t>(filters.size()));
  raw += filters;
  std::string out;
  (void)zlibDeflate(raw, out);
  return out;
}

Status RegisterBrokerBody::decode(std::string_view body, bool compressed, bool bareWrapper,
                                  RegisterBrokerBody& out) {
  out = RegisterBrokerBody{};
  if (body.empty()) return Status::Ok();
  if (compressed) {
    std::string raw;
    Status s = zlibInflate(body, raw);
    if (!s.ok()) return s;
    size_t pos = 0;
    std::string_view block;
    if (!getBlock(raw, pos, block)) return Status::Error("compressed body: bad data version");
    s = DataVersion::parse(block, out.topicConfigSerializeWrapper.dataVersion);
    if (!s.ok()) return s;
    int32_t count = 0;
    if (!getI32(raw, pos, count) || count < 0) {
      return Status::Error("compressed body: bad topic count");
    }
    for (int32_t i = 0; i < count; ++i) {
      if (!getBlock(raw, pos, block)) return Status::Error("compressed body: truncated topic");
      std::istringstream in{std::string(block)};
      TopicConfig tc;
      if (!(in >> tc.topicName >> tc.readQueueNums >> tc.writeQueueNums >> tc.perm >>
            tc.topicFilterType)) {
        return Status::Error("compressed body: bad topic config text");
      }
      out.topicConfigSerializeWrapper.topicConfigTable[tc.topicName] = tc;
    }
    if (!getBlock(raw, pos, block)) return Status::Error("compressed body: bad filter list");
    rapidjson::Document doc;
    s = json::parseLenientJson(block, doc);
    if (!s.ok()) return s;
    if (doc.IsArray()) {
      for (const auto& e : doc.GetArray()) out.filterServerList.push_back(json::toText(e));
    }
    return Status::Ok();
  }
  rapidjson::Document doc;
  Status s = json::parseLenientJson(body, doc);
  if (!s.ok()) return s;
  if (!doc.IsObject()) return Status::Error("register body is not a JSON object");
  if (bareWrapper) {
    TopicConfigSerializeWrapper::fromJson(doc, out.topicConfigSerializeWrapper);
    return Status::Ok();
  }
  auto w = doc.FindMember("topicConfigSerializeWrapper");
  if (w != doc.MemberEnd()) {
    TopicConfigSerializeWrapper::fromJson(w->value, out.topicConfigSerializeWrapper);
  }
  auto f = doc.FindMember("filterServerList");
  if (f != doc.MemberEnd() && f->value.IsArray()) {
    for (const auto& e : f->value.GetArray()) out.filterServerList.push_back(json::toText(e));
  }
  return Status::Ok();
}

}  // namespace rmq::protocol
