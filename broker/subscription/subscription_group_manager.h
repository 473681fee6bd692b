// Consumer groups (Java SubscriptionGroupManager): config/subscriptionGroup.json, the built-in
// groups, and auto-creation of unknown groups when autoCreateSubscriptionGroup is on.
// Thread-safe; changes are persisted synchronously.
#pragma once

#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "broker/broker_config.h"
#include "broker/config_manager.h"
#include "store/config/subscription_group_codec.h"

namespace rmq::broker {

using store::config::SubscriptionGroupConfig;

class SubscriptionGroupManager : public ConfigManager {
 public:
  SubscriptionGroupManager(const BrokerConfig& config, std::string path);

  Status persist() override;
  std::string encode() const override;
  // The group, created with defaults when unknown and auto-creation is allowed.
  std::optional<SubscriptionGroupConfig> findSubscriptionGroupConfig(std::string_view group);
  std::optional<SubscriptionGroupConfig> select(std::string_view group) const;
  void updateSubscriptionGroupConfig(const SubscriptionGroupConfig& c);
  bool deleteSubscriptionGroupConfig(std::string_view group);
  std::vector<SubscriptionGroupConfig> all() const;
  protocol::DataVersion dataVersion() const;

 protected:
  Status decode(std::string_view json) override;
  std::string loadedSummary() const override;

 private:
  void putLocked(const SubscriptionGroupConfig& c);
  std::string encodeLocked() const;
  Status persistLocked() const;
  const BrokerConfig& config_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, SubscriptionGroupConfig, std::less<>> table_;
  std::vector<std::string> fileOrder_;
  protocol::DataVersion dataVersion_;
};

}  // namespace rmq::broker
