// Owns the broker's parts and their lifecycle (Java BrokerController): configuration, store,
// topic / group / offset managers, client registries, long-poll holds, delayed delivery, the
// remoting servers (listenPort and the VIP port listenPort-2), name-server registration and the
// periodic jobs.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "broker/broker_config.h"
#include "broker/broker_context.h"
#include "broker/out/broker_outer_api.h"
#include "broker/schedule/schedule_message_service.h"
#include "broker/transaction/transactional_message_service.h"
#include "remoting/remoting_server.h"
#include "remoting/request_dispatcher.h"

namespace rmq::broker {

class BrokerController {
 public:
  explicit BrokerController(BrokerConfiguration conf);
  ~BrokerController();

  Status initialize();  // loads config files and the store (recovery)
  Status start();       // serves, registers, starts the periodic jobs
  void shutdown();      // unregisters, persists, shuts the store down cleanly

  uint16_t port() const { return server_ ? server_->port() : 0; }
  BrokerConfiguration& configuration() { return conf_; }
  store::MessageStore& messageStore() { return *store_; }
  TransactionalMessageService& transactions() { return *transactions_; }
  BrokerContext& context() { return *ctx_; }  // after initialize()
  void registerBrokerAll(bool oneway);

 private:
  void periodicLoop();
  void notifyConsumerIdsChanged(const std::string& group,
                                const std::vector<ClientChannelInfo>& channels);
  void persistAll();

  BrokerConfiguration conf_;
  std::unique_ptr<store::MessageStore> store_;
  std::unique_ptr<TopicConfigManager> topics_;
  std::unique_ptr<SubscriptionGroupManager> groups_;
  std::unique_ptr<ConsumerOffsetManager> offsets_;
  ConsumerManager consumers_;
  ProducerManager producers_;
  QueueLockManager locks_;
  std::unique_ptr<PullRequestHoldService> holds_;
  std::unique_ptr<ScheduleMessageService> schedule_;
  std::unique_ptr<TransactionalMessageService> transactions_;
  std::unique_ptr<ThreadPool> pullExecutor_;
  std::unique_ptr<ThreadPool> adminExecutor_;
  std::unique_ptr<BrokerContext> ctx_;
  BrokerOuterAPI outer_;
  remoting::RequestDispatcher dispatcher_;
  std::unique_ptr<remoting::RemotingServer> server_;
  std::unique_ptr<remoting::RemotingServer> vipServer_;

  std::thread periodic_;
  std::mutex periodicMutex_;
  std::condition_variable periodicCv_;
  bool stopping_ = false;
  bool started_ = false;
};

}  // namespace rmq::broker
