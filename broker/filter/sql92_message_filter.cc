#include "broker/filter/sql92_message_filter.h"

namespace rmq::broker {

Status Sql92FilterCache::get(const std::string& expression,
                             std::shared_ptr<const sql92::Sql92Filter>& out) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cache_.find(expression);
    if (it != cache_.end()) {
      out = it->second;
      return Status::Ok();
    }
  }
  std::unique_ptr<sql92::Sql92Filter> compiled;
  Status s = sql92::Sql92Filter::compile(expression, compiled);
  if (!s.ok()) return s;
  out = std::shared_ptr<const sql92::Sql92Filter>(std::move(compiled));
  std::lock_guard<std::mutex> lock(mutex_);
  if (cache_.size() >= kMaxEntries) cache_.clear();  // bounded; expressions are few in practice
  cache_[expression] = out;
  return Status::Ok();
}

}  // namespace rmq::broker
