#include "broker/subscription/subscription_group_manager.h"

#include <algorithm>
#include <mutex>

#include "broker/topic/topic_validator.h"
#include "common/logging.h"
#include "common/time_util.h"

namespace rmq::broker {

SubscriptionGroupManager::SubscriptionGroupManager(const BrokerConfig& config, std::string path)
    : ConfigManager(std::move(path)), config_(config) {
  dataVersion_.timestamp = nowMillis();
  std::unique_lock lock(mutex_);
  for (const char* name :
       {"TOOLS_CONSUMER", "FILTERSRV_CONSUMER", "SELF_TEST_C_GROUP", "CID_ONS-HTTP-PROXY",
        "CID_ONSAPI_PULL", "CID_ONSAPI_PERMISSION", "CID_ONSAPI_OWNER"}) {
    SubscriptionGroupConfig c;
    c.groupName = name;
    putLocked(c);
  }
}

void SubscriptionGroupManager::putLocked(const SubscriptionGroupConfig& c) {
  if (table_.find(c.groupName) == table_.end()) fileOrder_.push_back(c.groupName);
  table_[c.groupName] = c;
}

Status SubscriptionGroupManager::decode(std::string_view json) {
  store::config::SubscriptionGroupFile file;
  Status s = store::config::decode(json, file);
  if (!s.ok()) return s;
  std::unique_lock lock(mutex_);
  for (auto& [name, c] : file.subscriptionGroupTable) {
    SubscriptionGroupConfig g = c;
    if (g.groupName.empty()) g.groupName = name;
    putLocked(g);
  }
  dataVersion_ = file.dataVersion;
  return Status::Ok();
}

std::string SubscriptionGroupManager::loadedSummary() const {
  std::shared_lock lock(mutex_);
  return std::to_string(table_.size()) + " groups";
}

std::string SubscriptionGroupManager::encodeLocked() const {
  store::config::SubscriptionGroupFile file;
  file.dataVersion = dataVersion_;
  for (const auto& name : fileOrder_) {
    auto it = table_.find(name);
    if (it != table_.end()) file.subscriptionGroupTable.emplace_back(name, it->second);
  }
  return store::config::encode(file);
}

std::string SubscriptionGroupManager::encode() const {
  std::shared_lock lock(mutex_);
  return encodeLocked();
}

Status SubscriptionGroupManager::persistLocked() const {
  return writeConfigFile(encodeLocked());
}

Status SubscriptionGroupManager::persist() {
  std::shared_lock lock(mutex_);
  return persistLocked();
}

std::optional<SubscriptionGroupConfig> SubscriptionGroupManager::select(
    std::string_view group) const {
  std::shared_lock lock(mutex_);
  auto it = table_.find(group);
  if (it == table_.end()) return std::nullopt;
  return it->second;
}

std::optional<SubscriptionGroupConfig> SubscriptionGroupManager::findSubscriptionGroupConfig(
    std::string_view group) {
  if (auto c = select(group)) return c;
  if (!config_.autoCreateSubscriptionGroup && !group.starts_with(topics::kSystemGroupPrefix)) {
    return std::nullopt;
  }
  std::unique_lock lock(mutex_);
  auto it = table_.find(group);
  if (it != table_.end()) return it->second;
  SubscriptionGroupConfig c;
  c.groupName = std::string(group);
  putLocked(c);
  dataVersion_.nextVersion(nowMillis());
  RMQ_LOG(INFO) << "auto create a subscription group, " << c.groupName;
  Status s = persistLocked();
  if (!s.ok()) RMQ_LOG(ERROR) << "persist subscription groups failed: " << s.message();
  return c;
}

void SubscriptionGroupManager::updateSubscriptionGroupConfig(const SubscriptionGroupConfig& c) {
  std::unique_lock lock(mutex_);
  putLocked(c);
  dataVersion_.nextVersion(nowMillis());
  Status s = persistLocked();
  if (!s.ok()) RMQ_LOG(ERROR) << "persist subscription groups failed: " << s.message();
}

bool SubscriptionGroupManager::deleteSubscriptionGroupConfig(std::string_view group) {
  std::unique_lock lock(mutex_);
  auto it = table_.find(group);
  if (it == table_.end()) return false;
  table_.erase(it);
  fileOrder_.erase(std::remove(fileOrder_.begin(), fileOrder_.end(), std::string(group)),
                   fileOrder_.end());
  dataVersion_.nextVersion(nowMillis());
  (void)persistLocked();
  return true;
}

std::vector<SubscriptionGroupConfig> SubscriptionGroupManager::all() const {
  std::shared_lock lock(mutex_);
  std::vector<SubscriptionGroupConfig> out;
  for (const auto& [name, c] : table_) out.push_back(c);
  return out;
}

protocol::DataVersion SubscriptionGroupManager::dataVersion() const {
  std::shared_lock lock(mutex_);
  return dataVersion_;
}

}  // namespace rmq::broker
