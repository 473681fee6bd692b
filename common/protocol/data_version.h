// DataVersion (Java DataVersion.java): a version stamp of a broker's topic or subscription table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "common/json.h"
#include "common/status.h"

namespace rmq::protocol {

struct DataVersion {
  int64_t timestamp = 0;
  int64_t counter = 0;

  bool operator==(const DataVersion& o) const {
    return timestamp == o.timestamp && counter == o.counter;
  }
  bool operator!=(const DataVersion& o) const { return !(*this == o); }

  void nextVersion(int64_t nowMs) {
    timestamp = nowMs;
    ++counter;
  }
  // {"counter":5,"timestamp":1700000000000}
  void write(json::JsonWriter& w) const;
  std::string toJson() const;
  static bool fromJson(const rapidjson::Value& v, DataVersion& out);
  static Status parse(std::string_view text, DataVersion& out);
};

}  // namespace rmq::protocol
