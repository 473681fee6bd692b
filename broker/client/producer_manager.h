// Producer groups from heartbeats (Java ProducerManager): used to pick a live producer for
// transaction check-backs and to find a requester's connection for request-reply.
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "broker/client/client_channel_info.h"

namespace rmq::broker {

class ProducerManager {
 public:
  void registerProducer(const std::string& group, const ClientChannelInfo& channel);
  void unregisterProducer(const std::string& group, uint64_t connectionId);
  void connectionClosed(uint64_t connectionId);
  std::vector<std::weak_ptr<remoting::Connection>> scanNotActive(int64_t nowMs,
                                                                 int64_t expiredMillis);
  // Round-robin over the live connections of the group.
  std::optional<ClientChannelInfo> availableChannel(const std::string& group);
  std::optional<ClientChannelInfo> findByClientId(const std::string& clientId) const;
  std::map<std::string, std::vector<ClientChannelInfo>> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::map<uint64_t, ClientChannelInfo>> groups_;
  std::map<std::string, ClientChannelInfo> byClientId_;
  size_t roundRobin_ = 0;
};

}  // namespace rmq::broker
