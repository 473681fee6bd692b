// BrokerConfig (plus the NettyServerConfig keys the broker reads), with the Java key names and
// 4.9.8 defaults (shared protocol semantics.md section 1). The store's keys live in
// store::MessageStoreConfig; both are read from the same broker.conf.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/config_binder.h"
#include "common/properties.h"
#include "store/message_store_config.h"

namespace rmq::broker {

struct BrokerConfig {
  std::string rocketmqHome;
  std::string namesrvAddr;  // "host:port;host:port"
  std::string brokerIP1;    // auto-detected when empty
  std::string brokerIP2;
  std::string brokerName;  // local host name when empty
  std::string brokerClusterName = "DefaultCluster";
  int64_t brokerId = 0;
  int32_t brokerPermission = 6;
  int32_t defaultTopicQueueNums = 8;
  bool autoCreateTopicEnable = true;
  bool clusterTopicEnable = true;
  bool brokerTopicEnable = true;
  bool autoCreateSubscriptionGroup = true;
  std::string messageStorePlugIn;
  std::string msgTraceTopicName = "RMQ_SYS_TRACE_TOPIC";
  bool traceTopicEnable = false;
  bool traceOn = true;
  std::string regionId = "DefaultRegion";
  int32_t sendMessageThreadPoolNums = 4;
  int32_t pullMessageThreadPoolNums = 20;
  int32_t queryMessageThreadPoolNums = 10;
  int32_t adminBrokerThreadPoolNums = 16;
  int32_t clientManageThreadPoolNums = 32;
  int32_t consumerManageThreadPoolNums = 32;
  int32_t heartbeatThreadPoolNums = 2;
  int32_t flushConsumerOffsetInterval = 5000;
  int32_t flushConsumerOffsetHistoryInterval = 60000;
  bool rejectTransactionMessage = false;
  bool fetchNamesrvAddrByAddressServer = false;
  int32_t sendThreadPoolQueueCapacity = 10000;
  int32_t pullThreadPoolQueueCapacity = 100000;
  int64_t startAcceptSendRequestTimeStamp = 0;
  bool longPollingEnable = true;
  int64_t shortPollingTimeMills = 1000;
  bool notifyConsumerIdsChangedEnable = true;
  bool highSpeedMode = false;
  bool commercialEnable = true;
  bool transferMsgByHeap = true;
  int32_t maxDelayTime = 40;
  bool slaveReadEnable = false;
  bool disableConsumeIfConsumerReadSlowly = false;
  int64_t consumerFallbehindThreshold = 1024LL * 1024 * 1024 * 16;
  bool brokerFastFailureEnable = true;
  int64_t waitTimeMillsInSendQueue = 200;
  int64_t waitTimeMillsInPullQueue = 5000;
  int64_t waitTimeMillsInHeartbeatQueue = 31000;
  int64_t waitTimeMillsInTransactionQueue = 3000;
  bool enablePropertyFilter = false;
  bool enableCalcFilterBitMap = false;
  int32_t expectConsumerNumUseFilter = 32;
  int32_t maxErrorRateOfBloomFilter = 20;
  int64_t filterDataCleanTimeSpan = 24 * 3600 * 1000;
  bool filterSupportRetry = false;
  bool enableDetailStat = true;
  bool autoDeleteUnusedStats = false;
  bool compressedRegister = false;
  bool forceRegister = true;
  int32_t registerNameServerPeriod = 30000;
  int32_t registerBrokerTimeoutMills = 6000;
  int64_t transactionTimeOut = 6000;
  int32_t transactionCheckMax = 15;
  int64_t transactionCheckInterval = 60000;
  bool aclEnable = false;
  bool storeReplyMessageEnable = true;
  // NettyServerConfig
  int32_t listenPort = 10911;
  int32_t serverWorkerThreads = 8;
  int32_t serverSelectorThreads = 3;
  int32_t serverChannelMaxIdleTimeSeconds = 120;
  // Not Java keys: bind address of the remoting ports, and whether to open the VIP port.
  std::string listenAddress = "0.0.0.0";
  bool vipChannelEnable = true;

  static BrokerConfig defaults();
  static const ConfigBinder<BrokerConfig>& binder();
  // "brokerIP1:listenPort"
  std::string brokerAddr() const { return brokerIP1 + ":" + std::to_string(listenPort); }
  std::vector<std::string> namesrvList() const;
};

// Everything read from one broker.conf (plus unknown keys, kept and reported back).
struct BrokerConfiguration {
  std::string configFilePath;  // the -c file, rewritten by UPDATE_BROKER_CONFIG
  BrokerConfig broker;
  store::MessageStoreConfig store;
  // Keys of Java's BrokerConfig, NettyServerConfig, NettyClientConfig and MessageStoreConfig
  // that this broker has no use for, with Java's defaults: broker.conf may set them, and they
  // are reported back like the others (mqadmin getBrokerConfig shows every one).
  Properties javaOnly;
  Properties unknown;

  static BrokerConfiguration defaults();
  // Applies `props`; unknown keys go to `unknown`.
  Status apply(const Properties& props);
  Properties toProperties() const;  // every key, for -p / -m and GET_BROKER_CONFIG
};

std::string detectLocalIp();

}  // namespace rmq::broker
