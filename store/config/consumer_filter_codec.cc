#include "store/config/consumer_filter_codec.h"

#include <limits>

#include "store/config/fastjson_pretty_writer.h"
#include "store/config/json_fields.h"

namespace rmq::store::config {
namespace {

Status readBloom(const rapidjson::Value& obj, BloomFilterData& b) {
  Status s = readInt32(obj, "bitNum", b.bitNum);
  if (!s.ok()) return s;
  const rapidjson::Value* pos = findMember(obj, "bitPos");
  if (!pos) return Status::Ok();
  if (!pos->IsArray()) return Status::Error("bitPos is not an array");
  for (const auto& v : pos->GetArray()) {
    int64_t p = 0;
    s = toInt64Value(v, "bitPos", p);
    if (!s.ok()) return s;
    if (p < std::numeric_limits<int32_t>::min() || p > std::numeric_limits<int32_t>::max()) {
      return Status::Error("bitPos value out of range");
    }
    b.bitPos.push_back(static_cast<int32_t>(p));
  }
  return Status::Ok();
}

Status readFilterData(const rapidjson::Value& obj, ConsumerFilterData& d) {
  if (!obj.IsObject()) return Status::Error("filter data is not an object");
  Status s = readString(obj, "consumerGroup", d.consumerGroup);
  if (s.ok()) s = readString(obj, "topic", d.topic);
  if (s.ok()) s = readOptionalString(obj, "expression", d.expression);
  if (s.ok()) s = readOptionalString(obj, "expressionType", d.expressionType);
  if (s.ok()) s = readInt64(obj, "bornTime", d.bornTime);
  if (s.ok()) s = readInt64(obj, "deadTime", d.deadTime);
  if (s.ok()) s = readInt64(obj, "clientVersion", d.clientVersion);
  const rapidjson::Value* bloom = nullptr;
  if (s.ok()) s = readObject(obj, "bloomFilterData", bloom);
  if (s.ok() && bloom) {
    BloomFilterData b;
    s = readBloom(*bloom, b);
    if (s.ok()) d.bloomFilterData = std::move(b);
  }
  return s;
}

Status readTopicFilters(const rapidjson::Value& obj, FilterDataMapByTopic& t) {
  if (!obj.IsObject()) return Status::Error("topic filter map is not an object");
  Status s = readString(obj, "topic", t.topic);
  const rapidjson::Value* groups = nullptr;
  if (s.ok()) s = readObject(obj, "groupFilterData", groups);
  if (!s.ok() || !groups) return s;
  TableBuilder builder(t.groupFilterData);
  for (auto it = groups->MemberBegin(); it != groups->MemberEnd(); ++it) {
    if (it->value.IsNull()) continue;
    ConsumerFilterData d;
    s = readFilterData(it->value, d);
    if (!s.ok()) return s;
    builder.put(std::string(it->name.GetString(), it->name.GetStringLength()), std::move(d));
  }
  return Status::Ok();
}

void writeFilterData(FastjsonPrettyWriter& w, const ConsumerFilterData& d) {
  w.beginObject();  // bean properties, alphabetical; null members omitted
  if (d.bloomFilterData) {
    w.key("bloomFilterData");
    w.beginObject();
    w.key("bitNum");
    w.value(d.bloomFilterData->bitNum);
    w.key("bitPos");
    w.beginArray();
    for (int32_t p : d.bloomFilterData->bitPos) w.value(p);
    w.endArray();
    w.endObject();
  }
  w.key("bornTime");
  w.value(d.bornTime);
  w.key("clientVersion");
  w.value(d.clientVersion);
  w.key("consumerGroup");
  w.value(d.consumerGroup);
  w.key("dead");
  w.value(d.dead());
  w.key("deadTime");
  w.value(d.deadTime);
  if (d.expression) {
    w.key("expression");
    w.value(*d.expression);
  }
  if (d.expressionType) {
    w.key("expressionType");
    w.value(*d.expressionType);
  }
  w.key("topic");
  w.value(d.topic);
  w.endObject();
}

}  // namespace

Status decode(std::string_view json, ConsumerFilterFile& out) {
  out = ConsumerFilterFile();
  rapidjson::Document doc;
  Status s = parseConfigDocument(json, doc);
  if (!s.ok()) return s;
  const rapidjson::Value* table = nullptr;
  s = readObject(doc, "filterDataByTopic", table);
  if (!s.ok() || !table) return s;
  TableBuilder builder(out.filterDataByTopic);
  for (auto it = table->MemberBegin(); it != table->MemberEnd(); ++it) {
    if (it->value.IsNull()) continue;
    FilterDataMapByTopic t;
    s = readTopicFilters(it->value, t);
    if (!s.ok()) {
      return Status::Error("topic '" + std::string(it->name.GetString()) + "': " + s.message());
    }
    builder.put(std::string(it->name.GetString(), it->name.GetStringLength()), std::move(t));
  }
  return Status::Ok();
}

std::string encode(const ConsumerFilterFile& file) {
  std::string out;
  FastjsonPrettyWriter w(out);
  w.beginObject();
  w.key("filterDataByTopic");
  w.beginObject();
  for (size_t i : javaOrder(file.filterDataByTopic, kFilterTopicTableSize)) {
    const auto& [topic, t] = file.filterDataByTopic[i];
    w.key(topic);
    w.beginObject();
    w.key("groupFilterData");
    w.beginObject();
    for (size_t j : javaOrder(t.groupFilterData, kFilterGroupTableSize)) {
      w.key(t.groupFilterData[j].first);
      writeFilterData(w, t.groupFilterData[j].second);
    }
    w.endObject();
    w.key("topic");
    w.value(t.topic);
    w.endObject();
  }
  w.endObject();
  w.endObject();
  return out;
}

}  // namespace rmq::store::config
