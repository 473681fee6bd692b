#include "namesrv/namesrv_config.h"

#include <cstdlib>
#include <functional>
#include <map>

#include "common/file_util.h"

namespace rmq::namesrv {

namespace {

struct Key {
  std::function<bool(NamesrvConfig&, const std::string&)> set;
  std::function<std::string(const NamesrvConfig&)> get;
};

template <typename T>
Key intKey(T NamesrvConfig::*member) {
  return Key{[member](NamesrvConfig& c, const std::string& v) {
               auto parsed = parseJavaLong(v);
               if (!parsed) return false;
               c.*member = static_cast<T>(*parsed);
               return true;
             },
             [member](const NamesrvConfig& c) { return std::to_string(c.*member); }};
}
Key boolKey(bool NamesrvConfig::*member) {
  return Key{
      [member](NamesrvConfig& c, const std::string& v) {
        c.*member = parseJavaBoolean(v);
        return true;
      },
      [member](const NamesrvConfig& c) { return std::string(c.*member ? "true" : "false"); }};
}
Key stringKey(std::string NamesrvConfig::*member) {
  return Key{[member](NamesrvConfig& c, const std::string& v) {
               c.*member = v;
               return true;
             },
             [member](const NamesrvConfig& c) { return c.*member; }};
}

const std::map<std::string, Key>& keys() {
  static const std::map<std::string, Key> k = {
      {"rocketmqHome", stringKey(&NamesrvConfig::rocketmqHome)},
      {"kvConfigPath", stringKey(&NamesrvConfig::kvConfigPath)},
      {"configStorePath", stringKey(&NamesrvConfig::configStorePath)},
      {"productEnvName", stringKey(&NamesrvConfig::productEnvName)},
      {"clusterTest", boolKey(&NamesrvConfig::clusterTest)},
      {"orderMessageEnable", boolKey(&NamesrvConfig::orderMessageEnable)},
      {"configBlackList", stringKey(&NamesrvConfig::configBlackList)},
      {"listenAddress", stringKey(&NamesrvConfig::listenAddress)},
      {"listenPort", intKey(&NamesrvConfig::listenPort)},
      {"serverWorkerThreads", intKey(&NamesrvConfig::serverWorkerThreads)},
      {"serverSelectorThreads", intKey(&NamesrvConfig::serverSelectorThreads)},
      {"serverChannelMaxIdleTimeSeconds", intKey(&NamesrvConfig::serverChannelMaxIdleTimeSeconds)},
      {"brokerChannelExpiredMillis", intKey(&NamesrvConfig::brokerChannelExpiredMillis)},
      {"scanNotActiveBrokerIntervalMillis",
       intKey(&NamesrvConfig::scanNotActiveBrokerIntervalMillis)},
  };
  return k;
}

// Java 4.9.8's NettyServerConfig keys this name server does not use, with Java's defaults:
// GET_NAMESRV_CONFIG lists them as Java does, and a config file may set them without a warning.
const std::map<std::string, std::string>& javaOnlyDefaults() {
  static const std::map<std::string, std::string> d = {
      {"serverCallbackExecutorThreads", "0"},
      {"serverOnewaySemaphoreValue", "256"},
      {"serverAsyncSemaphoreValue", "64"},
      {"serverSocketSndBufSize", "0"},
      {"serverSocketRcvBufSize", "0"},
      {"writeBufferHighWaterMark", "0"},
      {"writeBufferLowWaterMark", "0"},
      {"serverSocketBacklog", "1024"},
      {"serverPooledByteBufAllocatorEnable", "true"},
      {"useEpollNativeSelector", "false"},
  };
  return d;
}

}  // namespace

NamesrvConfig NamesrvConfig::defaults() {
  NamesrvConfig c;
  const char* home = std::getenv("ROCKETMQ_HOME");
  c.rocketmqHome = home ? home : "";
  const std::string userHome = homeDirectory();
  c.kvConfigPath = userHome + "/namesrv/kvConfig.json";
  c.configStorePath = userHome + "/namesrv/namesrv.properties";
  for (const auto& [k, v] : javaOnlyDefaults()) c.extra.set(k, v);
  return c;
}

Status NamesrvConfig::apply(const Properties& props, std::vector<std::string>* unknownKeys) {
  for (const auto& [k, v] : props.entries()) {
    auto it = keys().find(k);
    if (it == keys().end()) {
      extra.set(k, v);
      if (unknownKeys && javaOnlyDefaults().count(k) == 0) unknownKeys->push_back(k);
      continue;
    }
    if (!it->second.set(*this, v)) {
      return Status::Error("bad value for " + k + ": " + v);
    }
  }
  return Status::Ok();
}

Properties NamesrvConfig::toProperties() const {
  Properties p = extra;
  for (const auto& [k, key] : keys()) p.set(k, key.get(*this));
  return p;
}

std::vector<std::string> NamesrvConfig::blackList() const {
  std::vector<std::string> out = {"configBlackList", "configStorePath", "kvConfigPath",
                                  "rocketmqHome"};
  size_t pos = 0;
  while (pos <= configBlackList.size()) {
    size_t end = configBlackList.find(';', pos);
    if (end == std::string::npos) end = configBlackList.size();
    std::string item = configBlackList.substr(pos, end - pos);
    if (!item.empty()) out.push_back(item);
    pos = end + 1;
  }
  return out;
}

}  // namespace rmq::namesrv
