#include "broker/client/producer_manager.h"

#include "common/logging.h"

namespace rmq::broker {

void ProducerManager::registerProducer(const std::string& group, const ClientChannelInfo& channel) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& g = groups_[group];
  if (g.find(channel.connectionId) == g.end()) {
    RMQ_LOG(INFO) << "new producer connected, group: " << group
                  << " channel: " << channel.remoteAddr;
  }
  g[channel.connectionId] = channel;
  byClientId_[channel.clientId] = channel;
}

void ProducerManager::unregisterProducer(const std::string& group, uint64_t connectionId) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto g = groups_.find(group);
  if (g == groups_.end()) return;
  auto c = g->second.find(connectionId);
  if (c == g->second.end()) return;
  byClientId_.erase(c->second.clientId);
  g->second.erase(c);
  if (g->second.empty()) groups_.erase(g);
}

void ProducerManager::connectionClosed(uint64_t connectionId) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto g = groups_.begin(); g != groups_.end();) {
    auto c = g->second.find(connectionId);
    if (c != g->second.end()) {
      RMQ_LOG(INFO) << "NETTY EVENT: remove channel " << c->second.remoteAddr
                    << " from producer group " << g->first;
      g->second.erase(c);
    }
    if (g->second.empty()) {
      g = groups_.erase(g);
    } else {
      ++g;
    }
  }
  for (auto it = byClientId_.begin(); it != byClientId_.end();) {
    if (it->second.connectionId == connectionId) {
      it = byClientId_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<std::weak_ptr<remoting::Connection>> ProducerManager::scanNotActive(
    int64_t nowMs, int64_t expiredMillis) {
  std::vector<std::weak_ptr<remoting::Connection>> expired;
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto g = groups_.begin(); g != groups_.end();) {
    for (auto c = g->second.begin(); c != g->second.end();) {
      if (nowMs - c->second.lastUpdateTimestamp > expiredMillis) {
        expired.push_back(c->second.connection);
        byClientId_.erase(c->second.clientId);
        c = g->second.erase(c);
      } else {
        ++c;
      }
    }
    if (g->second.empty()) {
      g = groups_.erase(g);
    } else {
      ++g;
    }
  }
  return expired;
}

std::optional<ClientChannelInfo> ProducerManager::availableChannel(const std::string& group) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto g = groups_.find(group);
  if (g == groups_.end() || g->second.empty()) return std::nullopt;
  std::vector<const ClientChannelInfo*> live;
  for (const auto& [id, c] : g->second) {
    auto conn = c.connection.lock();
    if (conn && conn->isOpen()) live.push_back(&c);
  }
  if (live.empty()) return std::nullopt;
  return *live[roundRobin_++ % live.size()];
}

std::optional<ClientChannelInfo> ProducerManager::findByClientId(
    const std::string& clientId) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = byClientId_.find(clientId);
  if (it == byClientId_.end()) return std::nullopt;
  return it->second;
}

std::map<std::string, std::vector<ClientChannelInfo>> ProducerManager::snapshot() const {
  std::map<std::string, std::vector<ClientChannelInfo>> out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [group, chans] : groups_) {
    for (const auto& [id, c] : chans) out[group].push_back(c);
  }
  return out;
}

}  // namespace rmq::broker
