#include "broker/broker_controller.h"

#include <pthread.h>

#include "broker/handlers/handlers.h"
#include "broker/topic/topic_validator.h"
#include "common/logging.h"
#include "common/properties.h"
#include "common/protocol/perm_name.h"
#include "common/time_util.h"
#include "remoting/request_code.h"

namespace rmq::broker {

BrokerController::BrokerController(BrokerConfiguration conf) : conf_(std::move(conf)) {}

BrokerController::~BrokerController() {
  shutdown();
}

Status BrokerController::initialize() {
  BrokerConfig& bc = conf_.broker;
  if (bc.brokerIP1.empty()) bc.brokerIP1 = detectLocalIp();
  // Java detects both independently: setting only brokerIP1 leaves brokerIP2 (the HA address the
  // slaves are told) at the machine's own address.
  if (bc.brokerIP2.empty()) bc.brokerIP2 = detectLocalIp();
  // As the Java launcher does: the HA port follows the remoting port; a slave's id is not 0.
  conf_.store.haListenPort = bc.listenPort + 1;
  if (conf_.store.brokerRole == store::BrokerRole::SLAVE) {
    if (bc.brokerId <= 0) {
      return Status::Error("Slave's brokerId must be > 0");
    }
  } else {
    bc.brokerId = 0;
  }
  const std::string configDir = conf_.store.configDir();
  topics_ = std::make_unique<TopicConfigManager>(bc, configDir + "/topics.json");
  groups_ = std::make_unique<SubscriptionGroupManager>(bc, configDir + "/subscriptionGroup.json");
  offsets_ = std::make_unique<ConsumerOffsetManager>(configDir + "/consumerOffset.json");
  Status s = topics_->load();
  if (s.ok()) s = offsets_->load();
  if (s.ok()) s = groups_->load();
  if (!s.ok()) return s;

  store_ = std::make_unique<store::MessageStore>(conf_.store);
  s = store_->load();
  if (!s.ok()) return s;
  schedule_ = std::make_unique<ScheduleMessageService>(*store_, configDir + "/delayOffset.json");
  // Java counts a delivery as a get of SCHEDULE_CONSUMER and a put to the real topic
  // (enableScheduleMessageStats, true by default).
  if (parseJavaBoolean(conf_.javaOnly.get("enableScheduleMessageStats").value_or("true"))) {
    schedule_->setDeliveryListener(
        [this](int32_t, std::string_view topic, const store::PutMessageResult& r) {
          auto& stats = ctx_->brokerStatsManager;  // deliveries start after ctx_ exists
          stats.incGroupGet("SCHEDULE_CONSUMER", topics::kScheduleTopic, r.msgNum, r.wroteBytes);
          stats.onPut(stats.resolveTopicPut(topic), r.msgNum, r.wroteBytes);
        });
  }
  s = schedule_->load();
  if (!s.ok()) return s;

  pullExecutor_ = std::make_unique<ThreadPool>("PullMessage", 2);
  adminExecutor_ = std::make_unique<ThreadPool>("AdminBroker", 2);
  auto hostText = bc.brokerIP1 + ":" + std::to_string(bc.listenPort);
  auto storeHost = store::parseHostAddress(hostText);
  if (!storeHost) return Status::Error("brokerIP1 is not an IP address: " + bc.brokerIP1);
  holds_ = std::make_unique<PullRequestHoldService>(
      *store_, [this](HeldPullRequest&& h) { reexecuteHeldPull(*ctx_, std::move(h)); },
      bc.longPollingEnable ? 1000 : bc.shortPollingTimeMills);
  // C++20 parenthesized aggregate initialization: the members not named here keep their
  // default member initializers (set below).
  ctx_ = std::make_unique<BrokerContext>(conf_, conf_.broker, *store_, *topics_, *groups_,
                                         *offsets_, consumers_, producers_, locks_, *holds_,
                                         *pullExecutor_, *adminExecutor_, *storeHost,
                                         [this](bool oneway) { registerBrokerAll(oneway); });

  ctx_->delayOffsetsJson = [this] { return schedule_->encodeOffsets(); };
  ctx_->delayOffsets = [this] { return schedule_->offsets(); };
  ctx_->configFilePath = conf_.configFilePath;
  ctx_->bootTimestamp = nowMillis();
  ctx_->configVersion.timestamp = nowMillis();
  topics_->setOnTopicCreated([this] { registerBrokerAll(true); });
  consumers_.setOnIdsChanged([this](const std::string& g, const std::vector<ClientChannelInfo>& c) {
    notifyConsumerIdsChanged(g, c);
  });
  store_->setArrivalListener([this](const store::DispatchRequest& d) {
    if (conf_.broker.longPollingEnable) {
      holds_->notifyMessageArriving(d.topic, d.queueId, d.consumeQueueOffset + 1, d.tagsCode,
                                    d.properties);
    }
  });

  registerSendHandlers(dispatcher_, *ctx_);
  registerPullHandler(dispatcher_, *ctx_);
  registerOffsetHandlers(dispatcher_, *ctx_);
  registerClientHandlers(dispatcher_, *ctx_);
  registerQueueLockHandlers(dispatcher_, *ctx_);
  registerQueryHandlers(dispatcher_, *ctx_);
  registerTopicAdminHandlers(dispatcher_, *ctx_);
  registerBrokerAdminHandlers(dispatcher_, *ctx_);
  registerGroupAdminHandlers(dispatcher_, *ctx_);
  registerStatsHandlers(dispatcher_, *ctx_);
  registerConsumeProgressHandlers(dispatcher_, *ctx_);
  registerConsumerControlHandlers(dispatcher_, *ctx_);
  registerReplyHandlers(dispatcher_, *ctx_);
  registerMaintenanceHandlers(dispatcher_, *ctx_);
  transactions_ = std::make_unique<TransactionalMessageService>(*ctx_);
  registerEndTransactionHandler(dispatcher_, *ctx_, *transactions_);
  dispatcher_.addCloseListener([this](const remoting::ConnectionPtr& conn) {
    producers_.connectionClosed(conn->id());
    consumers_.connectionClosed(conn->id(), conf_.broker.notifyConsumerIdsChangedEnable);
  });
  outer_.setNamesrvAddrs(bc.namesrvList());
  return Status::Ok();
}

Status BrokerController::start() {
  Status s = store_->start();
  if (!s.ok()) return s;
  remoting::ServerOptions opts;
  opts.name = "BrokerIO";
  opts.bindAddress = conf_.broker.listenAddress;
  opts.port = static_cast<uint16_t>(conf_.broker.listenPort);
  opts.ioThreads = 2;
  opts.connection.idleTimeoutSeconds = conf_.broker.serverChannelMaxIdleTimeSeconds;
  opts.connection.tlsMode = remoting::TlsMode::DISABLED;
  remoting::TlsConfig tls = remoting::TlsConfig::fromProperties(conf_.unknown);
  if (tls.mode != remoting::TlsMode::DISABLED) {
    Status ts;
    opts.connection.tlsContext = remoting::makeServerTlsContext(tls, ts);
    if (!ts.ok()) return ts;
    opts.connection.tlsMode = tls.mode;
  }
  server_ = std::make_unique<remoting::RemotingServer>(opts, &dispatcher_);
  s = server_->start();
  if (!s.ok()) return s;
  if (conf_.broker.vipChannelEnable && conf_.broker.listenPort > 2) {
    remoting::ServerOptions vip = opts;
    vip.name = "BrokerVIP";
    vip.port = static_cast<uint16_t>(conf_.broker.listenPort - 2);
    vip.ioThreads = 1;
    vipServer_ = std::make_unique<remoting::RemotingServer>(vip, &dispatcher_);
    Status vs = vipServer_->start();
    if (!vs.ok()) {
      RMQ_LOG(WARN) << "VIP channel not opened: " << vs.message();
      vipServer_.reset();
    }
  }
  holds_->start();
  ctx_->brokerStatsManager.start();
  if (conf_.store.brokerRole != store::BrokerRole::SLAVE) {
    schedule_->start();
    transactions_->start();
  }
  outer_.start();
  registerBrokerAll(false);
  periodic_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "BrokerPeriodic");
    periodicLoop();
  });
  started_ = true;
  return Status::Ok();
}

void BrokerController::registerBrokerAll(bool oneway) {
  const BrokerConfig& bc = conf_.broker;
  RegisterBrokerRequest req;
  req.clusterName = bc.brokerClusterName;
  req.brokerAddr = bc.brokerAddr();
  req.brokerName = bc.brokerName;
  req.brokerId = bc.brokerId;
  req.haServerAddr = bc.brokerIP2 + ":" + std::to_string(conf_.store.haListenPort);
  req.topics = topics_->buildSerializeWrapper();
  // A broker without read or write permission registers every topic with its own permission.
  if (!perm::isWriteable(bc.brokerPermission) || !perm::isReadable(bc.brokerPermission)) {
    for (auto& [name, tc] : req.topics.topicConfigTable) tc.perm = bc.brokerPermission;
  }
  req.compressed = bc.compressedRegister;
  req.oneway = oneway;
  req.timeoutMillis = bc.registerBrokerTimeoutMills;
  if (oneway) {
    // Sent from request handlers: never block them on the name servers.
    adminExecutor_->submit([this, req] { outer_.registerBrokerAll(req); });
    return;
  }
  RegisterBrokerResult r = outer_.registerBrokerAll(req);
  if (r.any) topics_->updateOrderTopicConfig(r.orderTopics);
}

void BrokerController::notifyConsumerIdsChanged(const std::string& group,
                                                const std::vector<ClientChannelInfo>& channels) {
  if (!conf_.broker.notifyConsumerIdsChangedEnable) return;
  for (const auto& c : channels) {
    auto conn = c.connection.lock();
    if (!conn || !conn->isOpen()) continue;
    remoting::RemotingCommand n = remoting::RemotingCommand::createRequest(
        remoting::request_code::NOTIFY_CONSUMER_IDS_CHANGED);
    n.addExt("consumerGroup", group);
    conn->invokeOneway(std::move(n));
  }
}

void BrokerController::persistAll() {
  Status s = offsets_->persist();
  if (!s.ok()) RMQ_LOG(WARN) << "persist consumer offsets failed: " << s.message();
}

void BrokerController::periodicLoop() {
  const int64_t registerPeriod =
      std::max<int64_t>(10000, std::min<int64_t>(conf_.broker.registerNameServerPeriod, 60000));
  int64_t nextRegister = monotonicMillis() + 10000;
  int64_t nextOffsets = monotonicMillis() + 10000;
  int64_t nextScan = monotonicMillis() + 10000;
  int64_t nextSample = monotonicMillis();
  int64_t nextMorning = BrokerStats::nextMorningMillis(nowMillis());  // wall clock: local midnight
  std::unique_lock<std::mutex> lock(periodicMutex_);
  while (!stopping_) {
    periodicCv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    const int64_t now = monotonicMillis();
    if (now >= nextSample) {
      nextSample = now + 1000;
      ctx_->putTps.sample(now, ctx_->msgPutTotal.load(std::memory_order_relaxed));
      ctx_->getTps.sample(now, ctx_->msgGetTotal.load(std::memory_order_relaxed));
      ctx_->getFoundTps.sample(now, ctx_->getFoundTimes.load(std::memory_order_relaxed));
      ctx_->getMissTps.sample(now, ctx_->getMissTimes.load(std::memory_order_relaxed));
    }
    if (nowMillis() >= nextMorning) {
      nextMorning = BrokerStats::nextMorningMillis(nowMillis());
      ctx_->brokerStats.record(ctx_->msgPutTotal.load(std::memory_order_relaxed),
                               ctx_->msgGetTotal.load(std::memory_order_relaxed));
    }
    if (now >= nextOffsets) {
      nextOffsets = now + conf_.broker.flushConsumerOffsetInterval;
      persistAll();
    }
    if (now >= nextScan) {
      nextScan = now + 10000;
      for (auto& weak : consumers_.scanNotActive(nowMillis(), 120000)) {
        if (auto c = weak.lock()) c->close("consumer heartbeat expired");
      }
      for (auto& weak : producers_.scanNotActive(nowMillis(), 120000)) {
        if (auto c = weak.lock()) c->close("producer heartbeat expired");
      }
    }
    if (now >= nextRegister) {
      nextRegister = now + registerPeriod;
      registerBrokerAll(false);
    }
    lock.lock();
  }
}

void BrokerController::shutdown() {
  if (!started_) {
    if (store_ && !store_->lastExitOK()) {
      // Nothing started: leave the store as found.
    }
    return;
  }
  started_ = false;
  {
    std::lock_guard<std::mutex> lock(periodicMutex_);
    stopping_ = true;
  }
  periodicCv_.notify_all();
  if (periodic_.joinable()) periodic_.join();
  ctx_->brokerStatsManager.shutdown();
  holds_->shutdown();
  if (server_) server_->stop();
  if (vipServer_) vipServer_->stop();
  schedule_->shutdown();
  transactions_->shutdown();
  pullExecutor_->shutdown();
  adminExecutor_->shutdown();
  outer_.unregisterBrokerAll(conf_.broker.brokerClusterName, conf_.broker.brokerAddr(),
                             conf_.broker.brokerName, conf_.broker.brokerId);
  outer_.shutdown();
  persistAll();
  (void)topics_->persist();
  (void)groups_->persist();
  store_->shutdown();
  RMQ_LOG(INFO) << "broker shut down";
}

}  // namespace rmq::broker
