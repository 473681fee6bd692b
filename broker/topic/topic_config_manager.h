// The broker's topics (Java TopicConfigManager): config/topics.json plus the built-in system
// topics, auto-creation from the TBW102 template, retry/DLQ topic creation, and the data
// version the name servers use to detect changes.
//
// Threading: all methods are thread-safe. Changes are persisted synchronously (safe-write);
// `onTopicCreated` runs after the lock is released (the broker re-registers, oneway).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "broker/broker_config.h"
#include "broker/config_manager.h"
#include "common/protocol/topic_config.h"

namespace rmq::broker {

using protocol::TopicConfig;

class TopicConfigManager : public ConfigManager {
 public:
  TopicConfigManager(const BrokerConfig& config, std::string path);

  Status persist() override;
  std::string encode() const override;

  std::optional<TopicConfig> select(std::string_view topic) const;
  bool exists(std::string_view topic) const { return select(topic).has_value(); }

  // SEND to an unknown topic (shared protocol semantics.md 4): created from `defaultTopic` when
  // that template has PERM_INHERIT. Returns the topic (existing or created) or nullopt.
  std::optional<TopicConfig> createTopicInSendMessageMethod(std::string_view topic,
                                                            std::string_view defaultTopic,
                                                            int32_t clientDefaultTopicQueueNums,
                                                            int32_t topicSysFlag);
  // Retry / DLQ / system topics created by the broker itself.
  std::optional<TopicConfig> createTopicInSendMessageBackMethod(std::string_view topic,
                                                                int32_t queueNums, int32_t perm,
                                                                int32_t topicSysFlag);
  void updateTopicConfig(const TopicConfig& config);  // admin create/update
  bool deleteTopicConfig(std::string_view topic);
  // Order flags from the name server's ORDER_TOPIC_CONFIG table (registration response).
  void updateOrderTopicConfig(const std::map<std::string, std::string>& orderTopics);
  bool isOrderTopic(std::string_view topic) const;

  protocol::TopicConfigSerializeWrapper buildSerializeWrapper() const;
  protocol::DataVersion dataVersion() const;
  std::vector<std::string> topicNames() const;
  std::set<std::string> systemTopics() const;

  void setOnTopicCreated(std::function<void()> f) { onTopicCreated_ = std::move(f); }

 protected:
  Status decode(std::string_view json) override;
  std::string loadedSummary() const override;

 private:
  void addSystemTopicsLocked();
  void putLocked(const TopicConfig& c);
  std::string encodeLocked() const;
  Status persistLocked() const;

  const BrokerConfig& config_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, TopicConfig, std::less<>> table_;
  std::vector<std::string> fileOrder_;  // insertion order, for Java-order ties when persisting
  std::set<std::string> systemTopics_;
  protocol::DataVersion dataVersion_;
  std::function<void()> onTopicCreated_;
};

}  // namespace rmq::broker
