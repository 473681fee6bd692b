#include "broker/config_manager.h"

#include "common/logging.h"
#include "store/config/config_file.h"

namespace rmq::broker {

Status ConfigManager::load() {
  bool loaded = false;
  Status s = store::config::loadConfigFile(
      configFilePath_, [this](std::string_view json) { return decode(json); }, loaded);
  if (s.ok() && loaded) RMQ_LOG(INFO) << "load " << configFilePath_ << " OK, " << loadedSummary();
  return s;
}

Status ConfigManager::persist() {
  std::lock_guard<std::mutex> lock(persistMutex_);
  return writeConfigFile(encode());
}

Status ConfigManager::writeConfigFile(const std::string& json) const {
  std::lock_guard<std::mutex> lock(fileMutex_);
  return store::config::saveConfigFile(configFilePath_, json);
}

}  // namespace rmq::broker
