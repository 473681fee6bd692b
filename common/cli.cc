#include "common/cli.h"

#include <cstdio>
#include <string_view>

namespace rmq {

std::optional<int> parseServerOptions(int argc, char** argv, const ServerCommandLine& cli,
                                      ServerOptions& out) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if ((a == "-c" || a == "--configFile") && i + 1 < argc) {
      out.configFile = argv[++i];
    } else if ((a == "-n" || a == "--namesrvAddr") && i + 1 < argc) {
      out.namesrvAddr = argv[++i];
    } else if (a == "-p" || a == "--printConfigItem") {
      out.printConfigItem = true;
    } else if (cli.acceptsPrintImportant && (a == "-m" || a == "--printImportantConfig")) {
      out.printImportantConfig = true;
    } else if (a == "-h" || a == "--help") {
      std::fputs(cli.usage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "Unrecognized option: %s\n", argv[i]);
      std::fputs(cli.usage, stdout);
      return 1;
    }
  }
  return std::nullopt;
}

bool loadConfigProperties(const std::string& file,
                          const std::function<Status(const Properties&)>& apply) {
  Properties props;
  Status s = Properties::loadFile(file, props);
  if (!s.ok()) {
    std::fprintf(stderr, "load config properties file failed: %s\n", s.message().c_str());
    return false;
  }
  s = apply(props);
  if (!s.ok()) {
    std::fprintf(stderr, "bad config: %s\n", s.message().c_str());
    return false;
  }
  std::printf("load config properties file OK, %s\n", file.c_str());
  return true;
}

}  // namespace rmq
