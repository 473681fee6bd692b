// The name server's routing tables (Java RouteInfoManager): which broker groups serve which
// topics, the addresses of each group's members, cluster membership and broker liveness.
//
// All state is rebuilt from broker registrations; nothing is persisted. Thread-safe: route
// queries take a shared lock, registrations and clean-ups an exclusive one. A broker is known
// to the connection it registered over by an opaque channel id, so that closing that
// connection (or expiry) removes it; this class knows nothing about sockets.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/protocol/data_version.h"
#include "common/protocol/route_data.h"
#include "common/protocol/topic_config.h"

namespace rmq::namesrv {

struct BrokerLiveInfo {
  int64_t lastUpdateTimestamp = 0;
  protocol::DataVersion dataVersion;
  uint64_t channelId = 0;
  std::string haServerAddr;
};

struct RegisterBrokerResult {
  std::string haServerAddr;
  std::string masterAddr;
};

class RouteInfoManager {
 public:
  RegisterBrokerResult registerBroker(const std::string& clusterName, const std::string& brokerAddr,
                                      const std::string& brokerName, int64_t brokerId,
                                      const std::string& haServerAddr,
                                      const protocol::TopicConfigSerializeWrapper* topicConfig,
                                      const std::vector<std::string>& filterServerList,
                                      uint64_t channelId, int64_t nowMs);
  void unregisterBroker(const std::string& clusterName, const std::string& brokerAddr,
                        const std::string& brokerName, int64_t brokerId);
  // QUERY_DATA_VERSION: true when the stored version differs (or the broker is unknown); when
  // unchanged the broker's liveness is refreshed. `stored` receives the stored version if any.
  bool isBrokerTopicConfigChanged(const std::string& brokerAddr,
                                  const protocol::DataVersion& version,
                                  std::optional<protocol::DataVersion>* stored, int64_t nowMs,
                                  bool refreshWhenUnchanged);

  // `version` (optional) receives routeVersion() as of the data returned.
  std::optional<protocol::TopicRouteData> pickupTopicRouteData(const std::string& topic,
                                                               uint64_t* version = nullptr) const;
  // Changes whenever a route could have changed (every mutation of the tables; registrations
  // included): what an encoded route body was built from.
  uint64_t routeVersion() const { return routeVersion_.load(std::memory_order_relaxed); }
  protocol::ClusterInfo getAllClusterInfo() const;
  std::vector<std::string> getAllTopicList() const;
  std::vector<std::string> getTopicsByCluster(const std::string& cluster) const;
  // 304: cluster and broker names, plus the first address of the first broker.
  std::vector<std::string> getSystemTopicList(std::optional<std::string>& brokerAddr) const;
  std::vector<std::string> getUnitTopics() const;
  std::vector<std::string> getHasUnitSubTopicList() const;
  std::vector<std::string> getHasUnitSubUnUnitTopicList() const;

  int wipeWritePermOfBroker(const std::string& brokerName);
  int addWritePermOfBroker(const std::string& brokerName);
  void deleteTopic(const std::string& topic);
  void deleteTopic(const std::string& topic, const std::string& clusterName);

  // The connection with this id (and remote address, used when no broker registered over it)
  // is gone: remove the broker registered over it.
  void onChannelDestroy(uint64_t channelId, const std::string& remoteAddr);
  // Removes brokers silent for longer than `expiredMillis`; returns their channel ids so the
  // caller can close those connections.
  std::vector<uint64_t> scanNotActiveBroker(int64_t nowMs, int64_t expiredMillis);

  size_t liveBrokerCount() const;

 private:
  void removeBrokerAddressLocked(const std::string& brokerAddr);
  void removeTopicByBrokerNameLocked(const std::string& brokerName);
  std::vector<std::string> topicsWithFlagLocked(bool unit, bool unitSub, bool notUnit) const;

  mutable std::shared_mutex mutex_;
  std::atomic<uint64_t> routeVersion_{1};  // bumped under the unique lock
  std::map<std::string, std::map<std::string, protocol::QueueData>> topicQueueTable_;
  std::map<std::string, protocol::BrokerData> brokerAddrTable_;
  std::map<std::string, std::set<std::string>> clusterAddrTable_;
  std::map<std::string, BrokerLiveInfo> brokerLiveTable_;
  std::map<std::string, std::vector<std::string>> filterServerTable_;
};

}  // namespace rmq::namesrv
