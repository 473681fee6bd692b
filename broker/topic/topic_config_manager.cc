#include "broker/topic/topic_config_manager.h"

#include <algorithm>
#include <mutex>

#include "broker/topic/topic_validator.h"
#include "common/logging.h"
#include "common/protocol/perm_name.h"
#include "common/time_util.h"
#include "store/config/topic_config_codec.h"

namespace rmq::broker {

TopicConfigManager::TopicConfigManager(const BrokerConfig& config, std::string path)
    : ConfigManager(std::move(path)), config_(config) {
  dataVersion_.timestamp = nowMillis();
  std::unique_lock lock(mutex_);
  addSystemTopicsLocked();
}

void TopicConfigManager::putLocked(const TopicConfig& c) {
  if (table_.find(c.topicName) == table_.end()) fileOrder_.push_back(c.topicName);
  table_[c.topicName] = c;
}

void TopicConfigManager::addSystemTopicsLocked() {
  auto add = [this](std::string_view name, int32_t queues, int32_t perm) {
    TopicConfig c;
    c.topicName = std::string(name);
    c.readQueueNums = c.writeQueueNums = queues;
    c.perm = perm;
    putLocked(c);
    systemTopics_.insert(c.topicName);
  };
  const int32_t rw = perm::READ | perm::WRITE;
  add(topics::kSelfTestTopic, 1, rw);
  if (config_.autoCreateTopicEnable) {
    add(topics::kAutoCreateTopicKey, config_.defaultTopicQueueNums, perm::INHERIT | rw);
  }
  add(topics::kBenchmarkTopic, 1024, rw);
  add(config_.brokerClusterName, 16, perm::INHERIT | (config_.clusterTopicEnable ? rw : 0));
  add(config_.brokerName, 1, perm::INHERIT | (config_.brokerTopicEnable ? rw : 0));
  add(topics::kOffsetMovedEvent, 1, rw);
  add(topics::kScheduleTopic, 18, rw);
  if (config_.traceTopicEnable) add(config_.msgTraceTopicName, 1, rw);
  add(config_.brokerClusterName + std::string(topics::kReplyTopicSuffix), 1, rw);
}

Status TopicConfigManager::decode(std::string_view json) {
  store::config::TopicConfigFile file;
  Status s = store::config::decode(json, file);
  if (!s.ok()) return s;
  std::unique_lock lock(mutex_);
  for (auto& [name, c] : file.topicConfigTable) {
    TopicConfig tc = c;
    if (tc.topicName.empty()) tc.topicName = name;
    putLocked(tc);
  }
  dataVersion_ = file.dataVersion;
  return Status::Ok();
}

std::string TopicConfigManager::loadedSummary() const {
  std::shared_lock lock(mutex_);
  return std::to_string(table_.size()) + " topics";
}

std::string TopicConfigManager::encodeLocked() const {
  store::config::TopicConfigFile file;
  file.dataVersion = dataVersion_;
  for (const auto& name : fileOrder_) {
    auto it = table_.find(name);
    if (it != table_.end()) file.topicConfigTable.emplace_back(name, it->second);
  }
  return store::config::encode(file);
}

std::string TopicConfigManager::encode() const {
  std::shared_lock lock(mutex_);
  return encodeLocked();
}

Status TopicConfigManager::persistLocked() const {
  return writeConfigFile(encodeLocked());
}

Status TopicConfigManager::persist() {
  std::shared_lock lock(mutex_);
  return persistLocked();
}

std::optional<TopicConfig> TopicConfigManager::select(std::string_view topic) const {
  std::shared_lock lock(mutex_);
  auto it = table_.find(topic);
  if (it == table_.end()) return std::nullopt;
  return it->second;
}

std::optional<TopicConfig> TopicConfigManager::createTopicInSendMessageMethod(
    std::string_view topic, std::string_view defaultTopic, int32_t clientDefaultTopicQueueNums,
    int32_t topicSysFlag) {
  std::optional<TopicConfig> created;
  {
    std::unique_lock lock(mutex_);
    auto existing = table_.find(topic);
    if (existing != table_.end()) return existing->second;
    auto tmpl = table_.find(defaultTopic);
    if (tmpl == table_.end()) {
      RMQ_LOG(WARN) << "Create new topic failed, because the default topic[" << defaultTopic
                    << "] not exist.";
      return std::nullopt;
    }
    TopicConfig t = tmpl->second;
    if (defaultTopic == topics::kAutoCreateTopicKey && !config_.autoCreateTopicEnable) {
      t.perm = perm::READ | perm::WRITE;
    }
    if (!perm::isInherited(t.perm)) {
      RMQ_LOG(WARN) << "Create new topic failed, because the default topic[" << defaultTopic
                    << "] has no perm [" << t.perm << "]";
      return std::nullopt;
    }
    TopicConfig c;
    c.topicName = std::string(topic);
    int32_t queues = std::min(clientDefaultTopicQueueNums, t.writeQueueNums);
    if (queues < 0) queues = 0;
    c.readQueueNums = c.writeQueueNums = queues;
    c.perm = t.perm & ~perm::INHERIT;
    c.topicSysFlag = topicSysFlag;
    c.topicFilterType = t.topicFilterType;
    putLocked(c);
    dataVersion_.nextVersion(nowMillis());
    Status s = persistLocked();
    if (!s.ok()) RMQ_LOG(ERROR) << "persist topics failed: " << s.message();
    RMQ_LOG(INFO) << "Create new topic by default topic:[" << defaultTopic << "] config:["
                  << c.topicName << " " << c.readQueueNums << " " << c.perm << "]";
    created = c;
  }
  if (onTopicCreated_) onTopicCreated_();
  return created;
}

std::optional<TopicConfig> TopicConfigManager::createTopicInSendMessageBackMethod(
    std::string_view topic, int32_t queueNums, int32_t permission, int32_t topicSysFlag) {
  std::optional<TopicConfig> created;
  {
    std::unique_lock lock(mutex_);
    auto existing = table_.find(topic);
    if (existing != table_.end()) return existing->second;
    TopicConfig c;
    c.topicName = std::string(topic);
    c.readQueueNums = c.writeQueueNums = queueNums;
    c.perm = permission;
    c.topicSysFlag = topicSysFlag;
    putLocked(c);
    dataVersion_.nextVersion(nowMillis());
    Status s = persistLocked();
    if (!s.ok()) RMQ_LOG(ERROR) << "persist topics failed: " << s.message();
    RMQ_LOG(INFO) << "create new topic " << c.topicName;
    created = c;
  }
  if (onTopicCreated_) onTopicCreated_();
  return created;
}

void TopicConfigManager::updateTopicConfig(const TopicConfig& config) {
  std::unique_lock lock(mutex_);
  putLocked(config);
  dataVersion_.nextVersion(nowMillis());
  Status s = persistLocked();
  if (!s.ok()) RMQ_LOG(ERROR) << "persist topics failed: " << s.message();
}

bool TopicConfigManager::deleteTopicConfig(std::string_view topic) {
  std::unique_lock lock(mutex_);
  auto it = table_.find(topic);
  if (it == table_.end()) return false;
  table_.erase(it);
  fileOrder_.erase(std::remove(fileOrder_.begin(), fileOrder_.end(), std::string(topic)),
                   fileOrder_.end());
  dataVersion_.nextVersion(nowMillis());
  Status s = persistLocked();
  if (!s.ok()) RMQ_LOG(ERROR) << "persist topics failed: " << s.message();
  return true;
}

void TopicConfigManager::updateOrderTopicConfig(
    const std::map<std::string, std::string>& orderTopics) {
  std::unique_lock lock(mutex_);
  bool changed = false;
  for (auto& [name, c] : table_) {
    bool order = orderTopics.count(name) != 0;
    if (c.order != order) {
      c.order = order;
      changed = true;
    }
  }
  if (changed) {
    dataVersion_.nextVersion(nowMillis());
    (void)persistLocked();
  }
}

bool TopicConfigManager::isOrderTopic(std::string_view topic) const {
  auto c = select(topic);
  return c && c->order;
}

protocol::TopicConfigSerializeWrapper TopicConfigManager::buildSerializeWrapper() const {
  std::shared_lock lock(mutex_);
  protocol::TopicConfigSerializeWrapper w;
  w.dataVersion = dataVersion_;
  for (const auto& [name, c] : table_) w.topicConfigTable[name] = c;
  return w;
}

protocol::DataVersion TopicConfigManager::dataVersion() const {
  std::shared_lock lock(mutex_);
  return dataVersion_;
}

std::vector<std::string> TopicConfigManager::topicNames() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [name, c] : table_) out.push_back(name);
  return out;
}

std::set<std::string> TopicConfigManager::systemTopics() const {
  std::shared_lock lock(mutex_);
  return systemTopics_;
}

}  // namespace rmq::broker
