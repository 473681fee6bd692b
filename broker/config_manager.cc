#include "broker/config_manager.h"

#include "store/config/config_file.h"

namespace rmq::broker {

Status ConfigManager::load() {
  bool loaded = false;
  return store::config::loadConfigFile(
      configFilePath_, [this](std::string_view json) { return decode(json); }, loaded);
}

Status ConfigManager::persist() {
  return writeConfigFile(encode());
}

Status ConfigManager::writeConfigFile(const std::string& json) const {
  return store::config::saveConfigFile(configFilePath_, json);
}

}  // namespace rmq::broker
