// Route-query load against a name server: N connections, each with one GET_ROUTEINFO_BY_TOPIC
// in flight at a time (closed loop, like clients polling routes). Prints QPS and latency
// percentiles, and the server's memory and CPU when given its pid.
//
//   namesrv_route_bench -n 127.0.0.1:9876 -c 16 -d 10 [-t threads] [--pid N] [--register]
//                       [--serialize JSON|ROCKETMQ] [--version 409] [--topic T]
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench/latency_histogram.h"
#include "bench/proc_stats.h"
#include "common/protocol/register_broker_body.h"
#include "remoting/connection.h"
#include "remoting/io_context_pool.h"
#include "remoting/remoting_client.h"
#include "remoting/request_code.h"

using namespace rmq;
using namespace rmq::remoting;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string addr = "127.0.0.1:9876";
  int connections = 16;
  int seconds = 10;
  int threads = 1;
  int pid = 0;
  bool registerBroker = false;
  SerializeType serialize = SerializeType::JSON;
  int32_t version = 409;
  std::string topic = "BenchRouteTopic";
};

class Listener : public ConnectionListener {
 public:
  void onRequest(const ConnectionPtr&, RemotingCommand&) override {}
};

struct Worker {
  ConnectionPtr conn;
  bench::LatencyHistogram histogram;
  uint64_t failures = 0;
};

std::atomic<bool> g_measuring{false};
std::atomic<bool> g_stop{false};

void issue(const Options& o, Worker* w) {
  if (g_stop.load(std::memory_order_relaxed)) return;
  RemotingCommand req = RemotingCommand::createRequest(request_code::GET_ROUTEINFO_BY_TOPIC);
  req.version = o.version;
  req.serializeType = o.serialize;
  req.addExt("topic", o.topic);
  auto start = Clock::now();
  w->conn->invoke(std::move(req), 3000, [&o, w, start](const Status& s, RemotingCommand* resp) {
    if (g_measuring.load(std::memory_order_relaxed)) {
      if (!s.ok() || resp->code != 0) {
        ++w->failures;
      } else {
        w->histogram.record(static_cast<uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count()));
      }
    }
    if (s.ok()) issue(o, w);
  });
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "-n")
      o.addr = next();
    else if (a == "-c")
      o.connections = std::atoi(next().c_str());
    else if (a == "-d")
      o.seconds = std::atoi(next().c_str());
    else if (a == "-t")
      o.threads = std::atoi(next().c_str());
    else if (a == "--pid")
      o.pid = std::atoi(next().c_str());
    else if (a == "--register")
      o.registerBroker = true;
    else if (a == "--serialize")
      o.serialize = next() == "ROCKETMQ" ? SerializeType::ROCKETMQ : SerializeType::JSON;
    else if (a == "--version")
      o.version = std::atoi(next().c_str());
    else if (a == "--topic")
      o.topic = next();
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return false;
    }
  }
  return o.connections > 0 && o.seconds > 0 && o.threads > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) return 2;

  RemotingClient registrar;
  registrar.start();
  if (o.registerBroker) {
    protocol::RegisterBrokerBody body;
    body.topicConfigSerializeWrapper.dataVersion = protocol::DataVersion{1, 1};
    protocol::TopicConfig tc;
    tc.topicName = o.topic;
    tc.readQueueNums = tc.writeQueueNums = 8;
    body.topicConfigSerializeWrapper.topicConfigTable[o.topic] = tc;
    RemotingCommand r = RemotingCommand::createRequest(request_code::REGISTER_BROKER);
    r.addExt("brokerName", "bench-broker").addExt("brokerAddr", "127.0.0.1:10911");
    r.addExt("clusterName", "BenchCluster").addExt("haServerAddr", "127.0.0.1:10912");
    r.addExt("brokerId", "0");
    r.setBody(body.encode());
    RemotingCommand resp;
    Status s = registrar.invokeSync(o.addr, std::move(r), 3000, resp);
    if (!s.ok() || resp.code != 0) {
      std::fprintf(stderr, "registration failed: %s\n",
                   s.ok() ? "non-zero code" : s.message().c_str());
      return 1;
    }
  }

  IoContextPool pool("bench", static_cast<size_t>(o.threads));
  Listener listener;
  std::vector<std::unique_ptr<Worker>> workers;
  auto colon = o.addr.rfind(':');
  asio::ip::tcp::endpoint ep(asio::ip::make_address(o.addr.substr(0, colon)),
                             static_cast<uint16_t>(std::atoi(o.addr.c_str() + colon + 1)));
  for (int i = 0; i < o.connections; ++i) {
    auto& io = pool.at(static_cast<size_t>(i) % pool.size());
    asio::ip::tcp::socket socket(io);
    boost::system::error_code ec;
    socket.connect(ep, ec);
    if (ec) {
      std::fprintf(stderr, "connect failed: %s\n", ec.message().c_str());
      return 1;
    }
    auto w = std::make_unique<Worker>();
    ConnectionOptions copts;
    copts.idleTimeoutSeconds = 0;
    w->conn = std::make_shared<Connection>(io, std::move(socket), &listener, copts);
    w->conn->startClient([](const Status&) {});
    workers.push_back(std::move(w));
  }
  pool.start();
  bench::ProcStats before = o.pid ? bench::readProcStats(o.pid) : bench::ProcStats{};
  for (auto& w : workers) issue(o, w.get());
  std::this_thread::sleep_for(std::chrono::seconds(1));  // warm-up
  bench::ProcStats cpuStart = o.pid ? bench::readProcStats(o.pid) : bench::ProcStats{};
  auto t0 = Clock::now();
  g_measuring = true;
  std::this_thread::sleep_for(std::chrono::seconds(o.seconds));
  g_measuring = false;
  double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  bench::ProcStats after = o.pid ? bench::readProcStats(o.pid) : bench::ProcStats{};
  g_stop = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  pool.stop();

  bench::LatencyHistogram all;
  uint64_t failures = 0;
  for (auto& w : workers) {
    all.merge(w->histogram);
    failures += w->failures;
  }
  double qps = double(all.count()) / elapsed;
  double cpuPerQuery = 0;
  if (o.pid && all.count()) {
    cpuPerQuery = (after.cpuSeconds - cpuStart.cpuSeconds) * 1e6 / double(all.count());
  }
  std::printf(
      "RESULT conns=%d qps=%.0f avg_us=%.1f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f "
      "failures=%llu server_cpu_us_per_query=%.2f server_rss_anon_kb=%lld server_rss_file_kb=%lld "
      "server_rss_anon_before_kb=%lld\n",
      o.connections, qps, all.mean() / 1e3, all.percentile(0.5) / 1e3, all.percentile(0.99) / 1e3,
      all.percentile(0.999) / 1e3, double(all.max()) / 1e3,
      static_cast<unsigned long long>(failures), cpuPerQuery,
      static_cast<long long>(after.rssAnonKb), static_cast<long long>(after.rssFileKb),
      static_cast<long long>(before.rssAnonKb));
  registrar.shutdown();
  return failures == 0 ? 0 : 1;
}
