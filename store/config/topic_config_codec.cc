#include "store/config/topic_config_codec.h"

#include "store/config/json_fields.h"

namespace rmq::store::config {
namespace {

Status readFilterType(const rapidjson::Value& obj, std::string& out) {
  const rapidjson::Value* v = findMember(obj, "topicFilterType");
  if (!v) return Status::Ok();
  if (v->IsString()) {
    std::string_view s(v->GetString(), v->GetStringLength());
    if (s == "SINGLE_TAG" || s == "MULTI_TAG") {
      out = std::string(s);
      return Status::Ok();
    }
  } else if (v->IsInt() && (v->GetInt() == 0 || v->GetInt() == 1)) {  // fastjson: ordinal
    out = v->GetInt() == 0 ? "SINGLE_TAG" : "MULTI_TAG";
    return Status::Ok();
  }
  return Status::Error("unknown topicFilterType");
}

Status readTopicConfig(const rapidjson::Value& obj, TopicConfig& c) {
  if (!obj.IsObject()) return Status::Error("topic config is not an object");
  Status s = readString(obj, "topicName", c.topicName);
  if (s.ok()) s = readInt32(obj, "readQueueNums", c.readQueueNums);
  if (s.ok()) s = readInt32(obj, "writeQueueNums", c.writeQueueNums);
  if (s.ok()) s = readInt32(obj, "perm", c.perm);
  if (s.ok()) s = readFilterType(obj, c.topicFilterType);
  if (s.ok()) s = readInt32(obj, "topicSysFlag", c.topicSysFlag);
  if (s.ok()) s = readBool(obj, "order", c.order);
  return s;
}

}  // namespace

Status decode(std::string_view json, TopicConfigFile& out) {
  out = TopicConfigFile();
  rapidjson::Document doc;
  Status s = parseConfigDocument(json, doc);
  if (!s.ok()) return s;
  if (const rapidjson::Value* dv = findMember(doc, "dataVersion")) {
    s = readDataVersion(*dv, out.dataVersion);
    if (!s.ok()) return s;
  }
  const rapidjson::Value* table = nullptr;
  s = readObject(doc, "topicConfigTable", table);
  if (!s.ok() || !table) return s;
  TableBuilder builder(out.topicConfigTable);
  for (auto it = table->MemberBegin(); it != table->MemberEnd(); ++it) {
    if (it->value.IsNull()) continue;  // a null map value is skipped, as Java writes none
    TopicConfig c;
    s = readTopicConfig(it->value, c);
    if (!s.ok()) {
      return Status::Error("topic '" + std::string(it->name.GetString()) + "': " + s.message());
    }
    builder.put(std::string(it->name.GetString(), it->name.GetStringLength()), std::move(c));
  }
  return Status::Ok();
}

std::string encode(const TopicConfigFile& file) {
  std::string out;
  FastjsonPrettyWriter w(out);
  w.beginObject();
  w.key("dataVersion");
  writeDataVersion(w, file.dataVersion);
  w.key("topicConfigTable");
  w.beginObject();
  for (size_t i : javaOrder(file.topicConfigTable, kTopicTableSize)) {
    const auto& [name, c] = file.topicConfigTable[i];
    w.key(name);
    w.beginObject();  // TopicConfig bean properties, alphabetical
    w.key("order");
    w.value(c.order);
    w.key("perm");
    w.value(c.perm);
    w.key("readQueueNums");
    w.value(c.readQueueNums);
    w.key("topicFilterType");
    w.value(c.topicFilterType == "MULTI_TAG" ? "MULTI_TAG" : "SINGLE_TAG");
    w.key("topicName");
    w.value(c.topicName);
    w.key("topicSysFlag");
    w.value(c.topicSysFlag);
    w.key("writeQueueNums");
    w.value(c.writeQueueNums);
    w.endObject();
  }
  w.endObject();
  w.endObject();
  return out;
}

}  // namespace rmq::store::config
