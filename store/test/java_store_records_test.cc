// Decodes the CommitLog and ConsumeQueue files written by the real Java 4.9.8 broker and checks
// every record against the sample manifests, field by field, then re-encodes each record and
// requires the identical bytes.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "store/byte_io.h"
#include "store/message_id.h"
#include "store/message_properties.h"
#include "store/message_record.h"
#include "store/store_format.h"
#include "store/test/java_store_samples.h"

namespace rmq::store {
namespace {

using testing::JavaStoreSample;

std::string str(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsString()) return "<missing " + std::string(key) + ">";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}
int64_t num(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsInt64()) return INT64_MIN;
  return it->value.GetInt64();
}

struct LogFile {
  std::string name;
  int64_t start = 0;
  std::string data;
  std::span<const uint8_t> bytes() const { return asBytes(data); }
};

struct WalkedRecord {
  size_t file = 0;
  size_t position = 0;
  DecodedRecord record;
};

// Result of reading the CommitLog from offset 0 the way recovery does.
struct Walk {
  std::vector<WalkedRecord> records;
  std::map<int64_t, size_t> byOffset;             // physical offset -> index in records
  std::vector<std::pair<size_t, size_t>> blanks;  // (file, position) of end-of-file markers
  int64_t end = -1;                               // global offset where data ends
};

class JavaStoreRecords : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string why;
    sample_ = testing::loadJavaStoreSample(GetParam(), why);
    if (!sample_) GTEST_SKIP() << why;
    const std::string dir = sample_->storeDir + "/commitlog";
    for (const auto& name : testing::listDirectory(dir)) {
      LogFile f;
      f.name = name;
      f.start = std::stoll(name);
      ASSERT_TRUE(testing::readWholeFile(dir + "/" + name, f.data)) << name;
      files_.push_back(std::move(f));
    }
    ASSERT_FALSE(files_.empty());
    ASSERT_NO_FATAL_FAILURE(walk());
  }

  void walk() {
    const int64_t fileSize = num(sample_->manifest["store"], "commitLogFileSize");
    for (size_t fi = 0; fi < files_.size(); ++fi) {
      const LogFile& f = files_[fi];
      ASSERT_EQ(static_cast<int64_t>(f.data.size()), fileSize) << f.name;
      if (fi > 0) {
        ASSERT_EQ(f.start, files_[fi - 1].start + fileSize) << f.name;
      }
      size_t pos = 0;
      while (true) {
        DecodedRecord r;
        Status s = decodeRecord(f.bytes().subspan(pos), r);
        ASSERT_TRUE(s.ok()) << f.name << " @" << pos << ": " << s.message();
        if (r.kind == RecordKind::kMessage) {
          ASSERT_EQ(r.physicalOffset, f.start + static_cast<int64_t>(pos));
          walk_.byOffset[r.physicalOffset] = walk_.records.size();
          walk_.records.push_back({fi, pos, r});
          pos += static_cast<size_t>(r.totalSize);
          continue;
        }
        if (r.kind == RecordKind::kBlank) {
          // The marker's size is exactly the rest of the file; the rest was never written.
          EXPECT_EQ(static_cast<size_t>(r.totalSize), f.data.size() - pos) << f.name;
          EXPECT_GE(f.data.size() - pos, static_cast<size_t>(record::kEndOfFileMinFree));
          walk_.blanks.emplace_back(fi, pos);
          break;
        }
        ASSERT_EQ(r.kind, RecordKind::kEndOfData);
        walk_.end = f.start + static_cast<int64_t>(pos);
        // Nothing after the end: the rest of this file and every later file are zero.
        EXPECT_EQ(f.data.find_first_not_of('\0', pos), std::string::npos) << f.name;
        for (size_t later = fi + 1; later < files_.size(); ++later) {
          EXPECT_EQ(files_[later].data.find_first_not_of('\0'), std::string::npos)
              << files_[later].name;
        }
        return;
      }
    }
    FAIL() << "the walk ran off the last file without meeting zero bytes";
  }

  // Checks one manifest `raw` object against the record at its physical offset.
  void checkRaw(const rapidjson::Value& raw, const std::string& label) {
    SCOPED_TRACE(label);
    const int64_t offset = num(raw, "physicalOffset");
    auto it = walk_.byOffset.find(offset);
    ASSERT_NE(it, walk_.byOffset.end()) << "no record at " << offset;
    const WalkedRecord& w = walk_.records[it->second];
    const DecodedRecord& r = w.record;
    char magic[16];
    std::snprintf(magic, sizeof(magic), "0x%08x", static_cast<uint32_t>(r.magicCode));
    EXPECT_EQ(str(raw, "commitLogFile"), files_[w.file].name);
    EXPECT_EQ(num(raw, "filePosition"), static_cast<int64_t>(w.position));
    EXPECT_EQ(num(raw, "storeSize"), r.totalSize);
    EXPECT_EQ(str(raw, "magicCode"), magic);
    EXPECT_EQ(num(raw, "bodyCRC"), r.bodyCrc);
    EXPECT_EQ(num(raw, "queueId"), r.queueId);
    EXPECT_EQ(num(raw, "flag"), r.flag);
    EXPECT_EQ(num(raw, "queueOffset"), r.queueOffset);
    EXPECT_EQ(num(raw, "physicalOffset"), r.physicalOffset);
    EXPECT_EQ(num(raw, "sysFlag"), r.sysFlag);
    EXPECT_EQ(num(raw, "bornTimestamp"), r.bornTimestamp);
    EXPECT_EQ(str(raw, "bornHost"), formatHostAddress(r.bornHost));
    EXPECT_EQ(num(raw, "storeTimestamp"), r.storeTimestamp);
    EXPECT_EQ(str(raw, "storeHost"), formatHostAddress(r.storeHost));
    EXPECT_EQ(num(raw, "reconsumeTimes"), r.reconsumeTimes);
    EXPECT_EQ(num(raw, "preparedTransactionOffset"), r.preparedTransactionOffset);
    EXPECT_EQ(num(raw, "storedBodyLength"), static_cast<int64_t>(r.body.size()));
    EXPECT_EQ(str(raw, "storedBodySha256"), testing::sha256Hex(r.body));
    EXPECT_EQ(raw["bodyCompressed"].GetBool(), (r.sysFlag & sysflag::kCompressed) != 0);
    EXPECT_EQ(str(raw, "topic"), r.topic);
    EXPECT_EQ(str(raw, "propertiesString"), r.properties);
    // Java's parsed map (last duplicate wins) equals ours.
    std::map<std::string, std::string> ours, java;
    for (const Property& p : parseProperties(r.properties)) ours[std::string(p.name)] = p.value;
    for (const auto& m : raw["properties"].GetObject())
      java[m.name.GetString()] = m.value.GetString();
    EXPECT_EQ(ours, java);
    checked_[offset] = true;
  }

  // The client-side view of a record (`stored`, `scheduleRecord`, `halfRecord`).
  void checkView(const rapidjson::Value& view, const std::string& uniqKey,
                 const std::string& label) {
    SCOPED_TRACE(label);
    ASSERT_TRUE(view.HasMember("raw"));
    checkRaw(view["raw"], label);
    auto it = walk_.byOffset.find(num(view, "commitLogOffset"));
    ASSERT_NE(it, walk_.byOffset.end());
    const DecodedRecord& r = walk_.records[it->second].record;
    EXPECT_EQ(str(view, "offsetMsgId"), offsetMsgId(r.storeHost, r.physicalOffset));
    EXPECT_EQ(findProperty(r.properties, property::kUniqClientMessageIdKeyIdx), uniqKey);
    // null in the manifest when the message has none.
    const bool hasTags = view.HasMember("tags") && view["tags"].IsString();
    EXPECT_EQ(hasTags ? str(view, "tags") : "", tagsOf(r.properties));
    const bool hasKeys = view.HasMember("keys") && view["keys"].IsString();
    EXPECT_EQ(hasKeys ? str(view, "keys") : "",
              findProperty(r.properties, property::kKeys).value_or(""));
  }

  const JavaStoreSample* sample_ = nullptr;
  std::vector<LogFile> files_;
  Walk walk_;
  std::map<int64_t, bool> checked_;
};

TEST_P(JavaStoreRecords, WalkStopsExactlyAtTheBlankAndZeroEnd) {
  // Both samples fill the first file, end it with a blank marker and stop in the second one.
  ASSERT_EQ(walk_.blanks.size(), 1u);
  EXPECT_EQ(walk_.blanks[0].first, 0u);
  // The data ends right after the last record the manifest knows.
  int64_t maxEnd = 0;
  auto consider = [&](const rapidjson::Value& view) {
    const auto& raw = view["raw"];
    maxEnd = std::max(maxEnd, num(raw, "physicalOffset") + num(raw, "storeSize"));
  };
  for (const auto& m : sample_->manifest["messages"].GetArray()) {
    for (const char* k : {"stored", "scheduleRecord", "halfRecord"}) {
      if (m.HasMember(k)) consider(m[k]);
    }
  }
  EXPECT_EQ(walk_.end, maxEnd);
  const auto& last = walk_.records.back();
  EXPECT_EQ(walk_.end, last.record.physicalOffset + last.record.totalSize);
  if (GetParam() == "crash") {
    // The pre-allocated third file is all zeros and the end is recovery's processOffset.
    EXPECT_EQ(files_.size(), 3u);
    EXPECT_EQ(walk_.end, 1161304);
  } else {
    EXPECT_EQ(files_.size(), 2u);
  }
}

TEST_P(JavaStoreRecords, EveryManifestRecordMatchesFieldByField) {
  size_t views = 0;
  for (const auto& m : sample_->manifest["messages"].GetArray()) {
    const std::string label = str(m, "label");
    const std::string uniq = str(m, "msgId");
    for (const char* k : {"stored", "scheduleRecord", "halfRecord"}) {
      if (!m.HasMember(k)) continue;
      checkView(m[k], uniq, label + "/" + k);
      ++views;
    }
    // What the producer was told decodes to the record it names.
    const auto& send = m["send"];
    HostAddress host;
    int64_t offset = -1;
    ASSERT_TRUE(decodeOffsetMsgId(str(send, "offsetMsgId"), host, offset).ok()) << label;
    EXPECT_EQ(offset, num(send, "commitLogOffset")) << label;
    EXPECT_EQ(formatHostAddress(host), str(sample_->manifest, "brokerAddr")) << label;
    EXPECT_TRUE(walk_.byOffset.count(offset)) << label;
  }
  // Pending delayed messages (their raw records were checked through `messages` above): the
  // schedule record is in queue level - 1 and becomes due at its store time + the level's delay.
  const int64_t delayMs[] = {0,      1000,    5000,    10000,   30000,  60000,  120000,
                             180000, 240000,  300000,  360000,  420000, 480000, 540000,
                             600000, 1200000, 1800000, 3600000, 7200000};
  for (const auto& p : sample_->manifest["pendingDelayed"].GetArray()) {
    SCOPED_TRACE(str(p, "label"));
    const auto& view = p["scheduleRecord"];
    auto it = walk_.byOffset.find(num(view, "commitLogOffset"));
    ASSERT_NE(it, walk_.byOffset.end());
    const DecodedRecord& r = walk_.records[it->second].record;
    const int64_t level = num(p, "delayLevel");
    EXPECT_EQ(r.topic, kScheduleTopic);
    EXPECT_EQ(r.queueId, level - 1);
    EXPECT_EQ(findProperty(r.properties, property::kDelayTimeLevel), std::to_string(level));
    EXPECT_EQ(findProperty(r.properties, property::kRealTopic), str(p, "realTopic"));
    EXPECT_EQ(str(view, "offsetMsgId"), offsetMsgId(r.storeHost, r.physicalOffset));
    EXPECT_EQ(num(p, "deliverAtMs"), r.storeTimestamp + delayMs[level]);
  }
  EXPECT_GT(views, 800u);
  // Every record in the log is one the manifest describes, except the transaction op records,
  // whose exact shape message-format.md 10.2 gives.
  size_t opRecords = 0;
  for (const auto& w : walk_.records) {
    if (checked_.count(w.record.physicalOffset)) continue;
    SCOPED_TRACE(w.record.physicalOffset);
    EXPECT_EQ(w.record.topic, "RMQ_SYS_TRANS_OP_HALF_TOPIC");
    EXPECT_EQ(w.record.properties,
              "WAIT\x01true\x02TAGS\x01"
              "d");
    EXPECT_EQ(w.record.sysFlag, 0);
    EXPECT_EQ(w.record.bornHost, w.record.storeHost);
    EXPECT_TRUE(asText(w.record.body) == "0" || asText(w.record.body) == "1");
    ++opRecords;
  }
  EXPECT_EQ(opRecords, 2u);
}

TEST_P(JavaStoreRecords, ReEncodingEveryRecordGivesTheIdenticalBytes) {
  std::vector<uint8_t> buf;
  for (const auto& w : walk_.records) {
    const MessageToStore m = toMessageToStore(w.record);
    ASSERT_EQ(recordLength(m), static_cast<size_t>(w.record.totalSize));
    buf.assign(recordLength(m), 0xEE);
    size_t written = 0;
    ASSERT_TRUE(encodeRecord(m, placementOf(w.record), buf, &written).ok());
    ASSERT_TRUE(std::equal(buf.begin(), buf.end(), w.record.bytes.begin(), w.record.bytes.end()))
        << "record at " << w.record.physicalOffset;
  }
  // The blank marker re-encodes too.
  const auto [fi, pos] = walk_.blanks.at(0);
  uint8_t marker[8];
  ASSERT_TRUE(encodeBlankMarker(marker, static_cast<int32_t>(files_[fi].data.size() - pos)).ok());
  EXPECT_EQ(std::string(reinterpret_cast<char*>(marker), 8), files_[fi].data.substr(pos, 8));
}

TEST_P(JavaStoreRecords, BatchRecordsCarryTheBatchPropertiesAndAreContiguous) {
  const std::string cluster = str(sample_->manifest, "cluster");
  const std::string batchSuffix =
      "\x02"
      "CLUSTER\x01" +
      cluster + "\x02WAIT\x01true";
  size_t batch = 0;
  int64_t previousEnd = -1;
  for (const auto& m : sample_->manifest["messages"].GetArray()) {
    if (str(m, "kind") != "batch") continue;
    const auto& raw = m["stored"]["raw"];
    const DecodedRecord& r = walk_.records[walk_.byOffset.at(num(raw, "physicalOffset"))].record;
    ASSERT_GE(r.properties.size(), batchSuffix.size());
    EXPECT_EQ(r.properties.substr(r.properties.size() - batchSuffix.size()), batchSuffix);
    if (previousEnd >= 0) {
      EXPECT_EQ(r.physicalOffset, previousEnd);  // stored contiguously
    }
    previousEnd = r.physicalOffset + r.totalSize;
    ++batch;
  }
  EXPECT_EQ(batch, GetParam() == "crash" ? 8u : 16u);
}

// Civil-from-days (days since 1970-01-01 -> start of that month, UTC), for the UNIQ_KEY check.
int64_t monthStartUtcMillis(int64_t millis) {
  int64_t days = millis / 86400000;
  int64_t z = days + 719468;
  int64_t era = z / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t dayOfMonth = doy - (153 * mp + 2) / 5;  // 0-based
  return (days - dayOfMonth) * 86400000;
}

TEST_P(JavaStoreRecords, UniqKeyFieldsMatchTheProducer) {
  // The producers ran on 192.0.2.2 in UTC; the id's time field is a few ms below the born
  // time's offset into its month.
  for (const auto& m : sample_->manifest["messages"].GetArray()) {
    UniqKeyFields u;
    ASSERT_TRUE(decodeUniqKey(str(m, "msgId"), u).ok());
    EXPECT_FALSE(u.ipv6);
    EXPECT_EQ(u.ip[0], 192);
    EXPECT_EQ(u.ip[1], 0);
    EXPECT_EQ(u.ip[2], 2);
    EXPECT_EQ(u.ip[3], 2);
    const char* view = m.HasMember("stored") ? "stored" : "scheduleRecord";
    if (!m.HasMember(view)) view = "halfRecord";
    const int64_t born = num(m[view]["raw"], "bornTimestamp");
    const int64_t lag = born - monthStartUtcMillis(born) - u.millisInMonth;
    EXPECT_GE(lag, 0) << str(m, "label");
    EXPECT_LE(lag, 1000) << str(m, "label");
  }
}

TEST_P(JavaStoreRecords, ConsumeQueueUnitsPointAtRecordsWithOurTagsCode) {
  // Default messageDelayLevel of the samples: 1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m
  // 30m 1h 2h.
  const int64_t delayMs[] = {1000,   5000,   10000,   30000,   60000,   120000,
                             180000, 240000, 300000,  360000,  420000,  480000,
                             540000, 600000, 1200000, 1800000, 3600000, 7200000};
  const std::string cqDir = sample_->storeDir + "/consumequeue";
  size_t units = 0;
  std::map<int64_t, int> referenced;
  for (const auto& topic : testing::listDirectory(cqDir)) {
    for (const auto& queue : testing::listDirectory(cqDir + "/" + topic)) {
      const int32_t queueId = std::stoi(queue);
      int64_t expectedIndex = 0;
      for (const auto& name : testing::listDirectory(cqDir + "/" + topic + "/" + queue)) {
        std::string data;
        ASSERT_TRUE(testing::readWholeFile(cqDir + "/" + topic + "/" + queue + "/" + name, data));
        ASSERT_EQ(std::stoll(name) % cq::kUnitSize, 0);
        ASSERT_EQ(std::stoll(name) / cq::kUnitSize, expectedIndex) << topic << "/" << queue;
        const uint8_t* p = asBytes(data).data();
        for (size_t pos = 0; pos + cq::kUnitSize <= data.size(); pos += cq::kUnitSize) {
          const int64_t offset = loadI64(p + pos + cq::kCommitLogOffsetOffset);
          const int32_t size = loadI32(p + pos + cq::kSizeOffset);
          const int64_t tagsCode = loadI64(p + pos + cq::kTagsCodeOffset);
          if (offset < 0 || size <= 0) break;  // end of the queue's data
          SCOPED_TRACE(topic + "/" + queue + " unit " + std::to_string(expectedIndex));
          auto it = walk_.byOffset.find(offset);
          ASSERT_NE(it, walk_.byOffset.end());
          const DecodedRecord& r = walk_.records[it->second].record;
          EXPECT_EQ(size, r.totalSize);
          EXPECT_EQ(r.topic, topic);
          EXPECT_EQ(r.queueId, queueId);
          EXPECT_EQ(r.queueOffset, expectedIndex);
          const int32_t tx = r.sysFlag & sysflag::kTransactionMask;
          EXPECT_TRUE(tx == sysflag::kTransactionNot || tx == sysflag::kTransactionCommit);
          if (topic == kScheduleTopic) {
            EXPECT_EQ(tagsCode, r.storeTimestamp + delayMs[queueId]);
          } else {
            EXPECT_EQ(tagsCode, tagsCodeOf(tagsOf(r.properties)));
          }
          ++referenced[offset];
          ++expectedIndex;
          ++units;
        }
      }
    }
  }
  // Every NOT/COMMIT record has exactly one unit; PREPARED/ROLLBACK records none.
  for (const auto& w : walk_.records) {
    const int32_t tx = w.record.sysFlag & sysflag::kTransactionMask;
    const bool dispatched = tx == sysflag::kTransactionNot || tx == sysflag::kTransactionCommit;
    EXPECT_EQ(referenced[w.record.physicalOffset], dispatched ? 1 : 0) << w.record.physicalOffset;
  }
  EXPECT_EQ(units, walk_.records.size());
}

INSTANTIATE_TEST_SUITE_P(Samples, JavaStoreRecords,
                         ::testing::Values(std::string("clean-shutdown"), std::string("crash")),
                         [](const auto& info) {
                           return info.param == "crash" ? std::string("Crash")
                                                        : std::string("CleanShutdown");
                         });

}  // namespace
}  // namespace rmq::store
