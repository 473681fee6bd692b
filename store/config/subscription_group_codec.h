// subscriptionGroup.json (store-format.md 9.6): dataVersion + SubscriptionGroupConfig per group.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/config/data_version.h"
#include "store/config/ordered_table.h"

namespace rmq::store::config {

// Members and defaults of Java's 4.9 SubscriptionGroupConfig.
struct SubscriptionGroupConfig {
  std::string groupName;
  bool consumeEnable = true;
  bool consumeFromMinEnable = true;
  bool consumeBroadcastEnable = true;
  int32_t retryQueueNums = 1;
  int32_t retryMaxTimes = 16;
  int64_t brokerId = 0;  // MixAll.MASTER_ID
  int64_t whichBrokerWhenConsumeSlowly = 1;
  bool notifyConsumerIdsChangedEnable = true;
  friend bool operator==(const SubscriptionGroupConfig&, const SubscriptionGroupConfig&) = default;
};

struct SubscriptionGroupFile {
  DataVersion dataVersion;
  OrderedTable<std::string, SubscriptionGroupConfig> subscriptionGroupTable;  // key = group
};

// Unknown members (e.g. the 5.x additions) are ignored; missing ones keep the defaults.
Status decode(std::string_view json, SubscriptionGroupFile& out);
std::string encode(const SubscriptionGroupFile& file);

}  // namespace rmq::store::config
