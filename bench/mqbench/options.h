// mqbench command line, with the option letters of the Java benchmark tools where they overlap.
#pragma once

#include <cstdint>
#include <string>

namespace rmq::bench {

struct Options {
  std::string namesrv;                  // -n: name server (routes are looked up there)
  std::string broker;                   // -b: broker address (skips the name server)
  std::string topic = "BenchmarkTest";  // -t
  int concurrency = 64;                 // -w: requests in flight (sync: one per worker)
  int bodySize = 1024;                  // -s
  bool keys = false;                    // -k: add a KEYS property
  // -q: stop after this many messages (0 = run for -d seconds); consumers stop at -q or after
  // -d seconds, whichever comes first.
  int64_t total = 0;
  int seconds = 30;                          // -d
  std::string mode = "sync";                 // -m: sync | async | oneway
  int batch = 1;                             // --batch: messages per SEND_BATCH_MESSAGE
  bool rocketmqHeaders = false;              // --serialize ROCKETMQ
  bool consumer = false;                     // --consumer: long-polling consumer over all queues
  std::string group = "benchmark_consumer";  // -g
  int queues = 8;                            // --queues: queue count when creating the topic
  bool createTopic = true;                   // --no-create
  int pid = 0;                               // --pid: the broker's pid for CPU and memory figures
  int ioThreads = 1;                         // --io
  int reportSeconds = 10;                    // --report
  // --stamp: producers write a wall-clock microsecond timestamp into the first 16 body bytes;
  // consumers measure end-to-end latency from it (microsecond precision, next to the
  // millisecond born-timestamp figures).
  bool stamp = false;
  // --rate: offered load in messages/s (open loop): message i is due at start + i / rate and
  // its latency counts from then, so a broker that falls behind shows it in the percentiles
  // (no coordinated omission); -w stays the cap on requests in flight. 0 = closed loop.
  int64_t rate = 0;

  static bool parse(int argc, char** argv, Options& out, std::string& error);
  static const char* usage();
};

}  // namespace rmq::bench
