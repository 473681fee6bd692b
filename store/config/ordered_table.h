// Map-shaped members of the config files are kept as vectors of (key, value) in file order:
// that order decides ties when the entries are written back in Java's hash order (see
// java_map_order.h), which is what makes a decode/encode round trip byte-exact.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/config/java_map_order.h"
#include "store/java_hash.h"

namespace rmq::store::config {

template <typename K, typename V>
using OrderedTable = std::vector<std::pair<K, V>>;

template <typename K, typename V>
V* findEntry(OrderedTable<K, V>& table, const K& key) {
  for (auto& e : table)
    if (e.first == key) return &e.second;
  return nullptr;
}
template <typename K, typename V>
const V* findEntry(const OrderedTable<K, V>& table, const K& key) {
  for (const auto& e : table)
    if (e.first == key) return &e.second;
  return nullptr;
}

// Collects decoded entries with Java map semantics: a repeated key replaces the value but keeps
// the position of its first occurrence.
template <typename K, typename V>
class TableBuilder {
 public:
  explicit TableBuilder(OrderedTable<K, V>& table) : table_(table) { table_.clear(); }
  void put(K key, V value) {
    auto [it, inserted] = index_.try_emplace(key, table_.size());
    if (inserted) {
      table_.emplace_back(std::move(key), std::move(value));
    } else {
      table_[it->second].second = std::move(value);
    }
  }

 private:
  OrderedTable<K, V>& table_;
  std::unordered_map<K, size_t> index_;
};

inline int32_t javaKeyHash(const std::string& key) {
  return javaStringHashCode(key);
}
inline int32_t javaKeyHash(int32_t key) {
  return key;
}  // Integer.hashCode()

// Indices of `table` in the order a Java ConcurrentHashMap with that table size iterates them.
template <typename K, typename V>
std::vector<size_t> javaOrder(const OrderedTable<K, V>& table, size_t initialTableSize) {
  std::vector<int32_t> hashes;
  hashes.reserve(table.size());
  for (const auto& e : table) hashes.push_back(javaKeyHash(e.first));
  return javaHashIterationOrder(hashes, initialTableSize);
}

}  // namespace rmq::store::config
