// The config files list map entries in the iteration order of the Java broker's
// ConcurrentHashMap, not sorted. To write files identical to Java's we reproduce that order:
// entries sorted by bucket index (spread(hashCode) & (tableSize - 1)), entries of one bucket in
// insertion order. Sample files of the 4.9.8 broker confirm the table sizes below.
//
// Limits: the table size depends on the map's history (Java never shrinks a table, and a map
// rebuilt by fastjson on load starts from the default size), and a resize can reorder entries that
// share a bucket. Order is not significant to any reader; this only matters for byte-for-byte
// equality with files a Java broker would write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace rmq::store::config {

// Table sizes of the broker's maps (smallest table before any growth).
inline constexpr size_t kTopicTableSize = 2048;              // topics.json (seen in samples)
inline constexpr size_t kSubscriptionGroupTableSize = 2048;  // subscriptionGroup.json (seen)
inline constexpr size_t kConsumerOffsetTableSize = 1024;     // consumerOffset.json outer (seen)
inline constexpr size_t kQueueOffsetTableSize = 64;          // per-group queue maps (assumed)
inline constexpr size_t kDelayOffsetTableSize = 64;          // delayOffset.json (assumed)
inline constexpr size_t kFilterTopicTableSize = 512;         // consumerFilter.json (assumed)
inline constexpr size_t kFilterGroupTableSize = 16;          // consumerFilter.json (assumed)

// Table size after inserting `count` entries: doubles whenever count reaches 3/4 of the table.
size_t javaHashTableSize(size_t count, size_t initialTableSize);

// Permutation of [0, hashes.size()) giving Java's iteration order; `hashes` are the keys'
// Java hashCode() values in insertion order.
std::vector<size_t> javaHashIterationOrder(std::span<const int32_t> hashes,
                                           size_t initialTableSize);

}  // namespace rmq::store::config
