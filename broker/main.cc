// mqbroker: the broker, started like the Java one (bin/mqbroker):
//   mqbroker [-c configFile] [-n namesrvAddr] [-p] [-m] [-h]
// -c loads broker.conf (Java property keys of BrokerConfig, NettyServerConfig and
// MessageStoreConfig), -n overrides namesrvAddr, -p prints every config item and exits, -m
// prints the important ones and exits.
#include <signal.h>

#include <cstdio>
#include <string>

#include "broker/broker_controller.h"
#include "common/logging.h"

using namespace rmq;

namespace {

void usage() {
  std::printf(
      "usage: mqbroker [-c <arg>] [-h] [-m] [-n <arg>] [-p]\n"
      " -c,--configFile <arg>       Broker config properties file\n"
      " -h,--help                   Print help\n"
      " -m,--printImportantConfig   Print important config item\n"
      " -n,--namesrvAddr <arg>      Name server address list, eg: "
      "'192.168.0.1:9876;192.168.0.2:9876'\n"
      " -p,--printConfigItem        Print all config item\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::string configFile, namesrv;
  bool printAll = false, printImportant = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if ((a == "-c" || a == "--configFile") && i + 1 < argc) {
      configFile = argv[++i];
    } else if ((a == "-n" || a == "--namesrvAddr") && i + 1 < argc) {
      namesrv = argv[++i];
    } else if (a == "-p" || a == "--printConfigItem") {
      printAll = true;
    } else if (a == "-m" || a == "--printImportantConfig") {
      printImportant = true;
    } else if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else {
      std::fprintf(stderr, "Unrecognized option: %s\n", a.c_str());
      usage();
      return 1;
    }
  }
  broker::BrokerConfiguration conf = broker::BrokerConfiguration::defaults();
  if (!configFile.empty()) {
    Properties props;
    Status s = Properties::loadFile(configFile, props);
    if (!s.ok()) {
      std::fprintf(stderr, "load config properties file failed: %s\n", s.message().c_str());
      return 1;
    }
    s = conf.apply(props);
    if (!s.ok()) {
      std::fprintf(stderr, "bad config: %s\n", s.message().c_str());
      return 1;
    }
    for (const auto& [k, v] : conf.unknown.entries()) {
      if (k.rfind("tls.", 0) != 0) RMQ_LOG(WARN) << "unknown config key kept: " << k;
    }
    conf.configFilePath = configFile;
    std::printf("load config properties file OK, %s\n", configFile.c_str());
  }
  if (!namesrv.empty()) conf.broker.namesrvAddr = namesrv;
  if (printAll || printImportant) {
    Properties all = conf.toProperties();
    static const char* kImportant[] = {"brokerClusterName", "brokerName",           "brokerId",
                                       "brokerIP1",         "listenPort",           "namesrvAddr",
                                       "storePathRootDir",  "storePathCommitLog",   "brokerRole",
                                       "flushDiskType",     "autoCreateTopicEnable"};
    if (printAll) {
      std::fputs(all.toString().c_str(), stdout);
    } else {
      for (const char* k : kImportant) std::printf("%s=%s\n", k, all.get(k).value_or("").c_str());
    }
    return 0;
  }
  if (conf.broker.namesrvAddr.empty()) {
    RMQ_LOG(WARN) << "namesrvAddr is not set: the broker will not register anywhere";
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  broker::BrokerController controller(conf);
  Status s = controller.initialize();
  if (s.ok()) s = controller.start();
  if (!s.ok()) {
    std::fprintf(stderr, "The broker start failed: %s\n", s.message().c_str());
    return 1;
  }
  const auto& bc = controller.configuration().broker;
  std::printf("The broker[%s, %s] boot success. serializeType=JSON and name server is %s\n",
              bc.brokerName.c_str(), bc.brokerAddr().c_str(), bc.namesrvAddr.c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  RMQ_LOG(INFO) << "Shutdown hook was invoked, signal " << sig;
  controller.shutdown();
  RMQ_LOG(INFO) << "Shutdown hook over";
  return 0;
}
