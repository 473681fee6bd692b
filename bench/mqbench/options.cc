#include "bench/mqbench/options.h"

#include <cstdlib>

namespace rmq::bench {

const char* Options::usage() {
  return "usage: mqbench (-n namesrv | -b broker) [-t topic] [-w inflight] [-s bodySize] [-k]\n"
         "               [-q total] [-d seconds] [-m sync|async|oneway] [--batch N]\n"
         "               [--serialize JSON|ROCKETMQ] [--consumer [-g group]] [--queues N]\n"
         "               [--no-create] [--pid brokerPid] [--io threads] [--report seconds]\n"
         "               [--stamp] [--rate msgsPerSecond]\n"
         "  -q with --consumer: stop after that many messages or -d seconds, whichever first\n"
         "  --stamp: producer writes a microsecond send time into each body (-s >= 16); the\n"
         "           consumer reports end-to-end latency from it as e2e_* fields\n"
         "  --rate: open-loop offered load; latency counts from each message's due time,\n"
         "          -w caps the requests in flight\n";
}

bool Options::parse(int argc, char** argv, Options& o, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        error = "missing value for " + a;
        return "";
      }
      return argv[++i];
    };
    if (a == "-n")
      o.namesrv = next();
    else if (a == "-b")
      o.broker = next();
    else if (a == "-t")
      o.topic = next();
    else if (a == "-w")
      o.concurrency = std::atoi(next().c_str());
    else if (a == "-s")
      o.bodySize = std::atoi(next().c_str());
    else if (a == "-k")
      o.keys = true;
    else if (a == "-q")
      o.total = std::atoll(next().c_str());
    else if (a == "-d")
      o.seconds = std::atoi(next().c_str());
    else if (a == "-m")
      o.mode = next();
    else if (a == "--batch")
      o.batch = std::atoi(next().c_str());
    else if (a == "--serialize")
      o.rocketmqHeaders = next() == "ROCKETMQ";
    else if (a == "--consumer")
      o.consumer = true;
    else if (a == "-g")
      o.group = next();
    else if (a == "--queues")
      o.queues = std::atoi(next().c_str());
    else if (a == "--no-create")
      o.createTopic = false;
    else if (a == "--pid")
      o.pid = std::atoi(next().c_str());
    else if (a == "--io")
      o.ioThreads = std::atoi(next().c_str());
    else if (a == "--report")
      o.reportSeconds = std::atoi(next().c_str());
    else if (a == "--stamp")
      o.stamp = true;
    else if (a == "--rate")
      o.rate = std::atoll(next().c_str());
    else if (a == "-h" || a == "--help") {
      error = "help";
      return false;
    } else {
      error = "unknown option " + a;
      return false;
    }
    if (!error.empty()) return false;
  }
  if (o.namesrv.empty() && o.broker.empty())
    error = "give -n or -b";
  else if (o.concurrency < 1 || o.bodySize < 0 || o.batch < 1 || o.seconds < 1)
    error = "bad value";
  else if (o.rate < 0 || (o.rate > 0 && (o.consumer || o.mode == "oneway")))
    error = "--rate is for sync/async producers";
  else if (o.mode != "sync" && o.mode != "async" && o.mode != "oneway")
    error = "bad -m";
  else if (o.stamp && !o.consumer && o.bodySize < 16)
    error = "--stamp needs -s >= 16";
  return error.empty();
}

}  // namespace rmq::bench
