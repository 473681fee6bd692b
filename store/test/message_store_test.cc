// The store end to end in one process: append, dispatch, read back, restart, recovery.
#include "store/message_store.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <future>

#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::store {
namespace {

class MessageStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/storetestXXXXXX";
    dir_ = mkdtemp(tmpl);
    config_ = MessageStoreConfig::defaults();
    config_.storePathRootDir = dir_;
    config_.storePathCommitLog = dir_ + "/commitlog";
    config_.mappedFileSizeCommitLog = 64 * 1024;
    config_.mappedFileSizeConsumeQueue = 100 * 20;
    config_.maxHashSlotNum = 64;
    config_.maxIndexNum = 256;
    config_.flushIntervalCommitLog = 10;
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void open() {
    store_ = std::make_unique<MessageStore>(config_);
    Status s = store_->load();
    ASSERT_TRUE(s.ok()) << s.message();
    s = store_->start();
    ASSERT_TRUE(s.ok()) << s.message();
  }

  PutMessageResult put(const std::string& topic, int queueId, const std::string& body,
                       const std::string& tags = "", const std::string& keys = "") {
    std::vector<Property> props;
    if (!tags.empty()) props.push_back({property::kTags, tags});
    if (!keys.empty()) props.push_back({property::kKeys, keys});
    std::string propText = encodeProperties(props);
    MessageToStore m;
    m.topic = topic;
    m.queueId = queueId;
    m.body = asBytes(body);
    m.properties = propText;
    m.bornTimestamp = 1700000000000;
    m.bornHost = HostAddress::ipv4(127, 0, 0, 1, 5555);
    m.storeHost = HostAddress::ipv4(127, 0, 0, 1, 10911);
    std::promise<PutMessageResult> p;
    store_->putMessage(m, [&p](const PutMessageResult& r) { p.set_value(r); });
    return p.get_future().get();
  }

  void waitDispatched() {
    for (int i = 0; i < 2000 && store_->dispatchBehindBytes() > 0; ++i) usleep(1000);
  }

  std::string dir_;
  MessageStoreConfig config_;
  std::unique_ptr<MessageStore> store_;
};

TEST_F(MessageStoreTest, AppendDispatchAndReadBack) {
  open();
  for (int i = 0; i < 300; ++i) {
    auto r = put("TopicA", i % 2, "body-" + std::to_string(i) + std::string(300, '.'),
                 i % 3 == 0 ? "TagA" : "TagB", "k" + std::to_string(i));
    ASSERT_EQ(r.status, PutMessageStatus::PUT_OK);
    EXPECT_EQ(r.logicsOffset, i / 2);
  }
  waitDispatched();
  EXPECT_EQ(store_->maxOffsetInQueue("TopicA", 0), 150);
  EXPECT_EQ(store_->maxOffsetInQueue("TopicA", 1), 150);
  EXPECT_EQ(store_->minOffsetInQueue("TopicA", 0), 0);
  // More than one CommitLog file (64 KiB each) and more than one CQ file (100 units).
  EXPECT_GT(store_->commitLog().files().fileCount(), 1u);

  int64_t offset = 0;
  int seen = 0;
  while (true) {
    auto r = store_->getMessage("TopicA", 0, offset, 32, nullptr);
    if (r.status != GetMessageStatus::FOUND) {
      EXPECT_EQ(r.status, GetMessageStatus::OFFSET_OVERFLOW_ONE);
      break;
    }
    for (const auto& m : r.messages) {
      DecodedRecord rec;
      ASSERT_TRUE(
          decodeRecord(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(m.data), m.size),
                       rec)
              .ok());
      EXPECT_EQ(rec.queueOffset, offset + (&m - r.messages.data()));
      EXPECT_EQ(asText(rec.body), "body-" + std::to_string(2 * seen) + std::string(300, '.'));
      ++seen;
    }
    offset = r.nextBeginOffset;
  }
  EXPECT_EQ(seen, 150);

  auto q = store_->queryMessage("TopicA", "k42", 32, 0, INT64_MAX);
  ASSERT_EQ(q.messages.size(), 1u);
  EXPECT_EQ(store_->getMessage("TopicA", 0, 151, 32, nullptr).status,
            GetMessageStatus::OFFSET_OVERFLOW_BADLY);
  EXPECT_EQ(store_->getMessage("Nope", 0, 0, 32, nullptr).status,
            GetMessageStatus::NO_MESSAGE_IN_QUEUE);
}

class TagFilter : public MessageFilter {
 public:
  explicit TagFilter(int64_t code) : code_(code) {}
  bool isMatchedByConsumeQueue(int64_t tagsCode) const override { return tagsCode == code_; }
  bool isMatchedByCommitLog(std::string_view) const override { return true; }

 private:
  int64_t code_;
};

TEST_F(MessageStoreTest, TagFilterOnTagsCode) {
  open();
  for (int i = 0; i < 10; ++i) put("T", 0, "b", i % 2 ? "TagA" : "TagB");
  waitDispatched();
  TagFilter f(tagsCodeOf("TagA"));
  auto r = store_->getMessage("T", 0, 0, 32, &f);
  EXPECT_EQ(r.status, GetMessageStatus::FOUND);
  EXPECT_EQ(r.messages.size(), 5u);
  EXPECT_EQ(r.nextBeginOffset, 10);
  TagFilter none(tagsCodeOf("TagC"));
  EXPECT_EQ(store_->getMessage("T", 0, 0, 32, &none).status, GetMessageStatus::NO_MATCHED_MESSAGE);
}

TEST_F(MessageStoreTest, CleanRestartKeepsEverythingAndContinuesOffsets) {
  open();
  for (int i = 0; i < 50; ++i) put("T", 0, std::string(1000, 'a' + i % 26));
  store_->shutdown();
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/abort"));
  open();
  EXPECT_TRUE(store_->lastExitOK());
  EXPECT_EQ(store_->maxOffsetInQueue("T", 0), 50);
  auto r = put("T", 0, "after restart");
  EXPECT_EQ(r.logicsOffset, 50);
  waitDispatched();
  EXPECT_EQ(store_->maxOffsetInQueue("T", 0), 51);
}

TEST_F(MessageStoreTest, AbnormalRecoveryTruncatesATornTailAndRebuildsQueues) {
  open();
  std::vector<PutMessageResult> results;
  for (int i = 0; i < 20; ++i) results.push_back(put("T", 0, std::string(500, 'x')));
  waitDispatched();
  store_->shutdown();
  // Simulate a crash: the abort file is back, the last record is torn, the CQ is gone.
  {
    FILE* f = fopen((dir_ + "/abort").c_str(), "w");
    fclose(f);
  }
  const auto& last = results.back();
  {
    int fd = ::open(
        (dir_ + "/commitlog/" + offsetToFileName(last.wroteOffset - last.wroteOffset % (64 * 1024)))
            .c_str(),
        O_RDWR);
    ASSERT_GE(fd, 0);
    char junk[16] = "garbagegarbage!";
    ASSERT_EQ(pwrite(fd, junk, sizeof(junk), last.wroteOffset % (64 * 1024) + 200), 16);
    close(fd);
  }
  std::filesystem::remove_all(dir_ + "/consumequeue");
  open();
  EXPECT_FALSE(store_->lastExitOK());
  EXPECT_EQ(store_->maxPhyOffset(), last.wroteOffset);
  EXPECT_EQ(store_->maxOffsetInQueue("T", 0), 19);
  auto r = put("T", 0, "next");
  EXPECT_EQ(r.logicsOffset, 19);
  EXPECT_EQ(r.wroteOffset, last.wroteOffset);
}

TEST_F(MessageStoreTest, SyncFlushGroupCommit) {
  config_.flushDiskType = FlushDiskType::SYNC_FLUSH;
  open();
  std::vector<std::future<PutMessageResult>> futures;
  std::vector<std::unique_ptr<std::promise<PutMessageResult>>> promises;
  std::string body(200, 'z');
  MessageToStore m;
  m.topic = "S";
  m.body = asBytes(body);
  m.bornHost = HostAddress::ipv4(127, 0, 0, 1, 1);
  m.storeHost = HostAddress::ipv4(127, 0, 0, 1, 2);
  for (int i = 0; i < 100; ++i) {
    promises.push_back(std::make_unique<std::promise<PutMessageResult>>());
    futures.push_back(promises.back()->get_future());
    auto* p = promises.back().get();
    store_->putMessage(m, [p](const PutMessageResult& r) { p->set_value(r); });
  }
  for (auto& f : futures) EXPECT_EQ(f.get().status, PutMessageStatus::PUT_OK);
  EXPECT_GE(store_->commitLog().flushedWhere(), store_->maxPhyOffset());
}

TEST_F(MessageStoreTest, SecondStoreOnSameDirectoryIsRefused) {
  open();
  MessageStore other(config_);
  ASSERT_TRUE(other.load().ok());
  Status s = other.start();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("Lock failed"), std::string::npos);
}

}  // namespace
}  // namespace rmq::store
