// mqnamesrv: the name server, started like the Java one (bin/mqnamesrv):
//   mqnamesrv [-c configFile] [-p] [-h] [-n namesrvAddr]
// -c loads Java-properties configuration (NamesrvConfig and NettyServerConfig keys), -p prints
// the effective configuration and exits.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "common/logging.h"
#include "namesrv/namesrv_controller.h"

using namespace rmq;

namespace {

void usage() {
  std::printf(
      "usage: mqnamesrv [-c <file>] [-h] [-n <arg>] [-p]\n"
      " -c,--configFile <arg>    Name server config properties file\n"
      " -h,--help                Print help\n"
      " -n,--namesrvAddr <arg>   Name server address list, eg: "
      "'192.168.0.1:9876;192.168.0.2:9876'\n"
      " -p,--printConfigItem     Print all config items\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string configFile;
  bool printConfig = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "-c" || a == "--configFile") && i + 1 < argc) {
      configFile = argv[++i];
    } else if (a == "-p" || a == "--printConfigItem") {
      printConfig = true;
    } else if ((a == "-n" || a == "--namesrvAddr") && i + 1 < argc) {
      ++i;  // accepted for compatibility; a name server does not use it
    } else if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else {
      std::fprintf(stderr, "Unrecognized option: %s\n", a.c_str());
      usage();
      return 1;
    }
  }

  namesrv::NamesrvConfig config = namesrv::NamesrvConfig::defaults();
  if (!configFile.empty()) {
    Properties props;
    Status s = Properties::loadFile(configFile, props);
    if (!s.ok()) {
      std::fprintf(stderr, "load config properties file failed: %s\n", s.message().c_str());
      return 1;
    }
    std::vector<std::string> unknown;
    s = config.apply(props, &unknown);
    if (!s.ok()) {
      std::fprintf(stderr, "bad config: %s\n", s.message().c_str());
      return 1;
    }
    for (const auto& k : unknown) RMQ_LOG(WARN) << "unknown config key kept: " << k;
    std::printf("load config properties file OK, %s\n", configFile.c_str());
  }
  if (printConfig) {
    std::fputs(config.toProperties().toString().c_str(), stdout);
    return 0;
  }

  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  namesrv::NamesrvController controller(config);
  Status s = controller.start();
  if (!s.ok()) {
    std::fprintf(stderr, "The Name Server start failed: %s\n", s.message().c_str());
    return 1;
  }
  RMQ_LOG(INFO) << "name server listening on " << config.listenAddress << ":" << controller.port();
  std::printf("The Name Server boot success. serializeType=JSON\n");
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  RMQ_LOG(INFO) << "shutdown hook was invoked, signal " << sig;
  controller.shutdown();
  RMQ_LOG(INFO) << "shutdown hook over";
  return 0;
}
