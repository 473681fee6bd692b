#include "broker/broker_config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <unistd.h>

#include <cstdlib>

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

BrokerConfiguration BrokerConfiguration::defaults() {
  BrokerConfiguration c;
  c.broker = BrokerConfig::defaults();
  c.store = store::MessageStoreConfig::defaults();
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
  for (const auto& k : unknownKeys) unknown.set(k, *props.get(k));
  return Status::Ok();
}

Properties BrokerConfiguration::toProperties() const {
  Properties p = unknown;
  store::MessageStoreConfig::binder().write(store, p);
  BrokerConfig::binder().write(broker, p);
  return p;
}

}  // namespace rmq::broker
