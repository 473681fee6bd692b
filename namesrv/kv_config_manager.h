// KV store of the name server: namespace -> key -> value, persisted to kvConfigPath as
// {"configTable":{"ns":{"k":"v"}}} (the shape of Java's KVConfigSerializeWrapper).
//
// Thread-safe. Every change is written back synchronously with the safe-write protocol
// (temp file, fsync, .bak, rename) before the request is answered.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>

#include "common/status.h"

namespace rmq::namesrv {

class KVConfigManager {
 public:
  explicit KVConfigManager(std::string path) : path_(std::move(path)) {}

  Status load();
  Status put(const std::string& ns, const std::string& key, const std::string& value);
  Status remove(const std::string& ns, const std::string& key);
  std::optional<std::string> get(const std::string& ns, const std::string& key) const;
  std::optional<std::map<std::string, std::string>> list(const std::string& ns) const;
  const std::string& path() const { return path_; }

 private:
  Status persistLocked() const;
  std::string path_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::map<std::string, std::string>> table_;
};

}  // namespace rmq::namesrv
