#include "store/config/offset_table_codec.h"

#include "store/config/fastjson_pretty_writer.h"
#include "store/config/json_fields.h"

namespace rmq::store::config {
namespace {

// {<int>:<long>, ...} into `out`.
Status readIntLongMap(const rapidjson::Value& obj, std::string_view what,
                      OrderedTable<int32_t, int64_t>& out) {
  if (!obj.IsObject()) return Status::Error(std::string(what) + " is not an object");
  TableBuilder builder(out);
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    if (it->value.IsNull()) continue;
    int32_t key = 0;
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    Status s = parseIntKey(name, key);
    if (!s.ok()) return Status::Error(std::string(what) + ": " + s.message());
    int64_t value = 0;
    s = toInt64Value(it->value, name, value);
    if (!s.ok()) return Status::Error(std::string(what) + ": " + s.message());
    builder.put(key, value);
  }
  return Status::Ok();
}

void writeIntLongMap(FastjsonPrettyWriter& w, const OrderedTable<int32_t, int64_t>& table,
                     size_t tableSize) {
  w.beginObject();
  for (size_t i : javaOrder(table, tableSize)) {
    w.bareKey(table[i].first);
    w.value(table[i].second);
  }
  w.endObject();
}

}  // namespace

Status decode(std::string_view json, ConsumerOffsetFile& out) {
  out = ConsumerOffsetFile();
  rapidjson::Document doc;
  Status s = parseConfigDocument(json, doc);
  if (!s.ok()) return s;
  const rapidjson::Value* table = nullptr;
  s = readObject(doc, "offsetTable", table);
  if (!s.ok() || !table) return s;
  TableBuilder builder(out.offsetTable);
  for (auto it = table->MemberBegin(); it != table->MemberEnd(); ++it) {
    if (it->value.IsNull()) continue;
    std::string key(it->name.GetString(), it->name.GetStringLength());
    QueueOffsets queues;
    s = readIntLongMap(it->value, "offsetTable[" + key + "]", queues);
    if (!s.ok()) return s;
    builder.put(std::move(key), std::move(queues));
  }
  return Status::Ok();
}

std::string encode(const ConsumerOffsetFile& file) {
  std::string out;
  FastjsonPrettyWriter w(out);
  w.beginObject();
  w.key("offsetTable");
  w.beginObject();
  for (size_t i : javaOrder(file.offsetTable, kConsumerOffsetTableSize)) {
    w.key(file.offsetTable[i].first);
    writeIntLongMap(w, file.offsetTable[i].second, kQueueOffsetTableSize);
  }
  w.endObject();
  w.endObject();
  return out;
}

Status decode(std::string_view json, DelayOffsetFile& out) {
  out = DelayOffsetFile();
  rapidjson::Document doc;
  Status s = parseConfigDocument(json, doc);
  if (!s.ok()) return s;
  const rapidjson::Value* table = nullptr;
  s = readObject(doc, "offsetTable", table);
  if (!s.ok() || !table) return s;
  return readIntLongMap(*table, "offsetTable", out.offsetTable);
}

std::string encode(const DelayOffsetFile& file) {
  std::string out;
  FastjsonPrettyWriter w(out);
  w.beginObject();
  w.key("offsetTable");
  writeIntLongMap(w, file.offsetTable, kDelayOffsetTableSize);
  w.endObject();
  return out;
}

std::string consumerOffsetKey(std::string_view topic, std::string_view group) {
  std::string key(topic);
  key.push_back('@');
  key.append(group);
  return key;
}

std::optional<std::pair<std::string_view, std::string_view>> splitConsumerOffsetKey(
    std::string_view key) {
  size_t at = key.find('@');
  // Java splits on '@' and needs exactly two parts; String.split drops a trailing empty part,
  // so "t@" has one part and is rejected while "@g" (empty topic) is accepted.
  if (at == std::string_view::npos || at + 1 == key.size() ||
      key.find('@', at + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return std::make_pair(key.substr(0, at), key.substr(at + 1));
}

}  // namespace rmq::store::config
