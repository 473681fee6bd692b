// Encoded GET_ROUTEINFO_BY_TOPIC bodies per topic and JSON form, each valid for the route
// version it was built from: clients poll routes every 30 s per topic, and encoding the route
// was most of the name server's work per query. A body is reused only while
// RouteInfoManager::routeVersion() is unchanged, so an answer is never staler than a query
// that raced with the change.
//
// Threading: any thread; a shared mutex guards the map (lookups share it).
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rmq::namesrv {

class RouteBodyCache {
 public:
  using Body = std::shared_ptr<const std::string>;

  // The body for `topic` in the given form if it was built at `version`.
  Body get(std::string_view topic, bool standardJson, uint64_t version) const;
  void put(std::string_view topic, bool standardJson, uint64_t version, Body body);

  // Bound on cached topics; past it the cache starts over (topics come and go).
  static constexpr size_t kMaxTopics = 100000;

 private:
  struct Entry {
    uint64_t version[2] = {0, 0};
    Body body[2];
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace rmq::namesrv
