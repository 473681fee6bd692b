#include "broker/client/consumer_manager.h"

#include "common/logging.h"
#include "common/time_util.h"

namespace rmq::broker {

namespace {
std::vector<ClientChannelInfo> channelList(const ConsumerGroupInfo& g) {
  std::vector<ClientChannelInfo> out;
  for (const auto& [id, c] : g.channels) out.push_back(c);
  return out;
}
}  // namespace

bool ConsumerManager::registerConsumer(const std::string& group, const ClientChannelInfo& channel,
                                       const protocol::ConsumerData& data, bool notify) {
  std::vector<ClientChannelInfo> toNotify;
  bool changed = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& g = groups_[group];
    g.groupName = group;
    g.consumeType = data.consumeType;
    g.messageModel = data.messageModel;
    g.consumeFromWhere = data.consumeFromWhere;
    g.lastUpdateTimestamp = channel.lastUpdateTimestamp;
    auto it = g.channels.find(channel.connectionId);
    if (it == g.channels.end()) {
      RMQ_LOG(INFO) << "new consumer connected, group: " << group << " " << channel.clientId << " "
                    << channel.remoteAddr;
      g.channels[channel.connectionId] = channel;
      changed = true;
    } else {
      if (it->second.clientId != channel.clientId) {
        RMQ_LOG(WARN) << "consumer channel exists in broker, but clientId not equal. GROUP: "
                      << group << " OLD: " << it->second.clientId << " NEW: " << channel.clientId;
      }
      it->second = channel;
    }
    // Subscriptions are kept per group: add new topics, replace newer versions, drop the rest.
    std::map<std::string, protocol::SubscriptionData> next;
    for (const auto& sd : data.subscriptionDataSet) {
      auto old = g.subscriptions.find(sd.topic);
      if (old == g.subscriptions.end()) {
        changed = true;
        next[sd.topic] = sd;
      } else if (sd.subVersion > old->second.subVersion) {
        next[sd.topic] = sd;
      } else {
        next[sd.topic] = old->second;
      }
    }
    for (const auto& [topic, sd] : g.subscriptions) {
      if (next.count(topic) == 0) changed = true;
    }
    g.subscriptions = std::move(next);
    if (changed && notify) toNotify = channelList(g);
  }
  if (!toNotify.empty() && onIdsChanged_) onIdsChanged_(group, toNotify);
  return changed;
}

void ConsumerManager::unregisterConsumer(const std::string& group, uint64_t connectionId,
                                         bool notify) {
  std::vector<ClientChannelInfo> toNotify;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto g = groups_.find(group);
    if (g == groups_.end()) return;
    if (g->second.channels.erase(connectionId) == 0) return;
    RMQ_LOG(INFO) << "unregister consumer ok, group " << group;
    if (g->second.channels.empty()) {
      groups_.erase(g);
      return;
    }
    if (notify) toNotify = channelList(g->second);
  }
  if (!toNotify.empty() && onIdsChanged_) onIdsChanged_(group, toNotify);
}

void ConsumerManager::connectionClosed(uint64_t connectionId, bool notify) {
  std::vector<std::pair<std::string, std::vector<ClientChannelInfo>>> toNotify;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto it = groups_.begin(); it != groups_.end();) {
      if (it->second.channels.erase(connectionId) == 0) {
        ++it;
        continue;
      }
      if (it->second.channels.empty()) {
        RMQ_LOG(INFO) << "unregister consumer group " << it->first
                      << " because its last channel closed";
        it = groups_.erase(it);
        continue;
      }
      if (notify) toNotify.emplace_back(it->first, channelList(it->second));
      ++it;
    }
  }
  if (onIdsChanged_) {
    for (const auto& [group, channels] : toNotify) onIdsChanged_(group, channels);
  }
}

std::vector<std::weak_ptr<remoting::Connection>> ConsumerManager::scanNotActive(
    int64_t nowMs, int64_t expiredMillis) {
  std::vector<std::weak_ptr<remoting::Connection>> expired;
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto g = groups_.begin(); g != groups_.end();) {
    for (auto c = g->second.channels.begin(); c != g->second.channels.end();) {
      if (nowMs - c->second.lastUpdateTimestamp > expiredMillis) {
        RMQ_LOG(WARN) << "SCAN: remove expired channel from ConsumerManager consumerTable. "
                      << "channel=" << c->second.remoteAddr << ", consumerGroup=" << g->first;
        expired.push_back(c->second.connection);
        c = g->second.channels.erase(c);
      } else {
        ++c;
      }
    }
    if (g->second.channels.empty()) {
      g = groups_.erase(g);
    } else {
      ++g;
    }
  }
  return expired;
}

std::optional<ConsumerGroupInfo> ConsumerManager::group(const std::string& group) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto g = groups_.find(group);
  if (g == groups_.end()) return std::nullopt;
  return g->second;
}

std::optional<protocol::SubscriptionData> ConsumerManager::findSubscriptionData(
    const std::string& group, const std::string& topic) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto g = groups_.find(group);
  if (g == groups_.end()) return std::nullopt;
  auto s = g->second.subscriptions.find(topic);
  if (s == g->second.subscriptions.end()) return std::nullopt;
  return s->second;
}

std::vector<std::string> ConsumerManager::consumerIds(const std::string& group) const {
  std::vector<std::string> out;
  std::lock_guard<std::mutex> lock(mutex_);
  auto g = groups_.find(group);
  if (g == groups_.end()) return out;
  for (const auto& [id, c] : g->second.channels) out.push_back(c.clientId);
  return out;
}

std::vector<std::string> ConsumerManager::groupsOfTopic(const std::string& topic) const {
  std::vector<std::string> out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [name, g] : groups_) {
    if (g.subscriptions.count(topic)) out.push_back(name);
  }
  return out;
}

std::vector<std::string> ConsumerManager::allGroups() const {
  std::vector<std::string> out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [name, g] : groups_) out.push_back(name);
  return out;
}

}  // namespace rmq::broker
