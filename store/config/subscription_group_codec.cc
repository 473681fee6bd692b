#include "store/config/subscription_group_codec.h"

#include "store/config/fastjson_pretty_writer.h"
#include "store/config/json_fields.h"

namespace rmq::store::config {
namespace {

Status readGroup(const rapidjson::Value& obj, SubscriptionGroupConfig& g) {
  if (!obj.IsObject()) return Status::Error("subscription group is not an object");
  Status s = readString(obj, "groupName", g.groupName);
  if (s.ok()) s = readBool(obj, "consumeEnable", g.consumeEnable);
  if (s.ok()) s = readBool(obj, "consumeFromMinEnable", g.consumeFromMinEnable);
  if (s.ok()) s = readBool(obj, "consumeBroadcastEnable", g.consumeBroadcastEnable);
  if (s.ok()) s = readInt32(obj, "retryQueueNums", g.retryQueueNums);
  if (s.ok()) s = readInt32(obj, "retryMaxTimes", g.retryMaxTimes);
  if (s.ok()) s = readInt64(obj, "brokerId", g.brokerId);
  if (s.ok()) s = readInt64(obj, "whichBrokerWhenConsumeSlowly", g.whichBrokerWhenConsumeSlowly);
  if (s.ok()) {
    s = readBool(obj, "notifyConsumerIdsChangedEnable", g.notifyConsumerIdsChangedEnable);
  }
  return s;
}

}  // namespace

Status decode(std::string_view json, SubscriptionGroupFile& out) {
  out = SubscriptionGroupFile();
  rapidjson::Document doc;
  Status s = parseConfigDocument(json, doc);
  if (!s.ok()) return s;
  if (const rapidjson::Value* dv = findMember(doc, "dataVersion")) {
    s = readDataVersion(*dv, out.dataVersion);
    if (!s.ok()) return s;
  }
  const rapidjson::Value* table = nullptr;
  s = readObject(doc, "subscriptionGroupTable", table);
  if (!s.ok() || !table) return s;
  TableBuilder builder(out.subscriptionGroupTable);
  for (auto it = table->MemberBegin(); it != table->MemberEnd(); ++it) {
    if (it->value.IsNull()) continue;
    SubscriptionGroupConfig g;
    s = readGroup(it->value, g);
    if (!s.ok()) {
      return Status::Error("group '" + std::string(it->name.GetString()) + "': " + s.message());
    }
    builder.put(std::string(it->name.GetString(), it->name.GetStringLength()), std::move(g));
  }
  return Status::Ok();
}

std::string encode(const SubscriptionGroupFile& file) {
  std::string out;
  FastjsonPrettyWriter w(out);
  w.beginObject();
  w.key("dataVersion");
  writeDataVersion(w, file.dataVersion);
  w.key("subscriptionGroupTable");
  w.beginObject();
  for (size_t i : javaOrder(file.subscriptionGroupTable, kSubscriptionGroupTableSize)) {
    const auto& [name, g] = file.subscriptionGroupTable[i];
    w.key(name);
    w.beginObject();  // bean properties, alphabetical
    w.key("brokerId");
    w.value(g.brokerId);
    w.key("consumeBroadcastEnable");
    w.value(g.consumeBroadcastEnable);
    w.key("consumeEnable");
    w.value(g.consumeEnable);
    w.key("consumeFromMinEnable");
    w.value(g.consumeFromMinEnable);
    w.key("groupName");
    w.value(g.groupName);
    w.key("notifyConsumerIdsChangedEnable");
    w.value(g.notifyConsumerIdsChangedEnable);
    w.key("retryMaxTimes");
    w.value(g.retryMaxTimes);
    w.key("retryQueueNums");
    w.value(g.retryQueueNums);
    w.key("whichBrokerWhenConsumeSlowly");
    w.value(g.whichBrokerWhenConsumeSlowly);
    w.endObject();
  }
  w.endObject();
  w.endObject();
  return out;
}

}  // namespace rmq::store::config
