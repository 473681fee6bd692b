// An in-process broker on a free loopback port with a fresh store, for broker tests.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "broker/broker_controller.h"
#include "remoting/remoting_client.h"
#include "remoting/request_code.h"

namespace rmq::broker::testing {

class BrokerFixture {
 public:
  explicit BrokerFixture(const std::function<void(BrokerConfiguration&)>& tweak = {}) {
    char tmpl[] = "/tmp/brokerfixXXXXXX";
    dir_ = mkdtemp(tmpl);
    BrokerConfiguration conf = BrokerConfiguration::defaults();
    conf.broker.brokerName = "broker-test";
    conf.broker.brokerClusterName = "TestCluster";
    conf.broker.brokerIP1 = "127.0.0.1";
    conf.broker.listenAddress = "127.0.0.1";
    conf.broker.listenPort = 0;
    conf.broker.namesrvAddr = "";
    conf.store.storePathRootDir = dir_ + "/store";
    conf.store.storePathCommitLog = dir_ + "/store/commitlog";
    conf.store.mappedFileSizeCommitLog = 4 * 1024 * 1024;
    conf.store.mappedFileSizeConsumeQueue = 6000;
    conf.store.maxHashSlotNum = 1000;
    conf.store.maxIndexNum = 4000;
    if (tweak) tweak(conf);
    controller_ = std::make_unique<BrokerController>(conf);
    status_ = controller_->initialize();
    if (status_.ok()) status_ = controller_->start();
    if (status_.ok()) addr_ = "127.0.0.1:" + std::to_string(controller_->port());
  }
  ~BrokerFixture() {
    controller_->shutdown();
    std::filesystem::remove_all(dir_);
  }
  const Status& status() const { return status_; }
  const std::string& addr() const { return addr_; }
  BrokerController& controller() { return *controller_; }

  static remoting::RemotingCommand createTopicRequest(const std::string& topic, int queues) {
    auto r =
        remoting::RemotingCommand::createRequest(remoting::request_code::UPDATE_AND_CREATE_TOPIC);
    r.addExt("topic", topic).addExt("defaultTopic", "TBW102");
    r.addExtInt("readQueueNums", queues).addExtInt("writeQueueNums", queues);
    r.addExt("perm", "6").addExt("topicFilterType", "SINGLE_TAG").addExt("topicSysFlag", "0");
    r.addExt("order", "false");
    return r;
  }

 private:
  std::string dir_;
  std::unique_ptr<BrokerController> controller_;
  Status status_;
  std::string addr_;
};

}  // namespace rmq::broker::testing
