#include "broker/offset/consumer_offset_manager.h"

#include <algorithm>

#include "store/config/offset_table_codec.h"

namespace rmq::broker {

namespace {
std::string offsetKey(std::string_view topic, std::string_view group) {
  return store::config::consumerOffsetKey(topic, group);
}
}  // namespace

Status ConsumerOffsetManager::decode(std::string_view json) {
  store::config::ConsumerOffsetFile file;
  Status s = store::config::decode(json, file);
  if (!s.ok()) return s;
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [key, queues] : file.offsetTable) {
    if (table_.find(key) == table_.end()) fileOrder_.push_back(key);
    auto& m = table_[key];
    for (auto& [q, off] : queues) m[q] = off;
  }
  return Status::Ok();
}

std::string ConsumerOffsetManager::loadedSummary() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::to_string(table_.size()) + " topic@group entries";
}

std::string ConsumerOffsetManager::encode() const {
  store::config::ConsumerOffsetFile file;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& key : fileOrder_) {
    auto it = table_.find(key);
    if (it == table_.end()) continue;
    store::config::QueueOffsets q;
    for (const auto& [id, off] : it->second) q.emplace_back(id, off);
    file.offsetTable.emplace_back(key, std::move(q));
  }
  return store::config::encode(file);
}

void ConsumerOffsetManager::commitOffset(std::string_view group, std::string_view topic,
                                         int32_t queueId, int64_t offset) {
  std::string key = offsetKey(topic, group);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = table_.find(key);
  if (it == table_.end()) {
    fileOrder_.push_back(key);
    it = table_.emplace(std::move(key), std::map<int32_t, int64_t>{}).first;
  }
  it->second[queueId] = offset;
}

int64_t ConsumerOffsetManager::queryOffset(std::string_view group, std::string_view topic,
                                           int32_t queueId) const {
  std::string key = offsetKey(topic, group);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = table_.find(key);
  if (it == table_.end()) return -1;
  auto q = it->second.find(queueId);
  return q == it->second.end() ? -1 : q->second;
}

std::map<int32_t, int64_t> ConsumerOffsetManager::queryOffsets(std::string_view group,
                                                               std::string_view topic) const {
  std::string key = offsetKey(topic, group);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = table_.find(key);
  return it == table_.end() ? std::map<int32_t, int64_t>{} : it->second;
}

std::set<std::string> ConsumerOffsetManager::topicsOfGroup(std::string_view group) const {
  std::set<std::string> out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [key, q] : table_) {
    auto split = store::config::splitConsumerOffsetKey(key);
    if (split && split->second == group) out.insert(std::string(split->first));
  }
  return out;
}

std::set<std::string> ConsumerOffsetManager::groupsOfTopic(std::string_view topic) const {
  std::set<std::string> out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [key, q] : table_) {
    auto split = store::config::splitConsumerOffsetKey(key);
    if (split && split->first == topic) out.insert(std::string(split->second));
  }
  return out;
}

void ConsumerOffsetManager::removeGroup(std::string_view group) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = table_.begin(); it != table_.end();) {
    auto split = store::config::splitConsumerOffsetKey(it->first);
    if (split && split->second == group) {
      fileOrder_.erase(std::remove(fileOrder_.begin(), fileOrder_.end(), it->first),
                       fileOrder_.end());
      it = table_.erase(it);
    } else {
      ++it;
    }
  }
}

void ConsumerOffsetManager::removeTopic(std::string_view topic) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = table_.begin(); it != table_.end();) {
    auto split = store::config::splitConsumerOffsetKey(it->first);
    if (split && split->first == topic) {
      fileOrder_.erase(std::remove(fileOrder_.begin(), fileOrder_.end(), it->first),
                       fileOrder_.end());
      it = table_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace rmq::broker
