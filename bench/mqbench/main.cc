// mqbench: load client speaking the remoting protocol. Producer modes (sync / async / oneway,
// batches, JSON or ROCKETMQ headers) and a long-polling consumer over all queues of a topic.
// Every --report seconds and at the end it prints TPS and latency percentiles from a
// histogram, failures, and with --pid the broker's CPU time per million messages and its RSS.
// With --stamp the producer writes its wall-clock send time (microseconds) into each body and
// the consumer reports the end-to-end latency from it (e2e_* fields of the RESULT line).
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "bench/latency_histogram.h"
#include "bench/mqbench/options.h"
#include "bench/proc_stats.h"
#include "common/protocol/route_data.h"
#include "common/time_util.h"
#include "remoting/connection.h"
#include "remoting/io_context_pool.h"
#include "remoting/remoting_client.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "store/byte_io.h"
#include "store/message_record.h"

using namespace rmq;
using namespace rmq::remoting;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

struct Target {
  std::string brokerAddr;
  int32_t queueId = 0;
};

struct Stats {
  std::mutex mutex;
  bench::LatencyHistogram interval;
  bench::LatencyHistogram total;
  bench::LatencyHistogram endToEnd;  // consumer, --stamp: send time in the body to receipt
  uint64_t failures = 0;
  uint64_t messages = 0;
  uint64_t bodyBytes = 0;
  void record(uint64_t ns, uint64_t msgs) {
    std::lock_guard<std::mutex> lock(mutex);
    interval.record(ns);
    total.record(ns);
    messages += msgs;
  }
  void fail() {
    std::lock_guard<std::mutex> lock(mutex);
    ++failures;
  }
};

class NullListener : public ConnectionListener {
 public:
  void onRequest(const ConnectionPtr& conn, RemotingCommand& request) override {
    if (!request.isOneway()) {
      conn->send(
          RemotingCommand::createResponse(request, response_code::REQUEST_CODE_NOT_SUPPORTED));
    }
  }
};

std::atomic<bool> g_stop{false};
std::atomic<int64_t> g_sent{0};
// Set by a consumer when it reaches -q messages: the end of the measured interval.
std::atomic<int64_t> g_doneNs{0};

// --stamp layout of the first 16 body bytes: 8 magic bytes, then the send time in microseconds
// since the epoch (system clock), little endian.
constexpr char kStampMagic[8] = {'m', 'q', 'b', 'e', 'n', 'c', 'h', '1'};
constexpr size_t kStampSize = 16;

int64_t wallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void writeStamp(char* at, int64_t micros) {
  std::memcpy(at, kStampMagic, sizeof(kStampMagic));
  for (int i = 0; i < 8; ++i) at[8 + i] = static_cast<char>((micros >> (8 * i)) & 0xff);
}

std::optional<int64_t> readStamp(std::span<const uint8_t> body) {
  if (body.size() < kStampSize || std::memcmp(body.data(), kStampMagic, sizeof(kStampMagic)) != 0)
    return std::nullopt;
  int64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<int64_t>(body[8 + i]) << (8 * i);
  return v;
}

std::string batchBody(int n, const std::string& body, const std::string& props) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    const int32_t total = 20 + 2 + static_cast<int32_t>(body.size() + props.size());
    uint8_t head[20];
    store::storeI32(head, total);
    store::storeI32(head + 4, 0);
    store::storeI32(head + 8, 0);
    store::storeI32(head + 12, 0);
    store::storeI32(head + 16, static_cast<int32_t>(body.size()));
    out.append(reinterpret_cast<char*>(head), 20);
    out += body;
    uint8_t plen[2];
    store::storeI16(plen, static_cast<int16_t>(props.size()));
    out.append(reinterpret_cast<char*>(plen), 2);
    out += props;
  }
  return out;
}

RemotingCommand sendRequest(const bench::Options& o, const Target& t, const std::string& body) {
  RemotingCommand r = RemotingCommand::createRequest(o.batch > 1 ? request_code::SEND_BATCH_MESSAGE
                                                                 : request_code::SEND_MESSAGE_V2);
  r.serializeType = o.rocketmqHeaders ? SerializeType::ROCKETMQ : SerializeType::JSON;
  r.addExt("a", "benchmark_producer").addExt("b", o.topic).addExt("c", "TBW102");
  r.addExt("d", "4").addExtInt("e", t.queueId).addExt("f", "0");
  r.addExtInt("g", nowMillis()).addExt("h", "0");
  if (o.keys) {
    r.addExt("i",
             std::string("KEYS\x01") + "k" + std::to_string(g_sent.load()) + "\x02WAIT\x01true");
  } else {
    r.addExt("i", std::string("WAIT\x01") + "true");
  }
  if (o.batch > 1) r.addExt("m", "true");
  r.setBody(body);
  return r;
}

struct Producer {
  const bench::Options& o;
  std::vector<Target> targets;
  std::vector<ConnectionPtr> conns;  // one per I/O thread
  std::string body;
  Stats stats;
  std::atomic<uint64_t> next{0};
  std::vector<size_t> stampAt;  // --stamp: offsets of the message bodies in `body`

  // The request body, with the send time stamped into every message when --stamp is given.
  const std::string& bodyToSend(std::string& scratch) const {
    if (stampAt.empty()) return body;
    scratch = body;
    const int64_t now = wallMicros();
    for (size_t at : stampAt) writeStamp(scratch.data() + at, now);
    return scratch;
  }

  // --rate: when the run started, and how many messages have been given a due time.
  Clock::time_point paceStart = Clock::now();
  std::atomic<uint64_t> scheduled{0};

  // Sends the next request now (closed loop) or at its due time (--rate).
  void issue(size_t connIndex) {
    if (g_stop.load(std::memory_order_relaxed)) return;
    if (o.rate <= 0) {
      send(connIndex, Clock::now());
      return;
    }
    const uint64_t n = scheduled.fetch_add(static_cast<uint64_t>(o.batch));
    const auto due = paceStart + std::chrono::nanoseconds(static_cast<int64_t>(
                                     static_cast<double>(n) * 1e9 / static_cast<double>(o.rate)));
    if (due <= Clock::now()) {
      send(connIndex, due);
      return;
    }
    auto timer = std::make_shared<asio::steady_timer>(conns[connIndex]->ioContext(), due);
    timer->async_wait([this, connIndex, due, timer](const boost::system::error_code& ec) {
      if (!ec) send(connIndex, due);
    });
  }

  // `start`: what latency counts from (the due time under --rate).
  void send(size_t connIndex, Clock::time_point start) {
    if (g_stop.load(std::memory_order_relaxed)) return;
    if (o.total > 0 && g_sent.fetch_add(o.batch) >= o.total) {
      g_stop = true;
      return;
    }
    const Target& t = targets[next.fetch_add(1) % targets.size()];
    std::string scratch;
    RemotingCommand req = sendRequest(o, t, bodyToSend(scratch));
    auto& conn = conns[connIndex];
    if (o.mode == "oneway") {
      conn->invokeOneway(std::move(req));
      stats.record(0, static_cast<uint64_t>(o.batch));
      // A round trip every 256 sends keeps the writer from running ahead of the socket.
      if (next.load() % 256 == 0) {
        RemotingCommand probe = RemotingCommand::createRequest(request_code::GET_MAX_OFFSET);
        probe.addExt("topic", o.topic).addExtInt("queueId", t.queueId);
        conn->invoke(std::move(probe), 10000,
                     [this, connIndex](const Status&, RemotingCommand*) { issue(connIndex); });
      } else {
        asio::post(conn->ioContext(), [this, connIndex] { issue(connIndex); });
      }
      return;
    }
    conn->invoke(
        std::move(req), 10000, [this, connIndex, start](const Status& s, RemotingCommand* resp) {
          if (!s.ok() || resp->code != response_code::SUCCESS) {
            stats.fail();
          } else {
            stats.record(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                   Clock::now() - start)
                                                   .count()),
                         static_cast<uint64_t>(o.batch));
          }
          if (s.ok()) issue(connIndex);
        });
  }
};

struct Consumer {
  const bench::Options& o;
  std::vector<Target> targets;
  std::vector<ConnectionPtr> conns;
  Stats stats;

  void pull(size_t index, int64_t offset) {
    if (g_stop.load(std::memory_order_relaxed)) return;
    const Target& t = targets[index];
    RemotingCommand r = RemotingCommand::createRequest(request_code::PULL_MESSAGE);
    r.addExt("consumerGroup", o.group).addExt("topic", o.topic).addExtInt("queueId", t.queueId);
    r.addExtInt("queueOffset", offset).addExt("maxMsgNums", "32").addExt("sysFlag", "7");
    r.addExtInt("commitOffset", offset).addExt("suspendTimeoutMillis", "15000");
    r.addExt("subscription", "*").addExt("subVersion", "0").addExt("expressionType", "TAG");
    auto& conn = conns[index % conns.size()];
    conn->invoke(
        std::move(r), 30000, [this, index, offset](const Status& s, RemotingCommand* resp) {
          if (!s.ok()) {
            stats.fail();
            return;
          }
          int64_t nextOffset = resp->ext.getInt64("nextBeginOffset").value_or(offset);
          if (resp->code == response_code::SUCCESS) {
            std::string_view data = resp->body();
            const int64_t now = nowMillis();
            const int64_t nowUs = o.stamp ? wallMicros() : 0;
            uint64_t bytes = 0;
            std::vector<uint64_t> e2eNs;
            size_t pos = 0;
            while (pos + 4 <= data.size()) {
              store::DecodedRecord rec;
              if (!store::decodeRecord(store::asBytes(data.substr(pos)), rec,
                                       store::DecodeOptions{false, true})
                       .ok() ||
                  rec.kind != store::RecordKind::kMessage) {
                break;
              }
              stats.record(
                  static_cast<uint64_t>(std::max<int64_t>(0, now - rec.bornTimestamp)) * 1000000,
                  1);
              bytes += rec.body.size();
              if (o.stamp) {
                if (auto sent = readStamp(rec.body)) {
                  e2eNs.push_back(static_cast<uint64_t>(std::max<int64_t>(0, nowUs - *sent)) *
                                  1000);
                }
              }
              pos += static_cast<size_t>(rec.totalSize);
            }
            std::lock_guard<std::mutex> lock(stats.mutex);
            stats.bodyBytes += bytes;
            for (uint64_t ns : e2eNs) stats.endToEnd.record(ns);
            if (o.total > 0 && stats.messages >= static_cast<uint64_t>(o.total) && !g_stop) {
              g_doneNs = Clock::now().time_since_epoch().count();
              g_stop = true;
            }
          } else if (resp->code != response_code::PULL_NOT_FOUND &&
                     resp->code != response_code::PULL_RETRY_IMMEDIATELY &&
                     resp->code != response_code::PULL_OFFSET_MOVED) {
            stats.fail();
          }
          pull(index, nextOffset);
        });
  }
};

std::vector<Target> resolveTargets(const bench::Options& o, RemotingClient& admin,
                                   std::string& error) {
  std::vector<Target> out;
  auto create = [&](const std::string& broker) {
    RemotingCommand c = RemotingCommand::createRequest(request_code::UPDATE_AND_CREATE_TOPIC);
    c.addExt("topic", o.topic).addExt("defaultTopic", "TBW102");
    c.addExtInt("readQueueNums", o.queues).addExtInt("writeQueueNums", o.queues);
    c.addExt("perm", "6").addExt("topicFilterType", "SINGLE_TAG").addExt("topicSysFlag", "0");
    c.addExt("order", "false");
    RemotingCommand resp;
    Status s = admin.invokeSync(broker, std::move(c), 10000, resp);
    return s.ok() && resp.code == 0;
  };
  if (!o.broker.empty()) {
    if (o.createTopic && !create(o.broker)) {
      error = "cannot create topic " + o.topic + " on " + o.broker;
      return out;
    }
    for (int q = 0; q < o.queues; ++q) out.push_back({o.broker, q});
    return out;
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    RemotingCommand r = RemotingCommand::createRequest(request_code::GET_ROUTEINFO_BY_TOPIC);
    r.addExt("topic", o.topic);
    RemotingCommand resp;
    Status s = admin.invokeSync(o.namesrv, std::move(r), 5000, resp);
    if (!s.ok()) {
      error = "name server: " + s.message();
      return out;
    }
    if (resp.code == 0) {
      protocol::TopicRouteData route;
      if (!protocol::TopicRouteData::decode(resp.body(), route).ok()) break;
      for (const auto& qd : route.queueDatas) {
        for (const auto& bd : route.brokerDatas) {
          if (bd.brokerName != qd.brokerName || !bd.brokerAddrs.count(0)) continue;
          for (int q = 0; q < qd.writeQueueNums; ++q) out.push_back({bd.brokerAddrs.at(0), q});
        }
      }
      return out;
    }
    if (!o.createTopic || attempt > 0) break;
    RemotingCommand ci = RemotingCommand::createRequest(request_code::GET_BROKER_CLUSTER_INFO);
    if (!admin.invokeSync(o.namesrv, std::move(ci), 5000, resp).ok()) break;
    protocol::ClusterInfo info;
    if (!protocol::ClusterInfo::decode(resp.body(), info).ok()) break;
    for (const auto& [name, bd] : info.brokerAddrTable) {
      if (bd.brokerAddrs.count(0)) create(bd.brokerAddrs.at(0));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  error = "no route for topic " + o.topic;
  return out;
}

void printLine(const char* label, double seconds, bench::LatencyHistogram& h, uint64_t msgs,
               uint64_t failures, bool latencyInMs) {
  const double scale = latencyInMs ? 1e6 : 1e3;
  const char* unit = latencyInMs ? "ms" : "us";
  std::printf(
      "%s tps=%.0f avg_%s=%.1f p50_%s=%.1f p99_%s=%.1f p999_%s=%.1f max_%s=%.1f failures=%llu\n",
      label, double(msgs) / seconds, unit, h.mean() / scale, unit,
      double(h.percentile(0.5)) / scale, unit, double(h.percentile(0.99)) / scale, unit,
      double(h.percentile(0.999)) / scale, unit, double(h.max()) / scale,
      static_cast<unsigned long long>(failures));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  bench::Options o;
  std::string error;
  if (!bench::Options::parse(argc, argv, o, error)) {
    std::fprintf(stderr, "%s%s\n", error == "help" ? "" : (error + "\n").c_str(),
                 bench::Options::usage());
    return error == "help" ? 0 : 2;
  }
  RemotingClient admin;
  admin.start();
  std::vector<Target> targets = resolveTargets(o, admin, error);
  if (targets.empty()) {
    std::fprintf(stderr, "mqbench: %s\n", error.c_str());
    return 1;
  }
  IoContextPool pool("mqbench", static_cast<size_t>(o.ioThreads));
  NullListener listener;
  std::vector<ConnectionPtr> conns;
  const std::string addr = targets.front().brokerAddr;
  auto colon = addr.rfind(':');
  asio::ip::tcp::endpoint ep(asio::ip::make_address(addr.substr(0, colon)),
                             static_cast<uint16_t>(std::atoi(addr.c_str() + colon + 1)));
  for (size_t i = 0; i < pool.size(); ++i) {
    asio::ip::tcp::socket socket(pool.at(i));
    boost::system::error_code ec;
    socket.connect(ep, ec);
    if (ec) {
      std::fprintf(stderr, "mqbench: connect %s: %s\n", addr.c_str(), ec.message().c_str());
      return 1;
    }
    ConnectionOptions copts;
    copts.idleTimeoutSeconds = 0;
    auto conn = std::make_shared<Connection>(pool.at(i), std::move(socket), &listener, copts);
    conn->startClient([](const Status&) {});
    conns.push_back(conn);
  }
  pool.start();

  Producer producer{o,  targets, conns, std::string(static_cast<size_t>(o.bodySize), 'x'),
                    {}, {},      {}};
  if (o.batch > 1) producer.body = batchBody(o.batch, producer.body, "");
  if (o.stamp && !o.consumer) {
    // batchBody: each message is a 20-byte header, the body, a 2-byte property length.
    const size_t step = o.batch > 1 ? 20 + static_cast<size_t>(o.bodySize) + 2 : 0;
    for (int i = 0; i < o.batch; ++i) producer.stampAt.push_back((o.batch > 1 ? 20 : 0) + i * step);
  }
  Consumer consumer{o, targets, conns, {}};
  Stats& stats = o.consumer ? consumer.stats : producer.stats;

  bench::ProcStats cpu0 = o.pid ? bench::readProcStats(o.pid) : bench::ProcStats{};
  const auto t0 = Clock::now();
  if (o.consumer) {
    for (size_t i = 0; i < targets.size(); ++i) {
      RemotingCommand q = RemotingCommand::createRequest(request_code::QUERY_CONSUMER_OFFSET);
      q.addExt("consumerGroup", o.group).addExt("topic", o.topic);
      q.addExtInt("queueId", targets[i].queueId);
      RemotingCommand resp;
      int64_t start = 0;
      if (admin.invokeSync(targets[i].brokerAddr, std::move(q), 5000, resp).ok() &&
          resp.code == 0) {
        start = resp.ext.getInt64("offset").value_or(0);
      }
      consumer.pull(i, start);
    }
  } else {
    const int perConn = std::max(1, o.concurrency / static_cast<int>(conns.size()));
    producer.paceStart = Clock::now();
    for (size_t c = 0; c < conns.size(); ++c) {
      for (int i = 0; i < perConn; ++i) producer.issue(c);
    }
  }
  auto lastReport = t0;
  uint64_t lastMessages = 0;
  while (!g_stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const auto now = Clock::now();
    if ((o.total == 0 || o.consumer) && now - t0 >= std::chrono::seconds(o.seconds)) g_stop = true;
    if (now - lastReport >= std::chrono::seconds(o.reportSeconds) || g_stop) {
      std::lock_guard<std::mutex> lock(stats.mutex);
      const double secs = std::chrono::duration<double>(now - lastReport).count();
      char label[32];
      std::snprintf(label, sizeof(label), "[%4.0fs]",
                    std::chrono::duration<double>(now - t0).count());
      printLine(label, secs, stats.interval, stats.messages - lastMessages, stats.failures,
                o.consumer);
      stats.interval.reset();
      lastMessages = stats.messages;
      lastReport = now;
    }
  }
  const auto t1 = g_doneNs ? Clock::time_point(Clock::duration(g_doneNs.load())) : Clock::now();
  const double elapsed = std::chrono::duration<double>(t1 - t0).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let in-flight answers land
  bench::ProcStats cpu1 = o.pid ? bench::readProcStats(o.pid) : bench::ProcStats{};
  pool.stop();
  admin.shutdown();
  std::lock_guard<std::mutex> lock(stats.mutex);
  printLine("[total]", elapsed, stats.total, stats.messages, stats.failures, o.consumer);
  // Body bytes: what the consumer received, or what the producer had acknowledged.
  const uint64_t bodyBytes =
      o.consumer ? stats.bodyBytes : stats.messages * static_cast<uint64_t>(o.bodySize);
  const bench::LatencyHistogram& e2e = stats.endToEnd;
  const double cpuPerMillion =
      stats.messages ? (cpu1.cpuSeconds - cpu0.cpuSeconds) * 1e6 / double(stats.messages) : 0;
  std::printf(
      "RESULT mode=%s consumer=%d inflight=%d size=%d batch=%d messages=%llu tps=%.0f "
      "avg_us=%.1f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f failures=%llu "
      "broker_cpu_s_per_million=%.2f broker_rss_anon_kb=%lld broker_rss_file_kb=%lld "
      "elapsed_s=%.3f body_mb_per_s=%.2f e2e_msgs=%llu e2e_avg_us=%.1f e2e_p50_us=%.1f "
      "e2e_p99_us=%.1f e2e_p999_us=%.1f e2e_max_us=%.1f\n",
      o.mode.c_str(), o.consumer ? 1 : 0, o.concurrency, o.bodySize, o.batch,
      static_cast<unsigned long long>(stats.messages), double(stats.messages) / elapsed,
      stats.total.mean() / 1e3, stats.total.percentile(0.5) / 1e3,
      stats.total.percentile(0.99) / 1e3, stats.total.percentile(0.999) / 1e3,
      double(stats.total.max()) / 1e3, static_cast<unsigned long long>(stats.failures),
      cpuPerMillion, static_cast<long long>(cpu1.rssAnonKb), static_cast<long long>(cpu1.rssFileKb),
      elapsed, double(bodyBytes) / elapsed / 1e6, static_cast<unsigned long long>(e2e.count()),
      e2e.mean() / 1e3, e2e.percentile(0.5) / 1e3, e2e.percentile(0.99) / 1e3,
      e2e.percentile(0.999) / 1e3, double(e2e.max()) / 1e3);
  return stats.failures == 0 ? 0 : 1;
}
