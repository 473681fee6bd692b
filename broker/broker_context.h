// What the broker's request handlers share. Owned by BrokerController; handlers hold a
// reference. Handlers know nothing of file layouts: they go through the managers and the store.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "broker/broker_config.h"
#include "broker/client/consumer_manager.h"
#include "broker/client/producer_manager.h"
#include "broker/client/queue_lock_manager.h"
#include "broker/filter/sql92_message_filter.h"
#include "broker/offset/consumer_offset_manager.h"
#include "broker/stats/broker_stats.h"
#include "broker/stats/broker_stats_manager.h"
#include "broker/stats/tps_sampler.h"
#include "broker/subscription/subscription_group_manager.h"
#include "broker/topic/topic_config_manager.h"
#include "common/protocol/data_version.h"
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
  // Delivery progress of delayed messages (GET_ALL_DELAY_OFFSET, runtime info).
  std::function<std::string()> delayOffsetsJson;
  std::function<std::map<int32_t, int64_t>()> delayOffsets;
  // Path of the -c file that UPDATE_BROKER_CONFIG writes back ("" = none).
  std::string configFilePath;
  int64_t bootTimestamp = 0;
  protocol::DataVersion configVersion;
  std::mutex configMutex;  // UPDATE_BROKER_CONFIG vs GET_BROKER_CONFIG

  Sql92FilterCache sql92Filters;

  // Statistics: plain counters, relaxed atomics (free on the hot path), the store-level figures
  // of Java's StoreStatsService: messages put and transferred, pulls that found / missed.
  std::atomic<int64_t> msgPutTotal{0};
  std::atomic<int64_t> msgGetTotal{0};
  std::atomic<int64_t> getFoundTimes{0};
  std::atomic<int64_t> getMissTimes{0};
  TpsSampler putTps;  // sampled every second by the periodic thread
  TpsSampler getTps;
  TpsSampler getFoundTps;
  TpsSampler getMissTps;
  BrokerStats brokerStats;  // totals at the last two midnights
  // Per-topic / per-group items (VIEW_BROKER_STATS_DATA, consumeTps); its own sampling thread.
  BrokerStatsManager brokerStatsManager{config.brokerClusterName, config.enableDetailStat};

  bool isSlave() const { return conf.store.brokerRole == store::BrokerRole::SLAVE; }
  bool brokerReadable() const { return (config.brokerPermission & 4) != 0; }
  bool brokerWritable() const { return (config.brokerPermission & 2) != 0; }
};

}  // namespace rmq::broker
