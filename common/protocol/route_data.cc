#include "common/protocol/route_data.h"

#include <charconv>

#include "common/properties.h"

namespace rmq::protocol {

void QueueData::write(json::JsonWriter& w) const {
  w.beginObject()
      .member("brokerName", brokerName)
      .member("perm", perm)
      .member("readQueueNums", readQueueNums)
      .member("topicSysFlag", topicSysFlag)
      .member("writeQueueNums", writeQueueNums)
      .endObject();
}

bool QueueData::fromJson(const rapidjson::Value& v, QueueData& out) {
  if (!v.IsObject()) return false;
  out = QueueData{};
  json::getString(v, "brokerName", out.brokerName);
  json::getInt32(v, "readQueueNums", out.readQueueNums);
  json::getInt32(v, "writeQueueNums", out.writeQueueNums);
  json::getInt32(v, "perm", out.perm);
  if (!json::getInt32(v, "topicSysFlag", out.topicSysFlag)) {
    json::getInt32(v, "topicSynFlag", out.topicSysFlag);  // name used up to 4.8
  }
  return true;
}

void BrokerData::write(json::JsonWriter& w, bool quotedKeys) const {
  w.beginObject();
  w.key("brokerAddrs").beginObject();
  for (const auto& [id, addr] : brokerAddrs) {
    std::string key = std::to_string(id);
    if (quotedKeys) {
      w.key(key);
    } else {
      w.rawKey(key);
    }
    w.value(addr);
  }
  w.endObject();
  w.member("brokerName", brokerName).member("cluster", cluster);
  w.endObject();
}

bool BrokerData::fromJson(const rapidjson::Value& v, BrokerData& out) {
  if (!v.IsObject()) return false;
  out = BrokerData{};
  json::getString(v, "cluster", out.cluster);
  json::getString(v, "brokerName", out.brokerName);
  auto addrs = v.FindMember("brokerAddrs");
  if (addrs != v.MemberEnd() && addrs->value.IsObject()) {
    for (auto it = addrs->value.MemberBegin(); it != addrs->value.MemberEnd(); ++it) {
      auto id = parseJavaLong(std::string_view(it->name.GetString(), it->name.GetStringLength()));
      if (!id || !it->value.IsString()) continue;
      out.brokerAddrs[*id] = it->value.GetString();
    }
  }
  return true;
}

std::string TopicRouteData::encode(bool standardJson) const {
  std::string out;
  json::JsonWriter w(out, standardJson);
  w.beginObject();
  w.key("brokerDatas").beginArray();
  for (const auto& bd : brokerDatas) bd.write(w, standardJson);
  w.endArray();
  w.key("filterServerTable").beginObject();
  for (const auto& [addr, servers] : filterServerTable) {
    w.key(addr).beginArray();
    for (const auto& s : servers) w.value(s);
    w.endArray();
  }
  w.endObject();
  if (orderTopicConf) w.member("orderTopicConf", *orderTopicConf);
  w.key("queueDatas").beginArray();
  for (const auto& qd : queueDatas) qd.write(w);
  w.endArray();
  w.endObject();
  return out;
}

Status TopicRouteData::decode(std::string_view text, TopicRouteData& out) {
  rapidjson::Document doc;
  Status s = json::parseLenientJson(text, doc);
  if (!s.ok()) return s;
  if (!doc.IsObject()) return Status::Error("route data is not a JSON object");
  out = TopicRouteData{};
  std::string conf;
  if (json::getString(doc, "orderTopicConf", conf)) out.orderTopicConf = conf;
  auto qds = doc.FindMember("queueDatas");
  if (qds != doc.MemberEnd() && qds->value.IsArray()) {
    for (const auto& q : qds->value.GetArray()) {
      QueueData qd;
      if (QueueData::fromJson(q, qd)) out.queueDatas.push_back(std::move(qd));
    }
  }
  auto bds = doc.FindMember("brokerDatas");
  if (bds != doc.MemberEnd() && bds->value.IsArray()) {
    for (const auto& b : bds->value.GetArray()) {
      BrokerData bd;
      if (BrokerData::fromJson(b, bd)) out.brokerDatas.push_back(std::move(bd));
    }
  }
  auto fst = doc.FindMember("filterServerTable");
  if (fst != doc.MemberEnd() && fst->value.IsObject()) {
    for (auto it = fst->value.MemberBegin(); it != fst->value.MemberEnd(); ++it) {
      auto& list = out.filterServerTable[it->name.GetString()];
      if (it->value.IsArray()) {
        for (const auto& e : it->value.GetArray()) list.push_back(json::toText(e));
      }
    }
  }
  return Status::Ok();
}

std::string ClusterInfo::encode() const {
  std::string out;
  json::JsonWriter w(out);
  w.beginObject();
  w.key("brokerAddrTable").beginObject();
  for (const auto& [name, bd] : brokerAddrTable) {
    w.key(name);
    bd.write(w, false);
  }
  w.endObject();
  w.key("clusterAddrTable").beginObject();
  for (const auto& [cluster, names] : clusterAddrTable) {
    w.key(cluster).beginArray();
    for (const auto& n : names) w.value(n);
    w.endArray();
  }
  w.endObject();
  w.endObject();
  return out;
}

Status ClusterInfo::decode(std::string_view text, ClusterInfo& out) {
  rapidjson::Document doc;
  Status s = json::parseLenientJson(text, doc);
  if (!s.ok()) return s;
  if (!doc.IsObject()) return Status::Error("cluster info is not a JSON object");
  out = ClusterInfo{};
  auto bat = doc.FindMember("brokerAddrTable");
  if (bat != doc.MemberEnd() && bat->value.IsObject()) {
    for (auto it = bat->value.MemberBegin(); it != bat->value.MemberEnd(); ++it) {
      BrokerData bd;
      if (BrokerData::fromJson(it->value, bd)) out.brokerAddrTable[it->name.GetString()] = bd;
    }
  }
  auto cat = doc.FindMember("clusterAddrTable");
  if (cat != doc.MemberEnd() && cat->value.IsObject()) {
    for (auto it = cat->value.MemberBegin(); it != cat->value.MemberEnd(); ++it) {
      auto& names = out.clusterAddrTable[it->name.GetString()];
      if (it->value.IsArray()) {
        for (const auto& n : it->value.GetArray()) names.insert(json::toText(n));
      }
    }
  }
  return Status::Ok();
}

std::string encodeTopicList(const std::vector<std::string>& topics,
                            const std::optional<std::string>& brokerAddr) {
  std::string out;
  json::JsonWriter w(out);
  w.beginObject();
  if (brokerAddr) w.member("brokerAddr", *brokerAddr);
  w.key("topicList").beginArray();
  for (const auto& t : topics) w.value(t);
  w.endArray();
  w.endObject();
  return out;
}

Status decodeTopicList(std::string_view text, std::vector<std::string>& topics) {
  rapidjson::Document doc;
  Status s = json::parseLenientJson(text, doc);
  if (!s.ok()) return s;
  topics.clear();
  if (!doc.IsObject()) return Status::Error("topic list is not a JSON object");
  auto it = doc.FindMember("topicList");
  if (it != doc.MemberEnd() && it->value.IsArray()) {
    for (const auto& t : it->value.GetArray()) topics.push_back(json::toText(t));
  }
  return Status::Ok();
}

std::string encodeKVTable(const std::map<std::string, std::string>& table) {
  std::string out;
  json::JsonWriter w(out);
  w.beginObject().key("table").beginObject();
  for (const auto& [k, v] : table) w.member(k, v);
  w.endObject().endObject();
  return out;
}

Status decodeKVTable(std::string_view text, std::map<std::string, std::string>& table) {
  rapidjson::Document doc;
  Status s = json::parseLenientJson(text, doc);
  if (!s.ok()) return s;
  table.clear();
  if (!doc.IsObject()) return Status::Error("KV table is not a JSON object");
  auto it = doc.FindMember("table");
  if (it != doc.MemberEnd() && it->value.IsObject()) {
    for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m) {
      table[m->name.GetString()] = json::toText(m->value);
    }
  }
  return Status::Ok();
}

}  // namespace rmq::protocol
