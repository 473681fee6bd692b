#include "broker/out/broker_outer_api.h"

#include <zlib.h>

#include <future>

#include "common/logging.h"
#include "common/protocol/register_broker_body.h"
#include "common/protocol/route_data.h"
#include "remoting/request_code.h"

namespace rmq::broker {

using remoting::RemotingCommand;

namespace {
remoting::ClientOptions clientOptions() {
  remoting::ClientOptions o;
  o.name = "BrokerOuter";
  o.ioThreads = 1;
  return o;
}
}  // namespace

BrokerOuterAPI::BrokerOuterAPI() : client_(clientOptions()) {}
BrokerOuterAPI::~BrokerOuterAPI() {
  client_.shutdown();
}

void BrokerOuterAPI::setNamesrvAddrs(std::vector<std::string> addrs) {
  std::lock_guard<std::mutex> lock(mutex_);
  addrs_ = std::move(addrs);
}

std::vector<std::string> BrokerOuterAPI::namesrvAddrs() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return addrs_;
}

RegisterBrokerResult BrokerOuterAPI::registerBrokerAll(const RegisterBrokerRequest& req) {
  std::lock_guard<std::mutex> serial(registerMutex_);
  RegisterBrokerResult result;
  protocol::RegisterBrokerBody body;
  body.topicConfigSerializeWrapper = req.topics;
  const std::string bytes = req.compressed ? body.encodeCompressed() : body.encode();
  const uint32_t crc = static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));

  auto build = [&] {
    RemotingCommand r = RemotingCommand::createRequest(remoting::request_code::REGISTER_BROKER);
    r.addExt("brokerAddr", req.brokerAddr);
    r.addExtInt("brokerId", req.brokerId);
    r.addExt("brokerName", req.brokerName);
    r.addExt("clusterName", req.clusterName);
    r.addExt("haServerAddr", req.haServerAddr);
    r.addExt("compressed", req.compressed ? "true" : "false");
    r.addExtInt("bodyCrc32", static_cast<int64_t>(crc & 0x7FFFFFFF));
    r.setBody(bytes);
    return r;
  };

  std::vector<std::future<void>> pending;
  std::mutex resultMutex;
  for (const auto& addr : namesrvAddrs()) {
    if (req.oneway) {
      Status s = client_.invokeOneway(addr, build());
      if (!s.ok()) RMQ_LOG(WARN) << "registerBroker to " << addr << " failed: " << s.message();
      continue;
    }
    auto promise = std::make_shared<std::promise<void>>();
    pending.push_back(promise->get_future());
    client_.invokeAsync(
        addr, build(), req.timeoutMillis,
        [&, addr, promise](const Status& s, RemotingCommand* resp) {
          if (!s.ok() || !resp || resp->code != 0) {
            RMQ_LOG(WARN) << "registerBroker to name server " << addr << " failed: "
                          << (s.ok() ? resp->remark.value_or("code " + std::to_string(resp->code))
                                     : s.message());
          } else {
            std::lock_guard<std::mutex> lock(resultMutex);
            result.any = true;
            if (auto m = resp->ext.get("masterAddr")) result.masterAddr = std::string(*m);
            if (auto h = resp->ext.get("haServerAddr")) result.haServerAddr = std::string(*h);
            if (!resp->body().empty()) {
              std::map<std::string, std::string> table;
              if (protocol::decodeKVTable(resp->body(), table).ok()) result.orderTopics = table;
            }
            RMQ_LOG(INFO) << "register broker[" << req.brokerId << "]to name server " << addr
                          << " OK";
          }
          promise->set_value();
        });
  }
  for (auto& f : pending) f.wait();
  return result;
}

void BrokerOuterAPI::unregisterBrokerAll(const std::string& clusterName,
                                         const std::string& brokerAddr,
                                         const std::string& brokerName, int64_t brokerId) {
  for (const auto& addr : namesrvAddrs()) {
    RemotingCommand r = RemotingCommand::createRequest(remoting::request_code::UNREGISTER_BROKER);
    r.addExt("brokerAddr", brokerAddr);
    r.addExtInt("brokerId", brokerId);
    r.addExt("brokerName", brokerName);
    r.addExt("clusterName", clusterName);
    RemotingCommand resp;
    Status s = client_.invokeSync(addr, std::move(r), 3000, resp);
    if (s.ok() && resp.code == 0) {
      RMQ_LOG(INFO) << "unregisterBroker OK, NamesrvAddr: " << addr;
    } else {
      RMQ_LOG(WARN) << "unregisterBroker from " << addr
                    << " failed: " << (s.ok() ? std::to_string(resp.code) : s.message());
    }
  }
}

}  // namespace rmq::broker
