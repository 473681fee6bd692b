// mqnamesrv: the name server, started like the Java one (bin/mqnamesrv):
//   mqnamesrv [-c configFile] [-p] [-h] [-n namesrvAddr]
// -c loads Java-properties configuration (NamesrvConfig and NettyServerConfig keys), -p prints
// the effective configuration and exits.
#include <cstdio>
#include <string>
#include <vector>

#include "common/cli.h"
#include "common/logging.h"
#include "common/signals.h"
#include "namesrv/namesrv_controller.h"

using namespace rmq;

namespace {

// -n is accepted for compatibility and ignored: a name server does not use it. No -m.
constexpr ServerCommandLine kCommandLine{
    "usage: mqnamesrv [-c <file>] [-h] [-n <arg>] [-p]\n"
    " -c,--configFile <arg>    Name server config properties file\n"
    " -h,--help                Print help\n"
    " -n,--namesrvAddr <arg>   Name server address list, eg: "
    "'192.168.0.1:9876;192.168.0.2:9876'\n"
    " -p,--printConfigItem     Print all config items\n",
    /*acceptsPrintImportant=*/false};

}  // namespace

int main(int argc, char** argv) {
  ServerOptions opts;
  if (auto exitCode = parseServerOptions(argc, argv, kCommandLine, opts)) return *exitCode;

  namesrv::NamesrvConfig config = namesrv::NamesrvConfig::defaults();
  if (!opts.configFile.empty()) {
    const bool loaded = loadConfigProperties(opts.configFile, [&config](const Properties& props) {
      std::vector<std::string> unknown;
      Status s = config.apply(props, &unknown);
      if (!s.ok()) return s;
      for (const auto& k : unknown) RMQ_LOG(WARN) << "unknown config key kept: " << k;
      return s;
    });
    if (!loaded) return 1;
  }
  if (opts.printConfigItem) {
    std::fputs(config.toProperties().toString().c_str(), stdout);
    return 0;
  }

  StopSignals stopSignals;  // before the controller starts any thread

  namesrv::NamesrvController controller(config);
  Status s = controller.start();
  if (!s.ok()) {
    std::fprintf(stderr, "The Name Server start failed: %s\n", s.message().c_str());
    return 1;
  }
  RMQ_LOG(INFO) << "name server listening on " << config.listenAddress << ":" << controller.port();
  std::printf("The Name Server boot success. serializeType=JSON\n");
  std::fflush(stdout);

  const int sig = stopSignals.wait();
  RMQ_LOG(INFO) << "shutdown hook was invoked, signal " << sig;
  controller.shutdown();
  RMQ_LOG(INFO) << "shutdown hook over";
  return 0;
}
