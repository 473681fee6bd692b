// What the kill -9 test (store_crash_test) and its child (store_crash_child) share: the store
// configuration, the self-describing message bodies, and the acknowledgement records the child
// writes to its stdout pipe for every message the store completed with PUT_OK.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "store/message_record.h"
#include "store/message_store_config.h"

namespace rmq::store::crashtest {

inline constexpr int32_t kTopics = 2;
inline constexpr int32_t kQueues = 3;

std::string topicName(int32_t topic);  // "CRASH0", "CRASH1"

// SYNC_FLUSH with small files, so that CommitLog, ConsumeQueue and index files roll often and
// the checkpoint is written often (abnormal recovery then starts from varying files), and
// messageIndexSafe, so that no key is lost from the index by a crash.
MessageStoreConfig storeConfig(const std::string& root);

// One acknowledged message. 40 bytes: below PIPE_BUF, so concurrent writers never interleave.
struct Ack {
  int64_t commitLogOffset = 0;
  int64_t queueOffset = 0;
  int32_t topic = 0;  // kReady: the child finished load() + start()
  int32_t queueId = 0;
  int32_t size = 0;  // record TOTALSIZE
  int32_t reserved = 0;
  uint64_t bodyHash = 0;  // fnv1a of the body
};
static_assert(sizeof(Ack) == 40);
inline constexpr int32_t kReady = -1;

// A body that carries its id and can be checked on its own: "id=<16 hex>|" + bytes derived
// from the id, `length` bytes in all (at least 20).
std::string makeBody(uint64_t id, size_t length);
bool checkBody(std::span<const uint8_t> body, uint64_t* id);
// KEYS, UNIQ_KEY and TAGS derived from the id; the UNIQ_KEY alone; the body fingerprint (FNV-1a).
std::string propertiesFor(uint64_t id);
std::string uniqKeyOf(uint64_t id);
uint64_t bodyHash(std::span<const uint8_t> body);

// A message over `body` and `properties` (views: they must outlive the put).
MessageToStore message(int32_t topic, int32_t queueId, const std::string& topicText,
                       const std::string& body, const std::string& properties);

}  // namespace rmq::store::crashtest
