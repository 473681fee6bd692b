// DataVersion ({"counter":N,"timestamp":MS}) as embedded in topics.json and
// subscriptionGroup.json; the name server compares it to detect changes.
#pragma once

#include <cstdint>

#include <rapidjson/document.h>

#include "common/protocol/data_version.h"
#include "common/status.h"
#include "store/config/fastjson_pretty_writer.h"

namespace rmq::store::config {

// The same DataVersion the wire bodies carry (common/protocol/data_version.h).
using DataVersion = protocol::DataVersion;

Status readDataVersion(const rapidjson::Value& obj, DataVersion& out);
void writeDataVersion(FastjsonPrettyWriter& w, const DataVersion& v);

}  // namespace rmq::store::config
