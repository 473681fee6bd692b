// topics.json: Java's TopicConfigSerializeWrapper (store-format.md 9.3).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/config/data_version.h"
#include "store/config/ordered_table.h"

namespace rmq::store::config {

enum class TopicFilterType : uint8_t { kSingleTag, kMultiTag };

// Members and defaults of Java's TopicConfig.
struct TopicConfig {
  std::string topicName;
  int32_t readQueueNums = 16;
  int32_t writeQueueNums = 16;
  int32_t perm = 6;  // PERM_READ | PERM_WRITE
  TopicFilterType topicFilterType = TopicFilterType::kSingleTag;
  int32_t topicSysFlag = 0;
  bool order = false;
  friend bool operator==(const TopicConfig&, const TopicConfig&) = default;
};

struct TopicConfigFile {
  DataVersion dataVersion;
  OrderedTable<std::string, TopicConfig> topicConfigTable;  // key = topic name
};

// Unknown members are ignored; missing ones keep the defaults above. topicFilterType accepts the
// enum name or its ordinal; any other value is an error (fastjson would load it as null).
Status decode(std::string_view json, TopicConfigFile& out);
// Pretty fastjson text; table entries in Java hash order (java_map_order.h).
std::string encode(const TopicConfigFile& file);

}  // namespace rmq::store::config
