#include "broker/stats/stats_item_set.h"

namespace rmq::broker {

namespace {
constexpr size_t kInitialCapacity = 128;  // Java's ConcurrentHashMap(128)
}

StatsItemSet::Table::Table(size_t capacity)
    : mask(capacity - 1), slots(std::make_unique<std::atomic<StatsItem*>[]>(capacity)) {
  for (size_t i = 0; i < capacity; ++i) slots[i].store(nullptr, std::memory_order_relaxed);
}

StatsItemSet::StatsItemSet(std::string statsName)
    : statsName_(std::move(statsName)), sink_(statsName_, "", 0) {
  tables_.push_back(std::make_unique<Table>(kInitialCapacity));
  table_.store(tables_.back().get(), std::memory_order_release);
}

StatsItem* StatsItemSet::find(const StatsKey& key, uint64_t hash) const {
  const Table* t = table_.load(std::memory_order_acquire);
  for (size_t i = hash & t->mask;; i = (i + 1) & t->mask) {
    StatsItem* item = t->slots[i].load(std::memory_order_acquire);
    if (!item) return nullptr;  // the load factor stays below 1/2: an empty slot always exists
    if (item->keyHash() == hash && key.equals(item->statsKey())) return item;
  }
}

void StatsItemSet::insertLocked(Table& table, StatsItem* item) {
  for (size_t i = item->keyHash() & table.mask;; i = (i + 1) & table.mask) {
    if (!table.slots[i].load(std::memory_order_relaxed)) {
      table.slots[i].store(item, std::memory_order_release);
      return;
    }
  }
}

StatsItem& StatsItemSet::getAndCreateStatsItem(const StatsKey& key) {
  // A name with more '@' than a key has parts cannot be looked up: count it nowhere.
  if (!key.valid()) return sink_;
  const uint64_t hash = key.hash();
  if (StatsItem* item = find(key, hash)) return *item;
  std::lock_guard<std::mutex> lock(mutex_);
  if (StatsItem* item = find(key, hash)) return *item;  // created meanwhile
  items_.push_back(std::make_unique<StatsItem>(statsName_, key.str(), hash));
  StatsItem* item = items_.back().get();
  Table* current = tables_.back().get();
  if ((items_.size()) * 2 > current->mask + 1) {
    // Grow: fill the new table completely before publishing it.
    auto bigger = std::make_unique<Table>((current->mask + 1) * 2);
    for (const auto& it : items_) insertLocked(*bigger, it.get());
    tables_.push_back(std::move(bigger));
    table_.store(tables_.back().get(), std::memory_order_release);
  } else {
    insertLocked(*current, item);
  }
  return *item;
}

const StatsItem* StatsItemSet::getStatsItem(const StatsKey& key) const {
  if (!key.valid()) return nullptr;
  const StatsItem* item = find(key, key.hash());
  return item && item->live() ? item : nullptr;
}

StatsSnapshot StatsItemSet::getStatsDataInMinute(const StatsKey& key) const {
  const StatsItem* item = getStatsItem(key);
  return item ? item->statsDataInMinute() : StatsSnapshot{};
}
StatsSnapshot StatsItemSet::getStatsDataInHour(const StatsKey& key) const {
  const StatsItem* item = getStatsItem(key);
  return item ? item->statsDataInHour() : StatsSnapshot{};
}
StatsSnapshot StatsItemSet::getStatsDataInDay(const StatsKey& key) const {
  const StatsItem* item = getStatsItem(key);
  return item ? item->statsDataInDay() : StatsSnapshot{};
}

std::vector<StatsItem*> StatsItemSet::itemsSnapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<StatsItem*> out;
  out.reserve(items_.size());
  for (const auto& it : items_) out.push_back(it.get());
  return out;
}

template <class Pred>
void StatsItemSet::resetIf(Pred pred) {
  for (StatsItem* item : itemsSnapshot()) {
    if (item->live() && pred(std::string_view(item->statsKey()))) item->reset();
  }
}

void StatsItemSet::delValue(std::string_view key) {
  resetIf([&](std::string_view k) { return k == key; });
}
void StatsItemSet::delValueByPrefixKey(std::string_view key, char sep) {
  resetIf([&](std::string_view k) {
    return k.size() > key.size() && k.starts_with(key) && k[key.size()] == sep;
  });
}
void StatsItemSet::delValueByInfixKey(std::string_view key, char sep) {
  const std::string infix = std::string(1, sep) + std::string(key) + sep;
  resetIf([&](std::string_view k) { return k.find(infix) != std::string_view::npos; });
}
void StatsItemSet::delValueBySuffixKey(std::string_view key, char sep) {
  resetIf([&](std::string_view k) {
    return k.size() > key.size() && k.ends_with(key) && k[k.size() - key.size() - 1] == sep;
  });
}

// Only live items are sampled: a resolved-but-unused item starts its lists at its first tick
// after its first add, as a Java item created then would.
void StatsItemSet::samplingInSeconds(int64_t nowMs) {
  for (StatsItem* item : itemsSnapshot()) {
    if (item->live()) item->samplingInSeconds(nowMs);
  }
}
void StatsItemSet::samplingInMinutes(int64_t nowMs) {
  for (StatsItem* item : itemsSnapshot()) {
    if (item->live()) item->samplingInMinutes(nowMs);
  }
}
void StatsItemSet::samplingInHour(int64_t nowMs) {
  for (StatsItem* item : itemsSnapshot()) {
    if (item->live()) item->samplingInHour(nowMs);
  }
}

size_t StatsItemSet::liveItemCount() const {
  size_t n = 0;
  for (StatsItem* item : itemsSnapshot()) n += item->live() ? 1 : 0;
  return n;
}

}  // namespace rmq::broker
