// The records a Java store sample's manifest describes (java-store/README.md), flattened: one
// entry per record view (`stored` in the real topic, `scheduleRecord`, `halfRecord`), with the
// gtest comparison of a decoded record against every field the manifest gives for it.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "store/message_record.h"
#include "store/test/java_store_samples.h"

namespace rmq::store::testing {

std::string jstr(const rapidjson::Value& v, const char* key);  // "" for null, "<missing>" absent
int64_t jnum(const rapidjson::Value& v, const char* key);      // INT64_MIN when absent
bool jnull(const rapidjson::Value& v, const char* key);        // absent or null

struct ManifestRecord {
  std::string label;  // message label + "/" + view name
  std::string kind;   // the message's kind (normal, tail, delay-pending, ...)
  std::string viewName;
  const rapidjson::Value* message = nullptr;
  const rapidjson::Value* view = nullptr;
  std::string topic;
  int32_t queueId = 0;
  int64_t queueOffset = 0;
  int64_t offset = 0;  // CommitLog offset
  int32_t size = 0;
  std::string uniqKey;
  std::vector<std::string> keys;  // UNIQ_KEY and the KEYS tokens (what the index holds)
};

struct ManifestModel {
  std::vector<ManifestRecord> records;
  std::map<int64_t, size_t> byOffset;
  // (topic, queueId) -> queue offset -> index into records, for every record with a CQ unit.
  std::map<std::pair<std::string, int32_t>, std::map<int64_t, size_t>> queues;
  std::set<std::string> dataTopics;    // manifest "topics"
  std::set<std::string> invisibleIds;  // UNIQ_KEYs of pending-delayed and rolled-back messages
  int64_t end = 0;                     // end of the last record
};
ManifestModel buildManifestModel(const JavaStoreSample& sample);

// EXPECTs that `r` is the record `m` describes: every raw field, the view's ids, tags, keys,
// properties, and the application body (inflated when the producer compressed it).
void expectMatchesManifest(const DecodedRecord& r, const ManifestRecord& m);

// The Java-written bytes of the pristine sample's CommitLog at [offset, offset + size).
std::string pristineRecordBytes(const JavaStoreSample& sample, int64_t offset, int32_t size);

}  // namespace rmq::store::testing
