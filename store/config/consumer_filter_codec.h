// consumerFilter.json (store-format.md 9.7): SQL92 subscriptions per topic and group. Both 4.9.8
// samples hold only an empty table, so the non-empty layout follows the documented shape and
// fastjson's general rules but has not been compared with a Java-written file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/config/ordered_table.h"

namespace rmq::store::config {

struct BloomFilterData {
  int32_t bitNum = 0;
  std::vector<int32_t> bitPos;
  friend bool operator==(const BloomFilterData&, const BloomFilterData&) = default;
};

struct ConsumerFilterData {
  std::string consumerGroup;
  std::string topic;
  std::optional<std::string> expression;      // null in Java when absent (then not written)
  std::optional<std::string> expressionType;  // "SQL92"
  int64_t bornTime = 0;
  int64_t deadTime = 0;
  int64_t clientVersion = 0;
  std::optional<BloomFilterData> bloomFilterData;
  // Java derives "dead" from the times and writes it; it is ignored on read.
  bool dead() const { return deadTime >= bornTime; }
  friend bool operator==(const ConsumerFilterData&, const ConsumerFilterData&) = default;
};

struct FilterDataMapByTopic {
  std::string topic;
  OrderedTable<std::string, ConsumerFilterData> groupFilterData;  // key = consumer group
  friend bool operator==(const FilterDataMapByTopic&, const FilterDataMapByTopic&) = default;
};

struct ConsumerFilterFile {
  OrderedTable<std::string, FilterDataMapByTopic> filterDataByTopic;  // key = topic
};

Status decode(std::string_view json, ConsumerFilterFile& out);
std::string encode(const ConsumerFilterFile& file);

}  // namespace rmq::store::config
