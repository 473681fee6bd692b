#include "store/test/store_crash_protocol.h"

#include <cstdio>
#include <cstring>
#include <vector>

#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::store::crashtest {

std::string topicName(int32_t topic) {
  return "CRASH" + std::to_string(topic);
}

MessageStoreConfig storeConfig(const std::string& root) {
  MessageStoreConfig c = MessageStoreConfig::defaults();
  c.storePathRootDir = root;
  c.storePathCommitLog = root + "/commitlog";
  c.flushDiskType = FlushDiskType::SYNC_FLUSH;
  c.mappedFileSizeCommitLog = 128 * 1024;
  c.mappedFileSizeConsumeQueue = 40 * 20;
  c.maxHashSlotNum = 64;
  c.maxIndexNum = 1000;
  c.flushIntervalConsumeQueue = 50;
  c.flushConsumeQueueThoroughInterval = 200;  // checkpoint written every 200 ms
  c.messageIndexSafe = true;  // abnormal recovery re-indexes what the last index file held
  return c;
}

namespace {
uint64_t splitmix(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
constexpr size_t kPrefix = 20;  // "id=" + 16 hex + "|"
}  // namespace

std::string makeBody(uint64_t id, size_t length) {
  if (length < kPrefix) length = kPrefix;
  char prefix[kPrefix + 1];
  std::snprintf(prefix, sizeof(prefix), "id=%016llx|", static_cast<unsigned long long>(id));
  std::string body(prefix, kPrefix);
  uint64_t state = id;
  while (body.size() < length) body.push_back(static_cast<char>(splitmix(state)));
  return body;
}

bool checkBody(std::span<const uint8_t> body, uint64_t* id) {
  if (body.size() < kPrefix || std::memcmp(body.data(), "id=", 3) != 0) return false;
  unsigned long long v = 0;
  const std::string hex(reinterpret_cast<const char*>(body.data()) + 3, 16);
  if (std::sscanf(hex.c_str(), "%16llx", &v) != 1) return false;
  if (id) *id = v;
  const std::string want = makeBody(v, body.size());
  return std::memcmp(want.data(), body.data(), body.size()) == 0;
}

std::string uniqKeyOf(uint64_t id) {
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llX", static_cast<unsigned long long>(id));
  return hex;
}

std::string propertiesFor(uint64_t id) {
  const std::string hex = uniqKeyOf(id);
  const std::string keys = "k" + hex, tags = "T" + std::to_string(id % 3);
  std::vector<Property> p{{property::kKeys, keys},
                          {property::kUniqClientMessageIdKeyIdx, hex},
                          {property::kTags, tags}};
  return encodeProperties(p);
}

uint64_t bodyHash(std::span<const uint8_t> body) {
  uint64_t h = 1469598103934665603ull;
  for (uint8_t b : body) {
    h ^= b;
    h *= 1099511628211ull;
  }
  return h;
}

MessageToStore message(int32_t topic, int32_t queueId, const std::string& topicText,
                       const std::string& body, const std::string& properties) {
  MessageToStore m;
  m.topic = topicText;
  m.queueId = queueId;
  m.flag = topic;
  m.body = asBytes(body);
  m.properties = properties;
  m.bornTimestamp = 1700000000000;
  m.bornHost = HostAddress::ipv4(10, 1, 0, 1, 5000 + queueId);
  m.storeHost = HostAddress::ipv4(10, 1, 0, 2, 10911);
  return m;
}

}  // namespace rmq::store::crashtest
