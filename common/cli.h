// The command line of mqnamesrv and mqbroker, as the Java distribution's scripts take it
// (commons-cli in NamesrvStartup / BrokerStartup): -c/--configFile <file>, -n/--namesrvAddr
// <list>, -p/--printConfigItem, -m/--printImportantConfig (mqbroker only), -h/--help. The texts
// printed here are the ones operators' scripts look for; keep them byte for byte.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "common/properties.h"
#include "common/status.h"

namespace rmq {

struct ServerOptions {
  std::string configFile;   // -c
  std::string namesrvAddr;  // -n
  bool printConfigItem = false;
  bool printImportantConfig = false;
};

struct ServerCommandLine {
  const char* usage;                   // printed on stdout for -h and after a bad option
  bool acceptsPrintImportant = false;  // -m exists (mqbroker); elsewhere it is unrecognized
};

// Parses argv[1..] into `out`. Returns the exit code when the process ends here: 0 after the
// usage for -h, 1 after "Unrecognized option: <arg>" (stderr) and the usage for an unknown
// option or an option whose value is missing. Options are read in order, so "-h -x" is help.
std::optional<int> parseServerOptions(int argc, char** argv, const ServerCommandLine& cli,
                                      ServerOptions& out);

// Loads -c's properties file and hands it to `apply` (which also reports the keys it kept
// unknown). Prints "load config properties file OK, <file>" on stdout and returns true, or
// prints why not on stderr ("load config properties file failed: ..." / "bad config: ...")
// and returns false: the process then exits with 1.
bool loadConfigProperties(const std::string& file,
                          const std::function<Status(const Properties&)>& apply);

}  // namespace rmq
