// The broker's calls to the name servers (Java BrokerOuterAPI): REGISTER_BROKER to every name
// server in parallel (plain or compressed body), UNREGISTER_BROKER at shutdown.
//
// Threading: registerBrokerAll may be called from any thread except the client's I/O thread;
// concurrent registrations are serialized.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/protocol/topic_config.h"
#include "remoting/remoting_client.h"

namespace rmq::broker {

struct RegisterBrokerRequest {
  std::string clusterName;
  std::string brokerAddr;
  std::string brokerName;
  int64_t brokerId = 0;
  std::string haServerAddr;
  protocol::TopicConfigSerializeWrapper topics;
  bool compressed = false;
  bool oneway = false;
  int64_t timeoutMillis = 6000;
};

struct RegisterBrokerResult {
  std::string masterAddr;
  std::string haServerAddr;
  std::map<std::string, std::string> orderTopics;  // ORDER_TOPIC_CONFIG table
  bool any = false;                                // at least one name server answered
};

class BrokerOuterAPI {
 public:
  BrokerOuterAPI();
  ~BrokerOuterAPI();
  void start() { client_.start(); }
  void shutdown() { client_.shutdown(); }

  void setNamesrvAddrs(std::vector<std::string> addrs);
  std::vector<std::string> namesrvAddrs() const;

  RegisterBrokerResult registerBrokerAll(const RegisterBrokerRequest& req);
  void unregisterBrokerAll(const std::string& clusterName, const std::string& brokerAddr,
                           const std::string& brokerName, int64_t brokerId);

 private:
  remoting::RemotingClient client_;
  mutable std::mutex mutex_;
  std::vector<std::string> addrs_;
  std::mutex registerMutex_;
};

}  // namespace rmq::broker
