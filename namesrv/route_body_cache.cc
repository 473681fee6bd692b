#include "namesrv/route_body_cache.h"

#include <mutex>

namespace rmq::namesrv {

RouteBodyCache::Body RouteBodyCache::get(std::string_view topic, bool standardJson,
                                         uint64_t version) const {
  std::shared_lock lock(mutex_);
  auto it = entries_.find(topic);
  if (it == entries_.end()) return nullptr;
  const int form = standardJson ? 1 : 0;
  return it->second.version[form] == version ? it->second.body[form] : nullptr;
}

void RouteBodyCache::put(std::string_view topic, bool standardJson, uint64_t version, Body body) {
  std::unique_lock lock(mutex_);
  if (entries_.size() >= kMaxTopics && entries_.find(topic) == entries_.end()) entries_.clear();
  auto it = entries_.find(topic);
  if (it == entries_.end()) it = entries_.emplace(std::string(topic), Entry{}).first;
  const int form = standardJson ? 1 : 0;
  // Never replace a body with one built from older data (two queries racing with a change).
  if (it->second.body[form] && it->second.version[form] > version) return;
  it->second.version[form] = version;
  it->second.body[form] = std::move(body);
}

}  // namespace rmq::namesrv
