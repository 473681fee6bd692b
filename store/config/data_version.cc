#include "store/config/data_version.h"

#include "store/config/json_fields.h"

namespace rmq::store::config {

Status readDataVersion(const rapidjson::Value& obj, DataVersion& out) {
  if (!obj.IsObject()) return Status::Error("dataVersion is not an object");
  Status s = readInt64(obj, "counter", out.counter);
  if (s.ok()) s = readInt64(obj, "timestamp", out.timestamp);
  return s;
}

void writeDataVersion(FastjsonPrettyWriter& w, const DataVersion& v) {
  w.beginObject();  // bean properties in fastjson's alphabetical order
  w.key("counter");
  w.value(v.counter);
  w.key("timestamp");
  w.value(v.timestamp);
  w.endObject();
}

}  // namespace rmq::store::config
