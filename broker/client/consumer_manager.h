// Consumer groups as seen from heartbeats (Java ConsumerManager / ConsumerGroupInfo): the live
// connections of each group, its subscription table and consume settings.
//
// Threading: thread-safe (one mutex). Membership-change notifications are delivered through
// `onIdsChanged` after the lock is released; it sends NOTIFY_CONSUMER_IDS_CHANGED.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "broker/client/client_channel_info.h"
#include "common/protocol/heartbeat.h"

namespace rmq::broker {

struct ConsumerGroupInfo {
  std::string groupName;
  std::map<uint64_t, ClientChannelInfo> channels;                   // by connection id
  std::map<std::string, protocol::SubscriptionData> subscriptions;  // by topic
  std::string consumeType;
  std::string messageModel;
  std::string consumeFromWhere;
  int64_t lastUpdateTimestamp = 0;
};

class ConsumerManager {
 public:
  using IdsChanged =
      std::function<void(const std::string& group, const std::vector<ClientChannelInfo>& channels)>;
  void setOnIdsChanged(IdsChanged f) { onIdsChanged_ = std::move(f); }

  // Returns true when membership or the topic set changed. Notifies when `notify`.
  bool registerConsumer(const std::string& group, const ClientChannelInfo& channel,
                        const protocol::ConsumerData& data, bool notify);
  void unregisterConsumer(const std::string& group, uint64_t connectionId, bool notify);
  // A connection closed: drop it from every group, notify the rest (when `notify`).
  void connectionClosed(uint64_t connectionId, bool notify);
  // Drops channels silent for longer than `expiredMillis`; returns their connections to close.
  std::vector<std::weak_ptr<remoting::Connection>> scanNotActive(int64_t nowMs,
                                                                 int64_t expiredMillis);

  std::optional<ConsumerGroupInfo> group(const std::string& group) const;
  std::optional<protocol::SubscriptionData> findSubscriptionData(const std::string& group,
                                                                 const std::string& topic) const;
  std::vector<std::string> consumerIds(const std::string& group) const;
  std::vector<std::string> groupsOfTopic(const std::string& topic) const;
  std::vector<std::string> allGroups() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, ConsumerGroupInfo> groups_;
  IdsChanged onIdsChanged_;
};

}  // namespace rmq::broker
