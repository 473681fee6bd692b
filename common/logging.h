// Minimal line logger: `RMQ_LOG(INFO) << "text" << value;` writes one line to stderr with a
// timestamp in the layout of the Java broker's logs ("yyyy-MM-dd HH:mm:ss,SSS LEVEL text").
// Thread-safe: every line is formatted in the caller and written with a single write(2).
#pragma once

#include <atomic>
#include <sstream>
#include <string>

namespace rmq::log {

enum class Level { DEBUG = 0, INFO = 1, WARN = 2, ERROR = 3, OFF = 4 };

void setLevel(Level level);
Level level();
bool parseLevel(const std::string& text, Level& out);
// Optional file to append to in addition to stderr ("" = stderr only).
void setFile(const std::string& path);

class Line {
 public:
  explicit Line(Level level);
  ~Line();
  Line(const Line&) = delete;
  Line& operator=(const Line&) = delete;
  template <typename T>
  Line& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

 private:
  Level level_;
  std::ostringstream stream_;
};

}  // namespace rmq::log

namespace rmq::log {
// Lets the macro below be one expression, so it is safe inside an unbraced if/else.
struct Voidify {
  void operator&(const Line&) {}
};
}  // namespace rmq::log

#define RMQ_LOG(LEVEL)                             \
  (::rmq::log::Level::LEVEL < ::rmq::log::level()) \
      ? (void)0                                    \
      : ::rmq::log::Voidify() & ::rmq::log::Line(::rmq::log::Level::LEVEL)
