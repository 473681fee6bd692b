#include "tools/mqstore/record_json.h"

#include <openssl/evp.h>

#include <map>

#include "common/json.h"
#include "store/message_id.h"
#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::tools::mqstore {

std::string sha256Hex(std::span<const uint8_t> bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xF]);
  }
  return out;
}

namespace {
void optional(json::JsonWriter& w, const char* key, std::optional<std::string_view> v) {
  w.key(key);
  if (v) {
    w.value(*v);
  } else {
    w.null();
  }
}
}  // namespace

std::string recordJson(const store::DecodedRecord& r, int64_t commitLogOffset) {
  namespace p = store::property;
  std::string out;
  json::JsonWriter w(out);
  w.beginObject();
  w.member("topic", r.topic);
  w.member("queueId", r.queueId);
  w.member("queueOffset", r.queueOffset);
  w.member("commitLogOffset", commitLogOffset);
  w.member("offsetMsgId", store::offsetMsgId(r.storeHost, commitLogOffset));
  optional(w, "uniqKey", store::findProperty(r.properties, p::kUniqClientMessageIdKeyIdx));
  optional(w, "tags", store::findProperty(r.properties, p::kTags));
  optional(w, "keys", store::findProperty(r.properties, p::kKeys));
  std::map<std::string_view, std::string_view> props;
  for (const auto& prop : store::parseProperties(r.properties)) props[prop.name] = prop.value;
  w.key("properties").beginObject();
  for (const auto& [name, value] : props) w.member(name, value);
  w.endObject();
  w.member("bodyLength", static_cast<int64_t>(r.body.size()));
  w.member("bodySha256", sha256Hex(r.body));
  w.member("storeTimestamp", r.storeTimestamp);
  w.member("bornTimestamp", r.bornTimestamp);
  w.member("sysFlag", r.sysFlag);
  w.member("reconsumeTimes", r.reconsumeTimes);
  w.endObject();
  return out;
}

}  // namespace rmq::tools::mqstore
