// mqbroker: the broker, started like the Java one (bin/mqbroker):
//   mqbroker [-c configFile] [-n namesrvAddr] [-p] [-m] [-h]
// -c loads broker.conf (Java property keys of BrokerConfig, NettyServerConfig and
// MessageStoreConfig), -n overrides namesrvAddr, -p prints every config item and exits, -m
// prints the important ones and exits.
#include <cstdio>
#include <string>

#include "broker/broker_controller.h"
#include "common/cli.h"
#include "common/logging.h"
#include "common/signals.h"

using namespace rmq;

namespace {

constexpr ServerCommandLine kCommandLine{
    "usage: mqbroker [-c <arg>] [-h] [-m] [-n <arg>] [-p]\n"
    " -c,--configFile <arg>       Broker config properties file\n"
    " -h,--help                   Print help\n"
    " -m,--printImportantConfig   Print important config item\n"
    " -n,--namesrvAddr <arg>      Name server address list, eg: "
    "'192.168.0.1:9876;192.168.0.2:9876'\n"
    " -p,--printConfigItem        Print all config item\n",
    /*acceptsPrintImportant=*/true};

}  // namespace

int main(int argc, char** argv) {
  ServerOptions opts;
  if (auto exitCode = parseServerOptions(argc, argv, kCommandLine, opts)) return *exitCode;
  broker::BrokerConfiguration conf = broker::BrokerConfiguration::defaults();
  if (!opts.configFile.empty()) {
    const bool loaded = loadConfigProperties(opts.configFile, [&conf](const Properties& props) {
      Status s = conf.apply(props);
      if (!s.ok()) return s;
      for (const auto& [k, v] : conf.unknown.entries()) {
        if (k.rfind("tls.", 0) != 0) RMQ_LOG(WARN) << "unknown config key kept: " << k;
      }
      return s;
    });
    if (!loaded) return 1;
    conf.configFilePath = opts.configFile;
  }
  if (!opts.namesrvAddr.empty()) conf.broker.namesrvAddr = opts.namesrvAddr;
  const bool printAll = opts.printConfigItem, printImportant = opts.printImportantConfig;
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

  StopSignals stopSignals;  // before the controller starts any thread

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

  const int sig = stopSignals.wait();
  RMQ_LOG(INFO) << "Shutdown hook was invoked, signal " << sig;
  controller.shutdown();
  RMQ_LOG(INFO) << "Shutdown hook over";
  return 0;
}
