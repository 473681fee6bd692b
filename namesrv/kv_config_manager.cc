#include "namesrv/kv_config_manager.h"

#include "common/file_util.h"
#include "common/json.h"
#include "common/logging.h"

namespace rmq::namesrv {

Status KVConfigManager::load() {
  std::string text;
  Status s = readFileOrBackup(path_, text);
  if (!s.ok() || text.empty()) return Status::Ok();  // nothing stored yet
  rapidjson::Document doc;
  s = json::parseLenientJson(text, doc);
  if (!s.ok()) return Status::Error("cannot parse " + path_ + ": " + s.message());
  std::unique_lock lock(mutex_);
  table_.clear();
  auto it = doc.IsObject() ? doc.FindMember("configTable") : doc.MemberEnd();
  if (doc.IsObject() && it != doc.MemberEnd() && it->value.IsObject()) {
    for (auto ns = it->value.MemberBegin(); ns != it->value.MemberEnd(); ++ns) {
      auto& entries = table_[ns->name.GetString()];
      if (!ns->value.IsObject()) continue;
      for (auto kv = ns->value.MemberBegin(); kv != ns->value.MemberEnd(); ++kv) {
        entries[kv->name.GetString()] = json::toText(kv->value);
      }
    }
  }
  RMQ_LOG(INFO) << "load KV config table OK, " << table_.size() << " namespaces from " << path_;
  return Status::Ok();
}

Status KVConfigManager::persistLocked() const {
  std::string out;
  json::JsonWriter w(out);
  w.beginObject().key("configTable").beginObject();
  for (const auto& [ns, entries] : table_) {
    w.key(ns).beginObject();
    for (const auto& [k, v] : entries) w.member(k, v);
    w.endObject();
  }
  w.endObject().endObject();
  return writeFileAtomically(path_, out);
}

Status KVConfigManager::put(const std::string& ns, const std::string& key,
                            const std::string& value) {
  std::unique_lock lock(mutex_);
  auto& entries = table_[ns];
  auto prev = entries.find(key);
  if (prev == entries.end()) {
    RMQ_LOG(INFO) << "putKVConfig create new config item, Namespace: " << ns << " Key: " << key
                  << " Value: " << value;
  } else {
    RMQ_LOG(INFO) << "putKVConfig update config item, Namespace: " << ns << " Key: " << key
                  << " Value: " << value;
  }
  entries[key] = value;
  return persistLocked();
}

Status KVConfigManager::remove(const std::string& ns, const std::string& key) {
  std::unique_lock lock(mutex_);
  auto it = table_.find(ns);
  if (it == table_.end()) return Status::Ok();
  if (it->second.erase(key) == 0) return Status::Ok();
  RMQ_LOG(INFO) << "deleteKVConfig delete a config item, Namespace: " << ns << " Key: " << key;
  return persistLocked();
}

std::optional<std::string> KVConfigManager::get(const std::string& ns,
                                                const std::string& key) const {
  std::shared_lock lock(mutex_);
  auto it = table_.find(ns);
  if (it == table_.end()) return std::nullopt;
  auto kv = it->second.find(key);
  if (kv == it->second.end()) return std::nullopt;
  return kv->second;
}

std::optional<std::map<std::string, std::string>> KVConfigManager::list(
    const std::string& ns) const {
  std::shared_lock lock(mutex_);
  auto it = table_.find(ns);
  if (it == table_.end()) return std::nullopt;
  return it->second;
}

}  // namespace rmq::namesrv
