#include "common/protocol/heartbeat.h"

#include "common/properties.h"

namespace rmq::protocol {

void SubscriptionData::write(json::JsonWriter& w) const {
  w.beginObject();
  w.member("classFilterMode", classFilterMode);
  w.key("codeSet").beginArray();
  for (int32_t c : codeSet) w.value(c);
  w.endArray();
  w.member("expressionType", expressionType);
  w.member("subString", subString);
  w.member("subVersion", subVersion);
  w.key("tagsSet").beginArray();
  for (const auto& t : tagsSet) w.value(t);
  w.endArray();
  w.member("topic", topic);
  w.endObject();
}

bool SubscriptionData::fromJson(const rapidjson::Value& v, SubscriptionData& out) {
  if (!v.IsObject()) return false;
  out = SubscriptionData{};
  json::getString(v, "topic", out.topic);
  json::getString(v, "subString", out.subString);
  json::getInt64(v, "subVersion", out.subVersion);
  if (!json::getString(v, "expressionType", out.expressionType) || out.expressionType.empty()) {
    out.expressionType = "TAG";
  }
  json::getBool(v, "classFilterMode", out.classFilterMode);
  auto tags = v.FindMember("tagsSet");
  if (tags != v.MemberEnd() && tags->value.IsArray()) {
    for (const auto& t : tags->value.GetArray()) out.tagsSet.insert(json::toText(t));
  }
  auto codes = v.FindMember("codeSet");
  if (codes != v.MemberEnd() && codes->value.IsArray()) {
    for (const auto& c : codes->value.GetArray()) {
      int64_t code = 0;
      if (json::toInt64(c, code)) out.codeSet.insert(static_cast<int32_t>(code));
    }
  }
  return true;
}

Status HeartbeatData::decode(std::string_view body, HeartbeatData& out) {
  out = HeartbeatData{};
  rapidjson::Document doc;
  Status s = json::parseLenientJson(body, doc);
  if (!s.ok()) return s;
  if (!doc.IsObject()) return Status::Error("heartbeat body is not a JSON object");
  json::getString(doc, "clientID", out.clientID);
  auto producers = doc.FindMember("producerDataSet");
  if (producers != doc.MemberEnd() && producers->value.IsArray()) {
    for (const auto& p : producers->value.GetArray()) {
      std::string g;
      if (json::getString(p, "groupName", g)) out.producerGroups.push_back(g);
    }
  }
  auto consumers = doc.FindMember("consumerDataSet");
  if (consumers != doc.MemberEnd() && consumers->value.IsArray()) {
    for (const auto& c : consumers->value.GetArray()) {
      if (!c.IsObject()) continue;
      ConsumerData cd;
      json::getString(c, "groupName", cd.groupName);
      json::getString(c, "consumeType", cd.consumeType);
      json::getString(c, "messageModel", cd.messageModel);
      json::getString(c, "consumeFromWhere", cd.consumeFromWhere);
      json::getBool(c, "unitMode", cd.unitMode);
      auto subs = c.FindMember("subscriptionDataSet");
      if (subs != c.MemberEnd() && subs->value.IsArray()) {
        for (const auto& sv : subs->value.GetArray()) {
          SubscriptionData sd;
          if (SubscriptionData::fromJson(sv, sd)) cd.subscriptionDataSet.push_back(std::move(sd));
        }
      }
      out.consumerDataSet.push_back(std::move(cd));
    }
  }
  return Status::Ok();
}

std::string HeartbeatData::encode() const {
  std::string out;
  json::JsonWriter w(out);
  w.beginObject();
  w.member("clientID", clientID);
  w.key("consumerDataSet").beginArray();
  for (const auto& c : consumerDataSet) {
    w.beginObject();
    w.member("consumeFromWhere", c.consumeFromWhere);
    w.member("consumeType", c.consumeType);
    w.member("groupName", c.groupName);
    w.member("messageModel", c.messageModel);
    w.key("subscriptionDataSet").beginArray();
    for (const auto& s : c.subscriptionDataSet) s.write(w);
    w.endArray();
    w.member("unitMode", c.unitMode);
    w.endObject();
  }
  w.endArray();
  w.key("producerDataSet").beginArray();
  for (const auto& g : producerGroups) w.beginObject().member("groupName", g).endObject();
  w.endArray();
  w.endObject();
  return out;
}

}  // namespace rmq::protocol
