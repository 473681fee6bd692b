// Memory and CPU figures of a process from /proc (Linux), for benchmark reports.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace rmq::bench {

struct ProcStats {
  bool ok = false;
  int64_t rssAnonKb = 0;
  int64_t rssFileKb = 0;
  int64_t vmRssKb = 0;
  double cpuSeconds = 0;  // user + system
};

inline ProcStats readProcStats(int pid) {
  ProcStats st;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    std::istringstream in(line);
    std::string key;
    int64_t value = 0;
    in >> key >> value;
    if (key == "RssAnon:") st.rssAnonKb = value;
    if (key == "RssFile:") st.rssFileKb = value;
    if (key == "VmRSS:") {
      st.vmRssKb = value;
      st.ok = true;
    }
  }
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close != std::string::npos) {
    std::istringstream in(text.substr(close + 2));
    std::string field;
    uint64_t utime = 0, stime = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
    }
    st.cpuSeconds = double(utime + stime) / double(sysconf(_SC_CLK_TCK));
  }
  return st;
}

}  // namespace rmq::bench
