#include "namesrv/route_info_manager.h"

#include <mutex>

#include "common/logging.h"
#include "common/protocol/perm_name.h"

namespace rmq::namesrv {

using protocol::BrokerData;
using protocol::QueueData;

RegisterBrokerResult RouteInfoManager::registerBroker(
    const std::string& clusterName, const std::string& brokerAddr, const std::string& brokerName,
    int64_t brokerId, const std::string& haServerAddr,
    const protocol::TopicConfigSerializeWrapper* topicConfig,
    const std::vector<std::string>& filterServerList, uint64_t channelId, int64_t nowMs) {
  RegisterBrokerResult result;
  std::unique_lock lock(mutex_);
  routeVersion_.fetch_add(1, std::memory_order_relaxed);
  clusterAddrTable_[clusterName].insert(brokerName);

  bool registerFirst = false;
  auto bdIt = brokerAddrTable_.find(brokerName);
  if (bdIt == brokerAddrTable_.end()) {
    registerFirst = true;
    BrokerData bd;
    bd.cluster = clusterName;
    bd.brokerName = brokerName;
    bdIt = brokerAddrTable_.emplace(brokerName, std::move(bd)).first;
  }
  auto& addrs = bdIt->second.brokerAddrs;
  // A slave promoted to master (or the reverse) re-registers the same address under a new id.
  for (auto it = addrs.begin(); it != addrs.end();) {
    if (it->second == brokerAddr && it->first != brokerId) {
      it = addrs.erase(it);
    } else {
      ++it;
    }
  }
  auto old = addrs.find(brokerId);
  registerFirst = registerFirst || old == addrs.end();
  addrs[brokerId] = brokerAddr;

  const protocol::DataVersion version =
      topicConfig ? topicConfig->dataVersion : protocol::DataVersion{};
  if (topicConfig && brokerId == 0) {
    auto live = brokerLiveTable_.find(brokerAddr);
    bool changed = live == brokerLiveTable_.end() || live->second.dataVersion != version;
    if (changed || registerFirst) {
      // Merge only: topics missing from the body stay (single-topic registrations after an
      // admin topic creation carry one topic).
      for (const auto& [name, tc] : topicConfig->topicConfigTable) {
        QueueData qd;
        qd.brokerName = brokerName;
        qd.writeQueueNums = tc.writeQueueNums;
        qd.readQueueNums = tc.readQueueNums;
        qd.perm = tc.perm;
        qd.topicSysFlag = tc.topicSysFlag;
        auto& byBroker = topicQueueTable_[name];
        auto existing = byBroker.find(brokerName);
        if (existing == byBroker.end()) {
          RMQ_LOG(INFO) << "new topic registered, " << name << " " << brokerName;
        } else if (!(existing->second == qd)) {
          RMQ_LOG(INFO) << "topic changed, " << name << " " << brokerName;
        }
        byBroker[brokerName] = qd;
      }
    }
  }

  BrokerLiveInfo info;
  info.lastUpdateTimestamp = nowMs;
  info.dataVersion = version;
  info.channelId = channelId;
  info.haServerAddr = haServerAddr;
  auto [liveIt, inserted] = brokerLiveTable_.insert_or_assign(brokerAddr, info);
  if (inserted) {
    RMQ_LOG(INFO) << "new broker registered, " << brokerAddr << " HAServer: " << haServerAddr;
  }

  if (filterServerList.empty()) {
    filterServerTable_.erase(brokerAddr);
  } else {
    filterServerTable_[brokerAddr] = filterServerList;
  }

  if (brokerId != 0) {
    auto master = addrs.find(0);
    if (master != addrs.end()) {
      auto masterLive = brokerLiveTable_.find(master->second);
      if (masterLive != brokerLiveTable_.end()) {
        result.haServerAddr = masterLive->second.haServerAddr;
        result.masterAddr = master->second;
      }
    }
  }
  return result;
}

void RouteInfoManager::unregisterBroker(const std::string& clusterName,
                                        const std::string& brokerAddr,
                                        const std::string& brokerName, int64_t brokerId) {
  std::unique_lock lock(mutex_);
  routeVersion_.fetch_add(1, std::memory_order_relaxed);
  if (brokerLiveTable_.erase(brokerAddr)) {
    RMQ_LOG(INFO) << "unregisterBroker, remove from brokerLiveTable OK, " << brokerAddr;
  }
  filterServerTable_.erase(brokerAddr);
  bool removeBrokerName = false;
  auto bd = brokerAddrTable_.find(brokerName);
  if (bd != brokerAddrTable_.end()) {
    bd->second.brokerAddrs.erase(brokerId);
    if (bd->second.brokerAddrs.empty()) {
      brokerAddrTable_.erase(bd);
      removeBrokerName = true;
    }
  }
  if (removeBrokerName) {
    auto cluster = clusterAddrTable_.find(clusterName);
    if (cluster != clusterAddrTable_.end()) {
      cluster->second.erase(brokerName);
      if (cluster->second.empty()) clusterAddrTable_.erase(cluster);
    }
    removeTopicByBrokerNameLocked(brokerName);
  }
}

bool RouteInfoManager::isBrokerTopicConfigChanged(const std::string& brokerAddr,
                                                  const protocol::DataVersion& version,
                                                  std::optional<protocol::DataVersion>* stored,
                                                  int64_t nowMs, bool refreshWhenUnchanged) {
  std::unique_lock lock(mutex_);
  auto live = brokerLiveTable_.find(brokerAddr);
  if (stored) {
    *stored =
        live == brokerLiveTable_.end() ? std::nullopt : std::optional(live->second.dataVersion);
  }
  bool changed = live == brokerLiveTable_.end() || live->second.dataVersion != version;
  if (!changed && refreshWhenUnchanged) live->second.lastUpdateTimestamp = nowMs;
  return changed;
}

void RouteInfoManager::removeTopicByBrokerNameLocked(const std::string& brokerName) {
  for (auto it = topicQueueTable_.begin(); it != topicQueueTable_.end();) {
    if (it->second.erase(brokerName)) {
      RMQ_LOG(INFO) << "removeTopicByBrokerName, remove one broker's topic " << brokerName << " "
                    << it->first;
    }
    if (it->second.empty()) {
      RMQ_LOG(INFO) << "removeTopicByBrokerName, remove the topic all queue " << it->first;
      it = topicQueueTable_.erase(it);
    } else {
      ++it;
    }
  }
}

std::optional<protocol::TopicRouteData> RouteInfoManager::pickupTopicRouteData(
    const std::string& topic, uint64_t* version) const {
  std::shared_lock lock(mutex_);
  if (version) *version = routeVersion();
  auto qit = topicQueueTable_.find(topic);
  if (qit == topicQueueTable_.end() || qit->second.empty()) return std::nullopt;
  protocol::TopicRouteData route;
  for (const auto& [name, qd] : qit->second) {
    route.queueDatas.push_back(qd);
    auto bd = brokerAddrTable_.find(name);
    if (bd == brokerAddrTable_.end()) continue;
    route.brokerDatas.push_back(bd->second);
    for (const auto& [id, addr] : bd->second.brokerAddrs) {
      auto fs = filterServerTable_.find(addr);
      if (fs != filterServerTable_.end()) route.filterServerTable[addr] = fs->second;
    }
  }
  if (route.brokerDatas.empty()) return std::nullopt;
  return route;
}

protocol::ClusterInfo RouteInfoManager::getAllClusterInfo() const {
  std::shared_lock lock(mutex_);
  protocol::ClusterInfo info;
  info.brokerAddrTable = brokerAddrTable_;
  info.clusterAddrTable = clusterAddrTable_;
  return info;
}

std::vector<std::string> RouteInfoManager::getAllTopicList() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [topic, qds] : topicQueueTable_) out.push_back(topic);
  return out;
}

std::vector<std::string> RouteInfoManager::getTopicsByCluster(const std::string& cluster) const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  auto names = clusterAddrTable_.find(cluster);
  if (names == clusterAddrTable_.end()) return out;
  for (const auto& [topic, qds] : topicQueueTable_) {
    for (const auto& [brokerName, qd] : qds) {
      if (names->second.count(brokerName)) {
        out.push_back(topic);
        break;
      }
    }
  }
  return out;
}

std::vector<std::string> RouteInfoManager::getSystemTopicList(
    std::optional<std::string>& brokerAddr) const {
  std::shared_lock lock(mutex_);
  std::set<std::string> names;
  for (const auto& [cluster, brokers] : clusterAddrTable_) {
    names.insert(cluster);
    names.insert(brokers.begin(), brokers.end());
  }
  brokerAddr.reset();
  for (const auto& [name, bd] : brokerAddrTable_) {
    if (!bd.brokerAddrs.empty()) {
      brokerAddr = bd.brokerAddrs.begin()->second;
      break;
    }
  }
  return {names.begin(), names.end()};
}

std::vector<std::string> RouteInfoManager::topicsWithFlagLocked(bool unit, bool unitSub,
                                                                bool notUnit) const {
  std::vector<std::string> out;
  for (const auto& [topic, qds] : topicQueueTable_) {
    if (qds.empty()) continue;
    int32_t flag = qds.begin()->second.topicSysFlag;
    bool match = true;
    if (unit && !topic_sys_flag::hasUnitFlag(flag)) match = false;
    if (unitSub && !topic_sys_flag::hasUnitSubFlag(flag)) match = false;
    if (notUnit && topic_sys_flag::hasUnitFlag(flag)) match = false;
    if (match) out.push_back(topic);
  }
  return out;
}

std::vector<std::string> RouteInfoManager::getUnitTopics() const {
  std::shared_lock lock(mutex_);
  return topicsWithFlagLocked(true, false, false);
}
std::vector<std::string> RouteInfoManager::getHasUnitSubTopicList() const {
  std::shared_lock lock(mutex_);
  return topicsWithFlagLocked(false, true, false);
}
std::vector<std::string> RouteInfoManager::getHasUnitSubUnUnitTopicList() const {
  std::shared_lock lock(mutex_);
  return topicsWithFlagLocked(false, true, true);
}

int RouteInfoManager::wipeWritePermOfBroker(const std::string& brokerName) {
  std::unique_lock lock(mutex_);
  routeVersion_.fetch_add(1, std::memory_order_relaxed);
  int count = 0;
  for (auto& [topic, qds] : topicQueueTable_) {
    auto it = qds.find(brokerName);
    if (it == qds.end()) continue;
    it->second.perm &= ~perm::WRITE;
    ++count;
  }
  return count;
}

int RouteInfoManager::addWritePermOfBroker(const std::string& brokerName) {
  std::unique_lock lock(mutex_);
  routeVersion_.fetch_add(1, std::memory_order_relaxed);
  int count = 0;
  for (auto& [topic, qds] : topicQueueTable_) {
    auto it = qds.find(brokerName);
    if (it == qds.end()) continue;
    it->second.perm = perm::READ | perm::WRITE;
    ++count;
  }
  return count;
}

void RouteInfoManager::deleteTopic(const std::string& topic) {
  std::unique_lock lock(mutex_);
  routeVersion_.fetch_add(1, std::memory_order_relaxed);
  topicQueueTable_.erase(topic);
}

void RouteInfoManager::deleteTopic(const std::string& topic, const std::string& clusterName) {
  std::unique_lock lock(mutex_);
  routeVersion_.fetch_add(1, std::memory_order_relaxed);
  auto names = clusterAddrTable_.find(clusterName);
  auto qit = topicQueueTable_.find(topic);
  if (names == clusterAddrTable_.end() || qit == topicQueueTable_.end()) return;
  for (const auto& name : names->second) qit->second.erase(name);
  if (qit->second.empty()) topicQueueTable_.erase(qit);
}

void RouteInfoManager::removeBrokerAddressLocked(const std::string& brokerAddr) {
  brokerLiveTable_.erase(brokerAddr);
  filterServerTable_.erase(brokerAddr);
  std::set<std::string> removedNames;
  for (auto it = brokerAddrTable_.begin(); it != brokerAddrTable_.end();) {
    auto& addrs = it->second.brokerAddrs;
    for (auto a = addrs.begin(); a != addrs.end();) {
      if (a->second == brokerAddr) {
        RMQ_LOG(INFO) << "remove brokerAddr[" << a->first << ", " << brokerAddr
                      << "] from brokerAddrTable, because channel destroyed";
        a = addrs.erase(a);
      } else {
        ++a;
      }
    }
    if (addrs.empty()) {
      removedNames.insert(it->first);
      it = brokerAddrTable_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& name : removedNames) {
    for (auto c = clusterAddrTable_.begin(); c != clusterAddrTable_.end();) {
      c->second.erase(name);
      if (c->second.empty()) {
        c = clusterAddrTable_.erase(c);
      } else {
        ++c;
      }
    }
    removeTopicByBrokerNameLocked(name);
  }
}

void RouteInfoManager::onChannelDestroy(uint64_t channelId, const std::string& remoteAddr) {
  std::unique_lock lock(mutex_);
  routeVersion_.fetch_add(1, std::memory_order_relaxed);
  std::string found;
  for (const auto& [addr, info] : brokerLiveTable_) {
    if (info.channelId == channelId) {
      found = addr;
      break;
    }
  }
  if (found.empty()) {
    // Java falls back to the remote address; only a broker registered from it matches.
    if (brokerLiveTable_.count(remoteAddr) == 0) return;
    found = remoteAddr;
  }
  RMQ_LOG(INFO) << "the broker's channel destroyed, " << found
                << ", clean it's data structure at once";
  removeBrokerAddressLocked(found);
}

std::vector<uint64_t> RouteInfoManager::scanNotActiveBroker(int64_t nowMs, int64_t expiredMillis) {
  std::unique_lock lock(mutex_);
  routeVersion_.fetch_add(1, std::memory_order_relaxed);
  std::vector<uint64_t> channels;
  std::vector<std::string> expired;
  for (const auto& [addr, info] : brokerLiveTable_) {
    if (info.lastUpdateTimestamp + expiredMillis < nowMs) {
      RMQ_LOG(WARN) << "The broker channel expired, " << addr << " " << expiredMillis << "ms";
      expired.push_back(addr);
      channels.push_back(info.channelId);
    }
  }
  for (const auto& addr : expired) removeBrokerAddressLocked(addr);
  return channels;
}

size_t RouteInfoManager::liveBrokerCount() const {
  std::shared_lock lock(mutex_);
  return brokerLiveTable_.size();
}

}  // namespace rmq::namesrv
