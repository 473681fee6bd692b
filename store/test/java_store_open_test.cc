// Opens copies of the stores written by the real Java 4.9.8 broker with our MessageStore (normal
// recovery for the clean-shutdown sample, abnormal recovery for the crash sample), checks what it
// serves against the manifests, appends on top, reopens and checks that the files are still in
// the Java layout.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "common/logging.h"
#include "common/properties.h"
#include "store/message_id.h"
#include "store/message_properties.h"
#include "store/message_store.h"
#include "store/store_format.h"
#include "store/test/java_store_samples.h"
#include "store/test/manifest_model.h"
#include "store/test/store_test_util.h"

namespace rmq::store {
namespace {

namespace fs = std::filesystem;
using testing::jnum;
using testing::jstr;
using testing::ManifestRecord;

constexpr std::string_view kOpTopic = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
constexpr int64_t kCrashProcessOffset = 1161304;  // store-format.md 8.3
constexpr int64_t kUnitsPerCqFile = 300;          // mappedFileSizeConsumeQueue=6000

// A message this test appended, with the exact record bytes it must read back.
struct Appended {
  std::string topic;
  int32_t queueId = 0;
  int64_t queueOffset = 0;
  int64_t offset = 0;
  std::string bytes;
  std::vector<std::string> keys;
};

std::string regionText(const MappedRegion& r) {
  return r.valid() ? std::string(r.data, static_cast<size_t>(r.size)) : std::string();
}

std::set<std::string> keysOf(const DecodedRecord& r) {
  std::set<std::string> keys;
  if (auto u = findProperty(r.properties, property::kUniqClientMessageIdKeyIdx)) keys.emplace(*u);
  if (auto k = findProperty(r.properties, property::kKeys)) {
    for (auto t : splitKeys(*k)) keys.emplace(t);
  }
  return keys;
}

class JavaStoreOpen : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    log::setLevel(log::Level::WARN);
    std::string why;
    sample_ = testing::loadJavaStoreSample(GetParam(), why);
    if (!sample_) GTEST_SKIP() << why;
    model_ = testing::buildManifestModel(*sample_);
    expectedEnd_ = model_.end;
    root_ = tmp_.path() + "/store";
    Status s = testing::copyTree(sample_->storeDir, root_);
    ASSERT_TRUE(s.ok()) << s.message();
    // The sample's own broker.conf (Java keys), with the store paths moved to our copy.
    Properties props;
    s = Properties::loadFile(sample_->storeDir + "/../conf/broker.conf", props);
    ASSERT_TRUE(s.ok()) << s.message();
    config_ = MessageStoreConfig::defaults();
    ASSERT_TRUE(MessageStoreConfig::binder().apply(config_, props, nullptr).ok());
    config_.storePathRootDir = root_;
    config_.storePathCommitLog = root_ + "/commitlog";
    ASSERT_EQ(config_.mappedFileSizeCommitLog, 1048576);
    ASSERT_EQ(config_.mappedFileSizeConsumeQueue, 6000);
    ASSERT_EQ(config_.maxHashSlotNum, 100);
    ASSERT_EQ(config_.maxIndexNum, 1000);
    ASSERT_EQ(config_.flushDiskType, FlushDiskType::ASYNC_FLUSH);
  }

  bool crash() const { return GetParam() == "crash"; }

  void open(bool expectLastExitOK) {
    store_ = std::make_unique<MessageStore>(config_);
    Status s = store_->load();
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(store_->lastExitOK(), expectLastExitOK);
    s = store_->start();
    ASSERT_TRUE(s.ok()) << s.message();
    ASSERT_TRUE(testing::waitDispatched(*store_));
  }

  void closeStore() {
    store_->shutdown();
    store_.reset();
    EXPECT_FALSE(fs::exists(root_ + "/abort"));
  }

  // Every queue holds exactly the manifest's records (and what we appended), byte for byte.
  void verifyQueues() {
    struct Ref {
      const ManifestRecord* m = nullptr;
      const Appended* a = nullptr;
    };
    std::map<std::pair<std::string, int32_t>, std::map<int64_t, Ref>> expected;
    for (const auto& [key, units] : model_.queues) {
      for (const auto& [qo, index] : units) expected[key][qo].m = &model_.records[index];
    }
    for (const auto& a : appended_) expected[{a.topic, a.queueId}][a.queueOffset].a = &a;

    std::set<int64_t> seen;
    std::set<std::string> visibleIds;
    for (const auto& [key, units] : expected) {
      const auto& [topic, queueId] = key;
      SCOPED_TRACE(topic + "/" + std::to_string(queueId));
      const int64_t count = static_cast<int64_t>(units.size());
      ASSERT_EQ(units.begin()->first, 0);
      ASSERT_EQ(units.rbegin()->first, count - 1);
      EXPECT_EQ(store_->minOffsetInQueue(topic, queueId), 0);
      EXPECT_EQ(store_->maxOffsetInQueue(topic, queueId), count);
      for (const auto& [qo, ref] : units) {
        const int64_t offset = ref.m ? ref.m->offset : ref.a->offset;
        const std::string want =
            ref.m ? testing::pristineRecordBytes(*sample_, offset, ref.m->size) : ref.a->bytes;
        auto r = store_->getMessage(topic, queueId, qo, 1, nullptr);
        ASSERT_EQ(r.status, GetMessageStatus::FOUND) << "queue offset " << qo;
        ASSERT_EQ(r.messages.size(), 1u);
        EXPECT_EQ(r.nextBeginOffset, qo + 1);
        const std::string got = regionText(r.messages[0]);
        EXPECT_TRUE(got == want) << "record bytes differ at queue offset " << qo;
        DecodedRecord rec;
        Status s = testing::decodeRegion(r.messages[0], rec);
        ASSERT_TRUE(s.ok()) << s.message();
        EXPECT_EQ(rec.physicalOffset, offset);
        EXPECT_EQ(rec.queueOffset, qo);
        EXPECT_TRUE(seen.insert(offset).second) << "served twice: " << offset;
        if (ref.m) testing::expectMatchesManifest(rec, *ref.m);
        if (model_.dataTopics.count(topic)) {
          visibleIds.emplace(
              findProperty(rec.properties, property::kUniqClientMessageIdKeyIdx).value_or(""));
        }
        EXPECT_TRUE(regionText(store_->lookMessageByOffset(offset)) == want) << offset;
        EXPECT_EQ(store_->commitLogOffsetInQueue(topic, queueId, qo), offset);
      }
      EXPECT_EQ(store_->getMessage(topic, queueId, count, 1, nullptr).status,
                GetMessageStatus::OFFSET_OVERFLOW_ONE);
    }
    // No other queue, except the transaction op queue (two op records, not in the manifest).
    for (const auto& [topic, queueId] : store_->consumeQueueKeys()) {
      if (expected.count({topic, queueId})) continue;
      EXPECT_EQ(topic, kOpTopic);
      EXPECT_EQ(queueId, 0);
      EXPECT_EQ(store_->maxOffsetInQueue(topic, queueId), 2);
      for (int64_t qo = 0; qo < 2; ++qo) {
        auto r = store_->getMessage(topic, queueId, qo, 1, nullptr);
        ASSERT_EQ(r.status, GetMessageStatus::FOUND);
        DecodedRecord rec;
        ASSERT_TRUE(testing::decodeRegion(r.messages[0], rec).ok());
        EXPECT_EQ(rec.topic, kOpTopic);
        EXPECT_TRUE(seen.insert(rec.physicalOffset).second);
      }
    }
    // Pending delayed and rolled-back messages are not in their real topics; their schedule /
    // half records are readable by CommitLog offset.
    size_t invisible = 0;
    for (const auto& m : model_.records) {
      if (m.kind != "delay-pending" && m.kind != "tx-rollback") continue;
      SCOPED_TRACE(m.label);
      EXPECT_EQ(visibleIds.count(m.uniqKey), 0u);
      const MappedRegion look = store_->lookMessageByOffset(m.offset);
      EXPECT_TRUE(regionText(look) == testing::pristineRecordBytes(*sample_, m.offset, m.size));
      DecodedRecord rec;
      ASSERT_TRUE(testing::decodeRegion(look, rec).ok());
      testing::expectMatchesManifest(rec, m);
      ++invisible;
    }
    EXPECT_EQ(invisible, model_.invisibleIds.size());
    EXPECT_EQ(invisible, 6u);  // 5 pending delayed + 1 rolled back, in both samples
    EXPECT_EQ(store_->minPhyOffset(), 0);
    EXPECT_EQ(store_->maxPhyOffset(), expectedEnd_);
    EXPECT_FALSE(store_->lookMessageByOffset(store_->maxPhyOffset()).valid());
  }

  // Each key the manifest's records carry finds them (filtered by topic and key: hash collisions
  // may add other messages).
  void verifyKeyQueries() {
    std::map<std::pair<std::string, std::string>, std::set<int64_t>> byKey;
    for (const auto& m : model_.records) {
      for (const auto& k : m.keys) byKey[{m.topic, k}].insert(m.offset);
    }
    for (const auto& a : appended_) {
      for (const auto& k : a.keys) byKey[{a.topic, k}].insert(a.offset);
    }
    size_t exact = 0;
    for (const auto& [key, offsets] : byKey) {
      const auto& [topic, k] = key;
      SCOPED_TRACE(topic + "#" + k);
      QueryMessageResult q = store_->queryMessage(topic, k, 64, 0, INT64_MAX);
      std::set<int64_t> found;
      for (const auto& region : q.messages) {
        DecodedRecord rec;
        Status s = testing::decodeRegion(region, rec);
        ASSERT_TRUE(s.ok()) << s.message();
        if (rec.topic != topic || !keysOf(rec).count(k)) continue;  // a hash collision
        EXPECT_TRUE(offsets.count(rec.physicalOffset)) << "unexpected " << rec.physicalOffset;
        found.insert(rec.physicalOffset);
      }
      if (offsets.size() <= 32) {
        EXPECT_EQ(found, offsets);
        ++exact;
      } else {
        EXPECT_FALSE(found.empty());
      }
    }
    EXPECT_GT(exact, model_.records.size());  // every UNIQ_KEY, plus the unique business keys
    EXPECT_TRUE(store_->queryMessage("SAMPLE_A", "no-such-key", 64, 0, INT64_MAX).messages.empty());
  }

  void verifyOffsetsByTime() {
    for (const auto& [key, units] : model_.queues) {
      const auto& [topic, queueId] = key;
      SCOPED_TRACE(topic + "/" + std::to_string(queueId));
      const int64_t max = store_->maxOffsetInQueue(topic, queueId);
      for (const auto& [qo, index] : units) {
        const int64_t t = jnum(*model_.records[index].view, "storeTimestamp");
        const int64_t r = store_->offsetInQueueByTime(topic, queueId, t);
        ASSERT_GE(r, 0);
        ASSERT_LT(r, max);
        const int64_t tr = store_->messageStoreTimestamp(topic, queueId, r);
        if (max <= kUnitsPerCqFile) {
          // One file: the binary search sees every unit and hits the time exactly.
          EXPECT_EQ(tr, t) << "queue offset " << qo << " -> " << r;
          continue;
        }
        // Several files: the file is chosen by modification time (one-second resolution in the
        // tarball), so a search may land in a neighbouring file, on its first or last unit.
        const bool firstOfFile = r % kUnitsPerCqFile == 0;
        const bool lastOfFile = (r + 1) % kUnitsPerCqFile == 0 || r + 1 == max;
        EXPECT_TRUE(tr == t || (firstOfFile && tr >= t) || (lastOfFile && tr <= t))
            << "queue offset " << qo << " at " << t << " -> " << r << " at " << tr;
      }
      EXPECT_EQ(store_->offsetInQueueByTime(topic, queueId, 0), 0);
      EXPECT_EQ(store_->offsetInQueueByTime(topic, queueId, INT64_MAX), max - 1);
    }
  }

  void append();
  void verifyFilesInJavaLayout();

  const testing::JavaStoreSample* sample_ = nullptr;
  testing::ManifestModel model_;
  testing::TempDir tmp_;
  std::string root_;
  MessageStoreConfig config_;
  std::unique_ptr<MessageStore> store_;
  std::vector<Appended> appended_;
  int64_t expectedEnd_ = 0;
};

// Appends round-robin to every queue of the data topics (single messages and batches, IPv4 and
// IPv6 born hosts) until the CommitLog has rolled into a new file, checking each placement.
void JavaStoreOpen::append() {
  const int64_t fileSize = config_.mappedFileSizeCommitLog;
  std::vector<std::pair<std::string, int32_t>> queues;
  std::map<std::pair<std::string, int32_t>, int64_t> next;
  for (const auto& t : sample_->manifest["topics"].GetObject()) {
    for (int32_t q = 0; q < t.value.GetInt(); ++q) {
      queues.emplace_back(t.name.GetString(), q);
      next[queues.back()] = store_->maxOffsetInQueue(queues.back().first, q);
      ASSERT_EQ(next[queues.back()], static_cast<int64_t>(model_.queues[queues.back()].size()));
    }
  }
  const int64_t firstFile = store_->maxPhyOffset() / fileSize;
  int64_t offset = store_->maxPhyOffset();
  int afterRoll = 0;
  for (int i = 0; afterRoll < 20; ++i) {
    const auto& queue = queues[static_cast<size_t>(i) % queues.size()];
    const size_t count = i % 17 == 3 ? 4 : 1;  // some batches
    std::vector<std::string> bodies, props;
    std::vector<std::vector<std::string>> keys;
    std::vector<MessageToStore> batch;
    for (size_t j = 0; j < count; ++j) {
      const std::string id = std::to_string(i) + "-" + std::to_string(j);
      bodies.push_back("new body " + id + " " + std::string(2000 + (i * 131) % 1500, 'a' + i % 26));
      keys.push_back({"CPPUNIQ" + id, "NEW-" + id, "NEWK" + std::to_string(i % 5)});
      const std::string keysText = "NEW-" + id + " NEWK" + std::to_string(i % 5);
      std::vector<Property> p{{property::kKeys, keysText},
                              {property::kUniqClientMessageIdKeyIdx, keys.back()[0]},
                              {"cpp", "written by the C++ store"}};
      if (i % 4 != 3) p.push_back({property::kTags, i % 2 ? "TagNew" : "TagA"});
      props.push_back(encodeProperties(p));
    }
    for (size_t j = 0; j < count; ++j) {
      MessageToStore m;
      m.topic = queue.first;
      m.queueId = queue.second;
      m.flag = i;
      m.body = asBytes(bodies[j]);
      m.properties = props[j];
      if (count > 1) m.batchProperties = "CLUSTER\x01StoreSampleCluster\x02WAIT\x01true";
      m.bornTimestamp = 1800000000000 + i;
      m.bornHost =
          i % 11 == 0 ? HostAddress::ipv6Address(
                            {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 40000 + i)
                      : HostAddress::ipv4(192, 0, 2, 2, 40000 + i);
      m.storeHost = HostAddress::ipv4(127, 0, 0, 1, 42911);
      batch.push_back(m);
    }
    size_t total = 0;
    for (const auto& m : batch) total += recordLength(m);
    const PutMessageResult r = testing::putBatchAndWait(*store_, batch);
    ASSERT_EQ(r.status, PutMessageStatus::PUT_OK) << i;
    ASSERT_EQ(r.msgNum, static_cast<int32_t>(count));
    // Queue offsets continue the Java ones.
    ASSERT_EQ(r.logicsOffset, next[queue]) << queue.first << "/" << queue.second;
    if (offset % fileSize + static_cast<int64_t>(total) + record::kEndOfFileMinFree > fileSize) {
      offset += fileSize - offset % fileSize;  // blank marker, then the next file
    }
    ASSERT_EQ(r.wroteOffset, offset) << i;
    ASSERT_EQ(r.wroteBytes, static_cast<int32_t>(total));
    for (size_t j = 0; j < count; ++j) {
      Appended a;
      a.topic = queue.first;
      a.queueId = queue.second;
      a.queueOffset = next[queue]++;
      a.offset = offset;
      a.keys = keys[j];
      a.bytes.assign(recordLength(batch[j]), '\0');
      size_t written = 0;
      std::span<uint8_t> out(reinterpret_cast<uint8_t*>(a.bytes.data()), a.bytes.size());
      ASSERT_TRUE(
          encodeRecord(batch[j], {a.queueOffset, a.offset, r.storeTimestamp}, out, &written).ok());
      EXPECT_TRUE(regionText(store_->lookMessageByOffset(offset)) == a.bytes) << offset;
      offset += static_cast<int64_t>(written);
      appended_.push_back(std::move(a));
    }
    if (offset / fileSize > firstFile) ++afterRoll;
  }
  expectedEnd_ = offset;
  EXPECT_EQ(store_->maxPhyOffset(), offset);
}

// After a clean shutdown: the whole CommitLog walks from offset 0 with the decoder, every file
// has the configured length and a Java name, and each file ends with a blank marker or zeros.
void JavaStoreOpen::verifyFilesInJavaLayout() {
  const int64_t fileSize = config_.mappedFileSizeCommitLog;
  testing::CommitLogWalk walk;
  Status s = testing::walkCommitLog(root_ + "/commitlog", fileSize, walk);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(walk.end, expectedEnd_);
  EXPECT_EQ(walk.endReason, "zero");
  EXPECT_TRUE(testing::zeroAfterEnd(walk));
  EXPECT_EQ(walk.names.size(), static_cast<size_t>(expectedEnd_ / fileSize + 1));
  EXPECT_EQ(walk.blanks.size(), walk.names.size() - 1);
  EXPECT_EQ(walk.records.size(), model_.records.size() + 2 + appended_.size());
  std::map<int64_t, const Appended*> ours;
  for (const auto& a : appended_) ours[a.offset] = &a;
  for (const auto& w : walk.records) {
    const int64_t offset = w.record.physicalOffset;
    const std::string bytes(asText(w.record.bytes));
    if (auto it = model_.byOffset.find(offset); it != model_.byOffset.end()) {
      EXPECT_TRUE(bytes == testing::pristineRecordBytes(*sample_, offset, w.record.totalSize));
    } else if (auto a = ours.find(offset); a != ours.end()) {
      EXPECT_TRUE(bytes == a->second->bytes) << offset;
    } else {
      EXPECT_EQ(w.record.topic, kOpTopic) << offset;
    }
  }
  const int64_t cqSize = config_.consumeQueueFileSize();
  size_t cqFiles = 0;
  for (const auto& e : fs::recursive_directory_iterator(root_ + "/consumequeue")) {
    if (!e.is_regular_file()) continue;
    const std::string name = e.path().filename();
    EXPECT_EQ(static_cast<int64_t>(e.file_size()), cqSize) << e.path();
    EXPECT_EQ(name.size(), 20u) << e.path();
    EXPECT_EQ(std::stoll(name) % cqSize, 0) << e.path();
    ++cqFiles;
  }
  EXPECT_GT(cqFiles, model_.queues.size());
  for (const auto& name : testing::listDirectory(root_ + "/index")) {
    EXPECT_EQ(name.size(), 17u) << name;
    EXPECT_EQ(testing::fileLength(root_ + "/index/" + name), 40 + 100 * 4 + 1000 * 20) << name;
  }
}

TEST_P(JavaStoreOpen, RecoveryServesExactlyTheManifestMessages) {
  const std::string prealloc = root_ + "/commitlog/00000000000002097152";
  EXPECT_EQ(fs::exists(root_ + "/abort"), crash());
  EXPECT_EQ(fs::exists(prealloc), crash());
  if (crash()) {
    EXPECT_EQ(expectedEnd_, kCrashProcessOffset);
    store_ = std::make_unique<MessageStore>(config_);
    Status s = store_->load();
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_FALSE(store_->lastExitOK());
    // Abnormal recovery ends after the last tail message and drops the pre-allocated file.
    EXPECT_EQ(store_->maxPhyOffset(), kCrashProcessOffset);
    EXPECT_FALSE(fs::exists(prealloc));
    s = store_->start();
    ASSERT_TRUE(s.ok()) << s.message();
    ASSERT_TRUE(testing::waitDispatched(*store_));
    size_t tails = 0;
    for (const auto& m : sample_->manifest["messages"].GetArray()) {
      if (jstr(m, "kind") != "tail") continue;
      const auto& send = m["send"];
      auto r = store_->getMessage(jstr(m, "topic"), static_cast<int32_t>(jnum(send, "queueId")),
                                  jnum(send, "queueOffset"), 1, nullptr);
      ASSERT_EQ(r.status, GetMessageStatus::FOUND) << jstr(m, "label");
      DecodedRecord rec;
      ASSERT_TRUE(testing::decodeRegion(r.messages[0], rec).ok());
      EXPECT_EQ(rec.physicalOffset, jnum(send, "commitLogOffset")) << jstr(m, "label");
      EXPECT_EQ(offsetMsgId(rec.storeHost, rec.physicalOffset), jstr(send, "offsetMsgId"));
      ++tails;
    }
    EXPECT_EQ(tails, 10u);
  } else {
    ASSERT_NO_FATAL_FAILURE(open(true));
  }
  ASSERT_NO_FATAL_FAILURE(verifyQueues());
}

TEST_P(JavaStoreOpen, IndexAndTimeQueriesFindTheManifestMessages) {
  ASSERT_NO_FATAL_FAILURE(open(!crash()));
  ASSERT_NO_FATAL_FAILURE(verifyKeyQueries());
  ASSERT_NO_FATAL_FAILURE(verifyOffsetsByTime());
}

TEST_P(JavaStoreOpen, AppendShutdownReopenKeepsJavaLayout) {
  ASSERT_NO_FATAL_FAILURE(open(!crash()));
  ASSERT_NO_FATAL_FAILURE(append());
  ASSERT_TRUE(testing::waitDispatched(*store_));
  ASSERT_NO_FATAL_FAILURE(verifyQueues());
  closeStore();
  ASSERT_NO_FATAL_FAILURE(open(true));
  ASSERT_NO_FATAL_FAILURE(verifyQueues());
  ASSERT_NO_FATAL_FAILURE(verifyKeyQueries());
  closeStore();
  ASSERT_NO_FATAL_FAILURE(verifyFilesInJavaLayout());
}

INSTANTIATE_TEST_SUITE_P(Samples, JavaStoreOpen,
                         ::testing::Values(std::string("clean-shutdown"), std::string("crash")),
                         [](const auto& info) {
                           return info.param == "crash" ? std::string("Crash")
                                                        : std::string("CleanShutdown");
                         });

}  // namespace
}  // namespace rmq::store
