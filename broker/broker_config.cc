#include "broker/broker_config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "common/file_util.h"

namespace rmq::broker {

std::string detectLocalIp() {
  // Like Java's RemotingUtil.getLocalAddress: the first non-loopback IPv4 address, else loopback.
  std::string found = "127.0.0.1";
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return found;
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET) continue;
    if (i->ifa_flags & IFF_LOOPBACK) continue;
    char buf[INET_ADDRSTRLEN];
    auto* sin = reinterpret_cast<sockaddr_in*>(i->ifa_addr);
    if (inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof(buf))) {
      found = buf;
      break;
    }
  }
  freeifaddrs(list);
  return found;
}

BrokerConfig BrokerConfig::defaults() {
  BrokerConfig c;
  if (const char* home = std::getenv("ROCKETMQ_HOME")) c.rocketmqHome = home;
  if (const char* ns = std::getenv("NAMESRV_ADDR")) c.namesrvAddr = ns;
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) == 0) c.brokerName = host;
  if (c.brokerName.empty()) c.brokerName = "DEFAULT_BROKER";
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 1) cpus = 1;
  c.sendMessageThreadPoolNums = static_cast<int32_t>(std::min<long>(cpus, 4));
  c.pullMessageThreadPoolNums = static_cast<int32_t>(16 + 2 * cpus);
  c.queryMessageThreadPoolNums = static_cast<int32_t>(8 + cpus);
  c.heartbeatThreadPoolNums = static_cast<int32_t>(std::min<long>(32, cpus));
  return c;
}

std::vector<std::string> BrokerConfig::namesrvList() const {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= namesrvAddr.size()) {
    size_t end = namesrvAddr.find(';', pos);
    if (end == std::string::npos) end = namesrvAddr.size();
    std::string item = namesrvAddr.substr(pos, end - pos);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.pop_back();
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.erase(0, 1);
    if (!item.empty()) out.push_back(item);
    pos = end + 1;
  }
  return out;
}

const ConfigBinder<BrokerConfig>& BrokerConfig::binder() {
  using C = BrokerConfig;
  static const ConfigBinder<C> b = [] {
    ConfigBinder<C> x;
    x.bind("rocketmqHome", &C::rocketmqHome)
        .bind("namesrvAddr", &C::namesrvAddr)
        .bind("brokerIP1", &C::brokerIP1)
        .bind("brokerIP2", &C::brokerIP2)
        .bind("brokerName", &C::brokerName)
        .bind("brokerClusterName", &C::brokerClusterName)
        .bind("brokerId", &C::brokerId)
        .bind("brokerPermission", &C::brokerPermission)
        .bind("defaultTopicQueueNums", &C::defaultTopicQueueNums)
        .bind("autoCreateTopicEnable", &C::autoCreateTopicEnable)
        .bind("clusterTopicEnable", &C::clusterTopicEnable)
        .bind("brokerTopicEnable", &C::brokerTopicEnable)
        .bind("autoCreateSubscriptionGroup", &C::autoCreateSubscriptionGroup)
        .bind("messageStorePlugIn", &C::messageStorePlugIn)
        .bind("msgTraceTopicName", &C::msgTraceTopicName)
        .bind("traceTopicEnable", &C::traceTopicEnable)
        .bind("traceOn", &C::traceOn)
        .bind("regionId", &C::regionId)
        .bind("sendMessageThreadPoolNums", &C::sendMessageThreadPoolNums)
        .bind("pullMessageThreadPoolNums", &C::pullMessageThreadPoolNums)
        .bind("queryMessageThreadPoolNums", &C::queryMessageThreadPoolNums)
        .bind("adminBrokerThreadPoolNums", &C::adminBrokerThreadPoolNums)
        .bind("clientManageThreadPoolNums", &C::clientManageThreadPoolNums)
        .bind("consumerManageThreadPoolNums", &C::consumerManageThreadPoolNums)
        .bind("heartbeatThreadPoolNums", &C::heartbeatThreadPoolNums)
        .bind("flushConsumerOffsetInterval", &C::flushConsumerOffsetInterval)
        .bind("flushConsumerOffsetHistoryInterval", &C::flushConsumerOffsetHistoryInterval)
        .bind("rejectTransactionMessage", &C::rejectTransactionMessage)
        .bind("fetchNamesrvAddrByAddressServer", &C::fetchNamesrvAddrByAddressServer)
        .bind("sendThreadPoolQueueCapacity", &C::sendThreadPoolQueueCapacity)
        .bind("pullThreadPoolQueueCapacity", &C::pullThreadPoolQueueCapacity)
        .bind("startAcceptSendRequestTimeStamp", &C::startAcceptSendRequestTimeStamp)
        .bind("longPollingEnable", &C::longPollingEnable)
        .bind("shortPollingTimeMills", &C::shortPollingTimeMills)
        .bind("notifyConsumerIdsChangedEnable", &C::notifyConsumerIdsChangedEnable)
        .bind("highSpeedMode", &C::highSpeedMode)
        .bind("commercialEnable", &C::commercialEnable)
        .bind("transferMsgByHeap", &C::transferMsgByHeap)
        .bind("maxDelayTime", &C::maxDelayTime)
        .bind("slaveReadEnable", &C::slaveReadEnable)
        .bind("disableConsumeIfConsumerReadSlowly", &C::disableConsumeIfConsumerReadSlowly)
        .bind("consumerFallbehindThreshold", &C::consumerFallbehindThreshold)
        .bind("brokerFastFailureEnable", &C::brokerFastFailureEnable)
        .bind("waitTimeMillsInSendQueue", &C::waitTimeMillsInSendQueue)
        .bind("waitTimeMillsInPullQueue", &C::waitTimeMillsInPullQueue)
        .bind("waitTimeMillsInHeartbeatQueue", &C::waitTimeMillsInHeartbeatQueue)
        .bind("waitTimeMillsInTransactionQueue", &C::waitTimeMillsInTransactionQueue)
        .bind("enablePropertyFilter", &C::enablePropertyFilter)
        .bind("enableCalcFilterBitMap", &C::enableCalcFilterBitMap)
        .bind("expectConsumerNumUseFilter", &C::expectConsumerNumUseFilter)
        .bind("maxErrorRateOfBloomFilter", &C::maxErrorRateOfBloomFilter)
        .bind("filterDataCleanTimeSpan", &C::filterDataCleanTimeSpan)
        .bind("filterSupportRetry", &C::filterSupportRetry)
        .bind("enableDetailStat", &C::enableDetailStat)
        .bind("autoDeleteUnusedStats", &C::autoDeleteUnusedStats)
        .bind("compressedRegister", &C::compressedRegister)
        .bind("forceRegister", &C::forceRegister)
        .bind("registerNameServerPeriod", &C::registerNameServerPeriod)
        .bind("registerBrokerTimeoutMills", &C::registerBrokerTimeoutMills)
        .bind("transactionTimeOut", &C::transactionTimeOut)
        .bind("transactionCheckMax", &C::transactionCheckMax)
        .bind("transactionCheckInterval", &C::transactionCheckInterval)
        .bind("aclEnable", &C::aclEnable)
        .bind("storeReplyMessageEnable", &C::storeReplyMessageEnable)
        .bind("listenPort", &C::listenPort)
        .bind("serverWorkerThreads", &C::serverWorkerThreads)
        .bind("serverSelectorThreads", &C::serverSelectorThreads)
        .bind("serverChannelMaxIdleTimeSeconds", &C::serverChannelMaxIdleTimeSeconds)
        .bind("listenAddress", &C::listenAddress)
        .bind("vipChannelEnable", &C::vipChannelEnable);
    return x;
  }();
  return b;
}

namespace {

// Java 4.9.8's defaults of the configuration keys this broker does not use (see javaOnly).
// Those Java derives from the processor count are computed the same way.
Properties javaOnlyDefaults() {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus < 1) cpus = 1;
  const std::string sendThreads = std::to_string(std::min<long>(cpus, 4));
  Properties p;
  static const std::pair<const char*, const char*> fixed[] = {
      // BrokerConfig
      {"channelNotActiveInterval", "60000"},
      {"clientManagerThreadPoolQueueCapacity", "1000000"},
      {"commercialBaseCount", "1"},
      {"commercialBigCount", "1"},
      {"commercialTimerCount", "1"},
      {"commercialTransCount", "1"},
      {"configBlackList", "configBlackList;brokerConfigPath"},
      {"consumerManagerThreadPoolQueueCapacity", "1000000"},
      {"enableLmq", "false"},
      {"enableMultiDispatch", "false"},
      {"enableScheduleAsyncDeliver", "false"},
      {"enableScheduleMessageStats", "true"},
      {"endTransactionPoolQueueCapacity", "100000"},
      {"filterServerNums", "0"},
      {"heartbeatThreadPoolQueueCapacity", "50000"},
      {"isolateLogEnable", "false"},
      {"putThreadPoolQueueCapacity", "10000"},
      {"queryThreadPoolQueueCapacity", "20000"},
      {"replyThreadPoolQueueCapacity", "10000"},
      {"scheduleAsyncDeliverMaxPendingLimit", "2000"},
      {"scheduleAsyncDeliverMaxResendNum2Blocked", "3"},
      // NettyServerConfig
      {"serverAsyncSemaphoreValue", "64"},
      {"serverCallbackExecutorThreads", "0"},
      {"serverOnewaySemaphoreValue", "256"},
      {"serverPooledByteBufAllocatorEnable", "true"},
      {"serverSocketBacklog", "1024"},
      {"serverSocketRcvBufSize", "0"},
      {"serverSocketSndBufSize", "0"},
      {"useEpollNativeSelector", "false"},
      {"writeBufferHighWaterMark", "0"},
      {"writeBufferLowWaterMark", "0"},
      // NettyClientConfig
      {"clientAsyncSemaphoreValue", "65535"},
      {"clientChannelMaxIdleTimeSeconds", "120"},
      {"clientCloseSocketIfTimeout", "true"},
      {"clientOnewaySemaphoreValue", "65535"},
      {"clientPooledByteBufAllocatorEnable", "false"},
      {"clientSocketRcvBufSize", "0"},
      {"clientSocketSndBufSize", "0"},
      {"clientWorkerThreads", "4"},
      {"connectTimeoutMillis", "3000"},
      {"isEnableBatchPush", "false"},
      {"useTLS", "false"},
      // MessageStoreConfig
      {"bitMapLengthConsumeQueueExt", "112"},
      {"commitCommitLogLeastPages", "4"},
      {"commitCommitLogThoroughInterval", "200"},
      {"commitIntervalCommitLog", "200"},
      {"debugLockEnable", "false"},
      {"diskFallRecorded", "true"},
      {"enableDLegerCommitLog", "false"},
      {"fastFailIfNoBufferInStorePool", "false"},
      {"flushLeastPagesWhenWarmMapedFile", "4096"},
      {"haHousekeepingInterval", "20000"},
      {"haSendHeartbeatInterval", "5000"},
      {"haSlaveFallbehindMax", "268435456"},
      {"haTransferBatchSize", "32768"},
      {"mappedFileSizeConsumeQueueExt", "50331648"},
      {"maxLmqConsumeQueueNum", "20000"},
      {"putMsgIndexHightWater", "600000"},
      {"slaveTimeout", "3000"},
      {"transientStorePoolEnable", "false"},
      {"transientStorePoolSize", "5"},
      {"useReentrantLockWhenPutMessage", "true"},
  };
  for (const auto& [k, v] : fixed) p.set(k, v);
  p.set("clientCallbackExecutorThreads", std::to_string(cpus));
  p.set("putMessageFutureThreadPoolNums", sendThreads);
  p.set("processReplyMessageThreadPoolNums", std::to_string(16 + 2 * cpus));
  // max(8 + 2 * cpus, sendMessageThreadPoolNums * 4)
  p.set("endTransactionThreadPoolNums",
        std::to_string(std::max<long>(8 + 2 * cpus, std::min<long>(cpus, 4) * 4)));
  return p;
}

}  // namespace

BrokerConfiguration BrokerConfiguration::defaults() {
  BrokerConfiguration c;
  c.broker = BrokerConfig::defaults();
  c.store = store::MessageStoreConfig::defaults();
  c.javaOnly = javaOnlyDefaults();
  return c;
}

Status BrokerConfiguration::apply(const Properties& props) {
  std::vector<std::string> notBroker;
  Status s = BrokerConfig::binder().apply(broker, props, &notBroker);
  if (!s.ok()) return s;
  Properties rest;
  for (const auto& k : notBroker) rest.set(k, *props.get(k));
  std::vector<std::string> unknownKeys;
  s = store::MessageStoreConfig::binder().apply(store, rest, &unknownKeys);
  if (!s.ok()) return s;
  for (const auto& k : unknownKeys) {
    (javaOnly.contains(k) ? javaOnly : unknown).set(k, *props.get(k));
  }
  return Status::Ok();
}

Properties BrokerConfiguration::toProperties() const {
  Properties all = unknown;
  for (const auto& [k, v] : javaOnly.entries()) all.set(k, v);
  store::MessageStoreConfig::binder().write(store, all);
  BrokerConfig::binder().write(broker, all);
  // Java 4.9.8 writes neither the names used up to 4.5.1 (still read) nor a null
  // haMasterAddress (a Properties holds no nulls).
  Properties p;
  for (const auto& [k, v] : all.entries()) {
    if (k == "mapedFileSizeCommitLog" || k == "mapedFileSizeConsumeQueue") continue;
    if (k == "haMasterAddress" && v.empty()) continue;
    p.set(k, v);
  }
  return p;
}

}  // namespace rmq::broker
