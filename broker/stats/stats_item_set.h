// The items of one statistic, by key (Java StatsItemSet): TOPIC_PUT_NUMS by topic,
// GROUP_GET_NUMS by "topic@group", ...
//
// Threading contract:
// - getAndCreateStatsItem() / addValue() are the hot path: when the key was seen before they
//   are lock-free and allocation-free (the key's hash, computed once per StatsKey, a linear
//   probe of an open-addressing table of atomic pointers, acquire loads). The first use of a key
//   takes the set's mutex to create the item.
// - Items are never freed while the set lives, so a caller may keep the StatsItem& and add to it
//   later (the send path resolves it before the put and adds on completion). Deleting a key
//   (topic or group deleted) resets its item, which then reports "not exist" until added to
//   again. The tables that growth replaces are kept too, for readers still probing them; their
//   total size stays below the current table's.
// - Admin reads, deletions and sampling may run on any thread; sampling runs on the stats thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "broker/stats/stats_item.h"
#include "broker/stats/stats_key.h"

namespace rmq::broker {

class StatsItemSet {
 public:
  explicit StatsItemSet(std::string statsName);
  StatsItemSet(const StatsItemSet&) = delete;
  StatsItemSet& operator=(const StatsItemSet&) = delete;

  StatsItem& getAndCreateStatsItem(const StatsKey& key);
  void addValue(const StatsKey& key, int64_t incValue, int64_t incTimes) {
    getAndCreateStatsItem(key).add(incValue, incTimes);
  }

  // The live item of `key`, or nullptr (never added to, or deleted since).
  const StatsItem* getStatsItem(const StatsKey& key) const;
  // Zero figures when the item does not exist (Java returns an empty StatsSnapshot).
  StatsSnapshot getStatsDataInMinute(const StatsKey& key) const;
  StatsSnapshot getStatsDataInHour(const StatsKey& key) const;
  StatsSnapshot getStatsDataInDay(const StatsKey& key) const;

  // Java's deletions: the key itself; keys starting with key+sep; containing sep+key+sep;
  // ending with sep+key.
  void delValue(std::string_view key);
  void delValueByPrefixKey(std::string_view key, char sep);
  void delValueByInfixKey(std::string_view key, char sep);
  void delValueBySuffixKey(std::string_view key, char sep);

  void samplingInSeconds(int64_t nowMs);
  void samplingInMinutes(int64_t nowMs);
  void samplingInHour(int64_t nowMs);

  const std::string& statsName() const { return statsName_; }
  size_t liveItemCount() const;

 private:
  struct Table {
    explicit Table(size_t capacity);
    size_t mask;
    std::unique_ptr<std::atomic<StatsItem*>[]> slots;
  };

  StatsItem* find(const StatsKey& key, uint64_t hash) const;
  void insertLocked(Table& table, StatsItem* item);
  std::vector<StatsItem*> itemsSnapshot() const;
  template <class Pred>
  void resetIf(Pred pred);

  const std::string statsName_;
  std::atomic<Table*> table_;
  mutable std::mutex mutex_;                    // creation, growth, deletion, the item list
  std::vector<std::unique_ptr<Table>> tables_;  // back() is table_; older ones kept for readers
  std::vector<std::unique_ptr<StatsItem>> items_;
  StatsItem sink_;  // adds under keys that cannot be looked up; never live to readers
};

}  // namespace rmq::broker
