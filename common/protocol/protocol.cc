#include <rapidjson/document.h>

#include "common/protocol/data_version.h"
#include "common/protocol/topic_config.h"

namespace rmq::protocol {

void DataVersion::write(json::JsonWriter& w) const {
  w.beginObject().member("counter", counter).member("timestamp", timestamp).endObject();
}

std::string DataVersion::toJson() const {
  std::string out;
  json::JsonWriter w(out);
  write(w);
  return out;
}

bool DataVersion::fromJson(const rapidjson::Value& v, DataVersion& out) {
  if (!v.IsObject()) return false;
  out = DataVersion{};
  json::getInt64(v, "timestamp", out.timestamp);
  json::getInt64(v, "counter", out.counter);
  return true;
}

Status DataVersion::parse(std::string_view text, DataVersion& out) {
  rapidjson::Document doc;
  Status s = json::parseLenientJson(text, doc);
  if (!s.ok()) return s;
  if (!fromJson(doc, out)) return Status::Error("DataVersion is not a JSON object");
  return Status::Ok();
}

void TopicConfig::write(json::JsonWriter& w) const {
  w.beginObject()
      .member("order", order)
      .member("perm", perm)
      .member("readQueueNums", readQueueNums)
      .member("topicFilterType", topicFilterType)
      .member("topicName", topicName)
      .member("topicSysFlag", topicSysFlag)
      .member("writeQueueNums", writeQueueNums)
      .endObject();
}

bool TopicConfig::fromJson(const rapidjson::Value& v, TopicConfig& out) {
  if (!v.IsObject()) return false;
  out = TopicConfig{};
  json::getString(v, "topicName", out.topicName);
  json::getInt32(v, "readQueueNums", out.readQueueNums);
  json::getInt32(v, "writeQueueNums", out.writeQueueNums);
  json::getInt32(v, "perm", out.perm);
  json::getString(v, "topicFilterType", out.topicFilterType);
  json::getInt32(v, "topicSysFlag", out.topicSysFlag);
  json::getBool(v, "order", out.order);
  return true;
}

void TopicConfigSerializeWrapper::write(json::JsonWriter& w) const {
  w.beginObject();
  w.key("dataVersion");
  dataVersion.write(w);
  w.key("topicConfigTable").beginObject();
  for (const auto& [name, tc] : topicConfigTable) {
    w.key(name);
    tc.write(w);
  }
  w.endObject();
  w.endObject();
}

bool TopicConfigSerializeWrapper::fromJson(const rapidjson::Value& v,
                                           TopicConfigSerializeWrapper& out) {
  if (!v.IsObject()) return false;
  out = TopicConfigSerializeWrapper{};
  auto dv = v.FindMember("dataVersion");
  if (dv != v.MemberEnd()) DataVersion::fromJson(dv->value, out.dataVersion);
  auto table = v.FindMember("topicConfigTable");
  if (table != v.MemberEnd() && table->value.IsObject()) {
    for (auto it = table->value.MemberBegin(); it != table->value.MemberEnd(); ++it) {
      TopicConfig tc;
      if (!TopicConfig::fromJson(it->value, tc)) continue;
      std::string name(it->name.GetString(), it->name.GetStringLength());
      if (tc.topicName.empty()) tc.topicName = name;
      out.topicConfigTable[name] = std::move(tc);
    }
  }
  return true;
}

}  // namespace rmq::protocol
