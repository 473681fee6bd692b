// mqstore: offline, read-only inspection of a RocketMQ 4.9 store directory (ours or Java's).
//
//   mqstore check <storeDir> [-c broker.conf]
//   mqstore dump  <storeDir> [--topic T] [--queue N] [-c broker.conf]
//
// File sizes come from broker.conf (Java keys: mappedFileSizeCommitLog,
// mappedFileSizeConsumeQueue, maxHashSlotNum, maxIndexNum, messageDelayLevel) or are inferred
// from the CommitLog / ConsumeQueue file lengths; the CommitLog is read from <storeDir>/commitlog
// (the paths in broker.conf are ignored). The store is never modified: no recovery runs,
// files are opened read-only. Exit codes: 0 fine, 1 problems found, 2 usage or open errors.
#include <iostream>
#include <optional>
#include <string>

#include "common/properties.h"
#include "tools/mqstore/commands.h"

namespace {

int usage() {
  std::cerr << "usage: mqstore check <storeDir> [-c broker.conf]\n"
               "       mqstore dump <storeDir> [--topic T] [--queue N] [-c broker.conf]\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rmq::tools::mqstore;
  if (argc < 3) return usage();
  const std::string command = argv[1];
  const std::string root = argv[2];
  std::optional<std::string> conf;
  DumpOptions dump;
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) return usage();
    const std::string value = argv[++i];
    if (arg == "-c") {
      conf = value;
    } else if (arg == "--topic" && command == "dump") {
      dump.topic = value;
    } else if (arg == "--queue" && command == "dump") {
      auto q = rmq::parseJavaInt(value);
      if (!q) return usage();
      dump.queueId = *q;
    } else {
      return usage();
    }
  }
  if (command != "check" && command != "dump") return usage();
  Settings settings = defaultSettings();
  if (conf) {
    rmq::Status s = loadSettings(*conf, settings);
    if (!s.ok()) {
      std::cerr << "mqstore: " << s.message() << "\n";
      return 2;
    }
  }
  StoreFiles files;
  rmq::Status s = files.open(root, std::move(settings));
  if (!s.ok()) {
    std::cerr << "mqstore: " << s.message() << "\n";
    return 2;
  }
  std::ios::sync_with_stdio(false);
  if (command == "check") return runCheck(files, std::cout);
  return runDump(files, dump, std::cout, std::cerr);
}
