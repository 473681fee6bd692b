// Name server configuration: NamesrvConfig plus the network keys of NettyServerConfig, with the
// Java property names and 4.9.8 defaults (shared protocol namesrv.md section 7).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "common/properties.h"
#include "common/status.h"

namespace rmq::namesrv {

struct NamesrvConfig {
  // NamesrvConfig
  std::string rocketmqHome;
  std::string kvConfigPath;     // default <user.home>/namesrv/kvConfig.json
  std::string configStorePath;  // default <user.home>/namesrv/namesrv.properties
  std::string productEnvName = "center";
  bool clusterTest = false;
  bool orderMessageEnable = false;
  std::string configBlackList = "configBlackList;configStorePath;kvConfigPath";
  // NettyServerConfig
  std::string listenAddress = "0.0.0.0";  // not a Java key; bind address (Java binds all)
  int32_t listenPort = 9876;
  int32_t serverWorkerThreads = 8;
  int32_t serverSelectorThreads = 3;
  int32_t serverChannelMaxIdleTimeSeconds = 120;
  // Name server specific liveness (Java constant, exposed for tests).
  int64_t brokerChannelExpiredMillis = 120000;
  int64_t scanNotActiveBrokerIntervalMillis = 10000;
  // TLS keys (tls.server.mode, ...; Java system properties) are read from `extra`.

  // Every other key seen in the config file is kept and reported back unchanged.
  Properties extra;

  static NamesrvConfig defaults();
  // Applies `props` over the current values. Unknown keys go to `extra` and are logged.
  Status apply(const Properties& props, std::vector<std::string>* unknownKeys = nullptr);
  Properties toProperties() const;  // every key, for -p and GET_NAMESRV_CONFIG
  // Keys that UPDATE_NAMESRV_CONFIG may not change.
  std::vector<std::string> blackList() const;
};

}  // namespace rmq::namesrv
