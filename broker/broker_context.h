// What the broker's request handlers share. Owned by BrokerController; handlers hold a
// reference. Handlers know nothing of file layouts: they go through the managers and the store.
#pragma once

#include <functional>
#include <memory>

#include "broker/broker_config.h"
#include "broker/client/consumer_manager.h"
#include "broker/client/producer_manager.h"
#include "broker/client/queue_lock_manager.h"
#include "broker/offset/consumer_offset_manager.h"
#include "broker/subscription/subscription_group_manager.h"
#include "broker/topic/topic_config_manager.h"
#include "common/thread_pool.h"
#include "store/host_address.h"
#include "store/message_store.h"

namespace rmq::broker {

class PullRequestHoldService;

struct BrokerContext {
  BrokerConfiguration& conf;
  BrokerConfig& config;  // conf.broker
  store::MessageStore& store;
  TopicConfigManager& topics;
  SubscriptionGroupManager& groups;
  ConsumerOffsetManager& offsets;
  ConsumerManager& consumers;
  ProducerManager& producers;
  QueueLockManager& locks;
  PullRequestHoldService& holds;
  ThreadPool& pullExecutor;      // re-executes held pulls
  ThreadPool& adminExecutor;     // requests that may block (disk, relays)
  store::HostAddress storeHost;  // brokerIP1:listenPort as written in STOREHOST
  // Registers with the name servers now (oneway: after the broker created a topic itself).
  std::function<void(bool oneway)> registerBrokerAll;

  bool isSlave() const { return conf.store.brokerRole == store::BrokerRole::SLAVE; }
  bool brokerReadable() const { return (config.brokerPermission & 4) != 0; }
  bool brokerWritable() const { return (config.brokerPermission & 2) != 0; }
};

}  // namespace rmq::broker
