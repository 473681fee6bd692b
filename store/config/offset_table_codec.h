// consumerOffset.json (store-format.md 9.4) and delayOffset.json (9.5): maps with Integer keys,
// which fastjson writes unquoted ({0:50,1:50}); both quoted and bare keys are read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "store/config/ordered_table.h"

namespace rmq::store::config {

// queueId -> next offset to consume.
using QueueOffsets = OrderedTable<int32_t, int64_t>;

struct ConsumerOffsetFile {
  // "topic@group" -> queue offsets.
  OrderedTable<std::string, QueueOffsets> offsetTable;
};

struct DelayOffsetFile {
  // Delay level (1-based; queue id = level - 1) -> next offset to deliver. Only levels that have
  // delivered something have an entry; absent means 0.
  OrderedTable<int32_t, int64_t> offsetTable;
};

Status decode(std::string_view json, ConsumerOffsetFile& out);
std::string encode(const ConsumerOffsetFile& file);
Status decode(std::string_view json, DelayOffsetFile& out);
std::string encode(const DelayOffsetFile& file);

// "topic@group" <-> (topic, group), with the acceptance rule of Java's split (exactly one '@',
// non-empty group).
std::string consumerOffsetKey(std::string_view topic, std::string_view group);
std::optional<std::pair<std::string_view, std::string_view>> splitConsumerOffsetKey(
    std::string_view key);

}  // namespace rmq::store::config
