// Java's ConfigManager: a broker table kept in one JSON file under <storePathRootDir>/config
// (topics.json, subscriptionGroup.json, consumerOffset.json). The base knows the file and the
// rules for reading and writing it (store/config/config_file.h: .bak fallback, safe-write); the
// table, its lock and its DataVersion stay in the subclass.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "common/status.h"

namespace rmq::broker {

class ConfigManager {
 public:
  explicit ConfigManager(std::string configFilePath) : configFilePath_(std::move(configFilePath)) {}
  virtual ~ConfigManager() = default;
  ConfigManager(const ConfigManager&) = delete;
  ConfigManager& operator=(const ConfigManager&) = delete;

  // Reads the file (or its .bak copy) and hands the text to decode(). Nothing stored yet (a
  // first start) is Ok; a file and .bak that both fail to decode are an error.
  Status load();
  // Writes encode(). Concurrent calls (the periodic flush and shutdown) are serialized from the
  // encode to the rename, so an older text never replaces a newer one; subclasses whose changes
  // persist while holding their own lock override this to hold that lock across the write.
  virtual Status persist();
  const std::string& configFilePath() const { return configFilePath_; }

  // The file's content (pretty fastjson, as Java writes it); takes the subclass's lock itself.
  virtual std::string encode() const = 0;

 protected:
  // Takes over a whole file's text, all or nothing: a text it rejects is followed by the .bak
  // copy's.
  virtual Status decode(std::string_view json) = 0;
  // What load() logs once a file was taken over ("12 topics"). load() logs it, not decode(),
  // so that the line follows the warning about a damaged file whose .bak copy was taken.
  virtual std::string loadedSummary() const = 0;
  // Writes `json` as the file's new content (safe-write); one writer of the file at a time.
  Status writeConfigFile(const std::string& json) const;

 private:
  const std::string configFilePath_;
  std::mutex persistMutex_;       // base persist(): encode + write
  mutable std::mutex fileMutex_;  // the .tmp/.bak/rename sequence
};

}  // namespace rmq::broker
