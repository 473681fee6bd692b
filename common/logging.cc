#include "common/logging.h"

#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <mutex>

namespace rmq::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::INFO)};
std::mutex g_file_mutex;
int g_fd = -1;

const char* levelName(Level level) {
  switch (level) {
    case Level::DEBUG:
      return "DEBUG";
    case Level::INFO:
      return "INFO ";
    case Level::WARN:
      return "WARN ";
    case Level::ERROR:
      return "ERROR";
    default:
      return "";
  }
}
}  // namespace

void setLevel(Level level) {
  g_level.store(static_cast<int>(level), std::memory_order_relaxed);
}
Level level() {
  return static_cast<Level>(g_level.load(std::memory_order_relaxed));
}

bool parseLevel(const std::string& text, Level& out) {
  if (text == "DEBUG" || text == "debug")
    out = Level::DEBUG;
  else if (text == "INFO" || text == "info")
    out = Level::INFO;
  else if (text == "WARN" || text == "warn")
    out = Level::WARN;
  else if (text == "ERROR" || text == "error")
    out = Level::ERROR;
  else if (text == "OFF" || text == "off")
    out = Level::OFF;
  else
    return false;
  return true;
}

void setFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_file_mutex);
  if (g_fd >= 0) ::close(g_fd);
  g_fd = path.empty() ? -1 : ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

Line::Line(Level level) : level_(level) {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  tm local{};
  localtime_r(&tv.tv_sec, &local);
  char buf[64];
  size_t n = strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &local);
  snprintf(buf + n, sizeof(buf) - n, ",%03d %s ", static_cast<int>(tv.tv_usec / 1000),
           levelName(level_));
  stream_ << buf;
}

Line::~Line() {
  stream_ << '\n';
  const std::string text = stream_.str();
  ssize_t ignored = ::write(STDERR_FILENO, text.data(), text.size());
  (void)ignored;
  std::lock_guard<std::mutex> lock(g_file_mutex);
  if (g_fd >= 0) {
    ignored = ::write(g_fd, text.data(), text.size());
  }
}

}  // namespace rmq::log
