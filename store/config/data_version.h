// DataVersion ({"counter":N,"timestamp":MS}) as embedded in topics.json and
// subscriptionGroup.json; the name server compares it to detect changes.
#pragma once

#include <cstdint>

#include <rapidjson/document.h>

#include "common/status.h"
#include "store/config/fastjson_pretty_writer.h"

namespace rmq::store::config {

struct DataVersion {
  int64_t counter = 0;    // Java AtomicLong, written as a plain number
  int64_t timestamp = 0;  // ms; Java stamps "now" when it creates one, callers do the same
  friend bool operator==(const DataVersion&, const DataVersion&) = default;
};

Status readDataVersion(const rapidjson::Value& obj, DataVersion& out);
void writeDataVersion(FastjsonPrettyWriter& w, const DataVersion& v);

}  // namespace rmq::store::config
