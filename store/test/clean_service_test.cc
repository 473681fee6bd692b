// Retention: expired CommitLog files go (never the current one), then the ConsumeQueue and
// index files below the new min offset; the disk-full guard refuses and re-admits writes.
#include "store/clean_service.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <future>

#include "common/time_util.h"
#include "store/message_store.h"

namespace rmq::store {
namespace {

class CleanServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cleantestXXXXXX";
    dir_ = mkdtemp(tmpl);
    config_ = MessageStoreConfig::defaults();
    config_.storePathRootDir = dir_;
    config_.storePathCommitLog = dir_ + "/commitlog";
    config_.mappedFileSizeCommitLog = 64 * 1024;
    config_.mappedFileSizeConsumeQueue = 20 * 20;
    config_.maxHashSlotNum = 16;
    config_.maxIndexNum = 64;
    config_.deleteWhen = "99";  // never by the clock
    store_ = std::make_unique<MessageStore>(config_);
    ASSERT_TRUE(store_->load().ok());
    ASSERT_TRUE(store_->start().ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  PutMessageStatus put(int i) {
    std::string body = "m" + std::to_string(i) + std::string(900, 'x');
    std::string props = std::string("KEYS\x01") + "k" + std::to_string(i);
    MessageToStore m;
    m.topic = "T";
    m.body = asBytes(body);
    m.properties = props;
    m.bornHost = HostAddress::ipv4(127, 0, 0, 1, 1);
    m.storeHost = HostAddress::ipv4(127, 0, 0, 1, 2);
    std::promise<PutMessageStatus> p;
    store_->putMessage(m, [&](const PutMessageResult& r) { p.set_value(r.status); });
    return p.get_future().get();
  }

  std::string dir_;
  MessageStoreConfig config_;
  std::unique_ptr<MessageStore> store_;
};

TEST_F(CleanServiceTest, ManualDeleteKeepsTheCurrentFileAndCleansQueues) {
  for (int i = 0; i < 300; ++i) ASSERT_EQ(put(i), PutMessageStatus::PUT_OK);
  for (int i = 0; i < 2000 && store_->dispatchBehindBytes() > 0; ++i) usleep(1000);
  const size_t files = store_->commitLog().files().fileCount();
  ASSERT_GT(files, 3u);
  const size_t cqFiles = store_->findConsumeQueue("T", 0, false)->files().fileCount();
  ASSERT_GT(cqFiles, 3u);
  auto& clean = store_->cleanService();
  clean.setProbes([] { return 0.10; }, [] { return rmq::nowMillis(); });
  // Not expired yet (reserved 72 h): nothing goes, even when asked.
  clean.requestDeleteNow();
  clean.run();
  EXPECT_EQ(store_->commitLog().files().fileCount(), files);
  // Everything older than "now + 100 h" is expired: all files but the current one go.
  clean.setProbes([] { return 0.10; }, [] { return rmq::nowMillis() + 100LL * 3600 * 1000; });
  clean.run();
  EXPECT_EQ(store_->commitLog().files().fileCount(), 1u);
  const int64_t minPhy = store_->minPhyOffset();
  EXPECT_GT(minPhy, 0);
  EXPECT_LT(store_->findConsumeQueue("T", 0, false)->files().fileCount(), cqFiles);
  // Reads below the new minimum are refused with the queue's new min offset.
  const int64_t minOffset = store_->minOffsetInQueue("T", 0);
  EXPECT_GT(minOffset, 0);
  auto r = store_->getMessage("T", 0, 0, 1, nullptr);
  EXPECT_EQ(r.status, GetMessageStatus::OFFSET_TOO_SMALL);
  EXPECT_EQ(r.nextBeginOffset, minOffset);
  auto ok = store_->getMessage("T", 0, minOffset, 1, nullptr);
  EXPECT_EQ(ok.status, GetMessageStatus::FOUND);
  // Appends continue.
  EXPECT_EQ(put(1000), PutMessageStatus::PUT_OK);
}

TEST_F(CleanServiceTest, DiskFullRefusesWritesUntilSpaceReturns) {
  ASSERT_EQ(put(1), PutMessageStatus::PUT_OK);
  auto& clean = store_->cleanService();
  clean.setProbes([] { return 0.95; }, [] { return rmq::nowMillis(); });
  clean.run();
  EXPECT_TRUE(store_->isDiskFull());
  EXPECT_EQ(put(2), PutMessageStatus::SERVICE_NOT_AVAILABLE);
  clean.setProbes([] { return 0.50; }, [] { return rmq::nowMillis(); });
  clean.run();
  EXPECT_FALSE(store_->isDiskFull());
  EXPECT_EQ(put(3), PutMessageStatus::PUT_OK);
}

TEST(CleanService, DiskUsageProbe) {
  double r = CleanService::diskUsedRatio("/tmp");
  EXPECT_GE(r, 0.0);
  EXPECT_LE(r, 1.0);
  EXPECT_EQ(CleanService::diskUsedRatio("/definitely/not/here"), -1);
}

// Java's rule: used = total - free, over used + usable (the root reserve left out), rounded up
// to whole percent. The blocks of a disk with a large root reserve (statvfs of the build
// machine): Java says 0.33 where (total - usable) / total would say 0.74.
TEST(CleanService, UsedRatioFollowsJava) {
  constexpr uint64_t B = 4096;
  EXPECT_DOUBLE_EQ(CleanService::usedRatioOf(66053021 * B, 57919650 * B, 16950926 * B), 0.33);
  EXPECT_DOUBLE_EQ(CleanService::usedRatioOf(100, 50, 50), 0.50);     // exact: no rounding up
  EXPECT_DOUBLE_EQ(CleanService::usedRatioOf(1000, 499, 499), 0.51);  // 50.05 % -> 51 %
  EXPECT_DOUBLE_EQ(CleanService::usedRatioOf(100, 100, 90), 0.0);
  EXPECT_EQ(CleanService::usedRatioOf(0, 0, 0), -1);
  EXPECT_EQ(CleanService::usedRatioOf(100, 100, 0), -1);
}

}  // namespace
}  // namespace rmq::store
