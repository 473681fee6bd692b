// topics.json: Java's TopicConfigSerializeWrapper (store-format.md 9.3).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/protocol/topic_config.h"
#include "common/status.h"
#include "store/config/data_version.h"
#include "store/config/ordered_table.h"

namespace rmq::store::config {

// The Java TopicConfig bean, shared with the wire bodies (common/protocol/topic_config.h);
// topicFilterType is "SINGLE_TAG" or "MULTI_TAG".
using TopicConfig = protocol::TopicConfig;

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
