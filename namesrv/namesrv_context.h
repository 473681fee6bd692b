// What the name server's request handlers share: configuration and the two managers.
#pragma once

#include <mutex>

#include "namesrv/kv_config_manager.h"
#include "namesrv/namesrv_config.h"
#include "namesrv/route_body_cache.h"
#include "namesrv/route_info_manager.h"

namespace rmq::namesrv {

struct NamesrvContext {
  explicit NamesrvContext(NamesrvConfig cfg)
      : config(std::move(cfg)), kvConfig(config.kvConfigPath) {}

  std::mutex configMutex;  // guards `config` for UPDATE/GET_NAMESRV_CONFIG
  NamesrvConfig config;
  KVConfigManager kvConfig;
  RouteInfoManager routes;
  RouteBodyCache routeBodies;  // GET_ROUTEINFO_BY_TOPIC answers by route version
};

// Well-known KV namespace holding the order-topic configuration (NamesrvUtil).
constexpr const char* kNamespaceOrderTopicConfig = "ORDER_TOPIC_CONFIG";

}  // namespace rmq::namesrv
