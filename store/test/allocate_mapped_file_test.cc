// The next CommitLog file made ahead of the writer, the warm-ahead window, and the queue offset
// table: what the writer takes, what recovery and shutdown must not leave behind.
#include "store/allocate_mapped_file_service.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "store/commit_log.h"
#include "store/mapped_file_queue.h"

namespace rmq::store {
namespace {

namespace fs = std::filesystem;

class AllocateMappedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/allocatetestXXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(dir_); }
  size_t filesOnDisk() const {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir_)) n += e.is_regular_file() ? 1 : 0;
    return n;
  }
  // Pages of [from, to) of a file's mapping that are mapped into this process (present in its
  // page tables, /proc/self/pagemap bit 63), as opposed to merely cached by the kernel.
  static size_t residentPages(const MappedFile& f, int64_t from, int64_t to) {
    int fd = ::open("/proc/self/pagemap", O_RDONLY);
    EXPECT_GE(fd, 0);
    size_t n = 0;
    const auto first = reinterpret_cast<uintptr_t>(f.data() + from) / MappedFile::kPageSize;
    for (int64_t i = 0; i < (to - from) / MappedFile::kPageSize; ++i) {
      uint64_t entry = 0;
      EXPECT_EQ(::pread(fd, &entry, 8, static_cast<off_t>((first + i) * 8)), 8);
      n += (entry >> 63) & 1;
    }
    ::close(fd);
    return n;
  }
  std::string dir_;
};

constexpr int64_t kFileSize = 1 << 20;

TEST_F(AllocateMappedFileTest, WriterTakesThePreparedFile) {
  MappedFileQueue q(dir_, kFileSize);
  Status s;
  Status none;
  EXPECT_EQ(q.prepareNextFile(none), nullptr);  // empty queue: nothing to follow
  EXPECT_TRUE(none.ok());
  auto first = q.lastFileForWrite(0, s);
  ASSERT_TRUE(first) << s.message();
  auto next = q.prepareNextFile(s);
  ASSERT_TRUE(next) << s.message();
  EXPECT_EQ(next->fileFromOffset(), kFileSize);
  EXPECT_EQ(q.prepareNextFile(s), next);  // idempotent
  EXPECT_EQ(q.fileCount(), 1u);           // not part of the log until taken
  EXPECT_EQ(q.maxOffset(), 0);
  EXPECT_EQ(filesOnDisk(), 2u);

  first->setWrotePosition(kFileSize);
  auto taken = q.lastFileForWrite(0, s);
  EXPECT_EQ(taken, next);
  EXPECT_EQ(q.preparedFile(), nullptr);
  EXPECT_EQ(q.fileCount(), 2u);
  EXPECT_EQ(taken->wrotePosition(), 0);
}

TEST_F(AllocateMappedFileTest, TruncationAndShutdownDeleteThePreparedFile) {
  Status s;
  {
    MappedFileQueue q(dir_, kFileSize);
    auto first = q.lastFileForWrite(0, s);
    first->setWrotePosition(kFileSize);
    ASSERT_TRUE(q.lastFileForWrite(0, s));
    ASSERT_TRUE(q.prepareNextFile(s));  // file 3 on disk
    EXPECT_EQ(filesOnDisk(), 3u);
    // Truncating into the first file removes the second and the prepared third: a later load
    // must not see a gap.
    ASSERT_TRUE(q.truncateDirtyFiles(100).ok());
    EXPECT_EQ(filesOnDisk(), 1u);
    ASSERT_TRUE(q.prepareNextFile(s));
    EXPECT_EQ(filesOnDisk(), 2u);
    q.dropPreparedFile();
    EXPECT_EQ(filesOnDisk(), 1u);
  }
  MappedFileQueue reloaded(dir_, kFileSize);
  EXPECT_TRUE(reloaded.load().ok());
  EXPECT_EQ(reloaded.fileCount(), 1u);
}

TEST_F(AllocateMappedFileTest, ServicePreparesAndWarmsAheadOfTheWriter) {
  MappedFileQueue q(dir_, kFileSize);
  Status s;
  auto first = q.lastFileForWrite(0, s);
  ASSERT_TRUE(first);
  first->setWrotePosition(kFileSize - 64 * 1024);
  const int64_t ahead = 256 * 1024;
  AllocateMappedFileService service(q, ahead, true);
  service.prepareOnce();
  auto next = q.preparedFile();
  ASSERT_TRUE(next);
  // The window runs over the end of the first file into the prepared one.
  EXPECT_EQ(residentPages(*first, kFileSize - 64 * 1024, kFileSize), 16u);
  EXPECT_EQ(residentPages(*next, 0, 192 * 1024), 48u);
  EXPECT_EQ(residentPages(*next, 512 * 1024, kFileSize), 0u);  // not beyond the window
  // The warm-up only faults pages in: the file is still all zeros.
  for (int64_t i = 0; i < kFileSize; i += 4096) ASSERT_EQ(next->data()[i], 0);
  service.shutdown();
}

TEST_F(AllocateMappedFileTest, TrimUnmapsOnlyWhatIsFlushedAndBehindTheWindow) {
  MappedFileQueue q(dir_, kFileSize);
  Status s;
  auto first = q.lastFileForWrite(0, s);
  ASSERT_TRUE(first);
  std::memset(first->data(), 'x', kFileSize);
  first->setWrotePosition(kFileSize);
  auto second = q.lastFileForWrite(0, s);
  ASSERT_TRUE(second);
  std::memset(second->data(), 'y', 512 * 1024);
  second->setWrotePosition(512 * 1024);
  ASSERT_TRUE(first->flush(0).ok());
  q.setFlushedWhere(kFileSize);  // the second file is not flushed yet
  AllocateMappedFileService service(q, 0, false);
  service.trimResident(256 * 1024);
  EXPECT_EQ(residentPages(*first, 0, kFileSize), 0u);
  EXPECT_EQ(residentPages(*second, 0, 512 * 1024), 128u);  // unflushed: stays mapped
  // Unmapped is not lost: the bytes come back from the page cache.
  EXPECT_EQ(first->data()[12345], 'x');
  ASSERT_TRUE(second->flush(0).ok());
  q.setFlushedWhere(kFileSize + 512 * 1024);
  service.trimResident(256 * 1024);
  EXPECT_EQ(residentPages(*second, 0, 256 * 1024), 0u);
  EXPECT_EQ(residentPages(*second, 256 * 1024, 512 * 1024), 64u);  // within the window
}

TEST(QueueOffsetTableTest, KeysByTopicAndQueue) {
  QueueOffsetTable t;
  EXPECT_EQ(t.next("T", 0), 0);
  t.advance("T", 0, 3);
  t.advance("T", 1, 1);
  t.set("T-1", 0, 7);  // a topic that looks like "topic-queueId" is still its own key
  EXPECT_EQ(t.next("T", 0), 3);
  EXPECT_EQ(t.next("T", 1), 1);
  EXPECT_EQ(t.next("T-1", 0), 7);
  int64_t& slot = t.slot("U", 2);
  EXPECT_EQ(slot, 0);
  slot = 5;
  EXPECT_EQ(t.next("U", 2), 5);
  t.remove("T", 0);
  EXPECT_EQ(t.next("T", 0), 0);
  EXPECT_EQ(t.next("T", 1), 1);
}

}  // namespace
}  // namespace rmq::store

#include "store/store_stats_service.h"

namespace rmq::store {
namespace {

TEST(StoreStatsService, DistributionAndLatencyOfTheLastMinute) {
  StoreStatsService s;
  EXPECT_FALSE(s.distributionText());
  EXPECT_EQ(s.putLatency(0.99), 0.0);
  for (int i = 0; i < 98; ++i) s.onPut(0, 1, 100, true);
  s.onPut(15, 2, 300, true);
  s.onPut(700, 1, 0, false);
  s.onGet(3);
  s.onGet(1);
  EXPECT_EQ(s.putTimesTotal(), 100);
  EXPECT_EQ(s.putSizeTotal(), 98 * 100 + 300);
  EXPECT_EQ(s.putFailedTimes(), 1);
  EXPECT_EQ(s.putEntireTimeMax(), 700);
  EXPECT_EQ(s.getEntireTimeMax(), 3);
  s.rotate();
  EXPECT_EQ(*s.distributionText(),
            "[<=0ms]:98 [0~10ms]:0 [10~50ms]:1 [50~100ms]:0 [100~200ms]:0 [200~500ms]:0 "
            "[500ms~1s]:1 [1~2s]:0 [2~3s]:0 [3~4s]:0 [4~5s]:0 [5~10s]:0 [10s~]:0 ");
  // Java's rule: index = (long)(total * px), interpolated within the bucket it falls in. With
  // 100 puts both 0.99 and 0.999 give index 99, the 15 ms bucket (14, 15]; 1.0 reaches the
  // (600, 700] bucket.
  EXPECT_DOUBLE_EQ(s.putLatency(0.99), 15.0);
  EXPECT_DOUBLE_EQ(s.putLatency(0.999), 15.0);
  EXPECT_DOUBLE_EQ(s.putLatency(1.0), 700.0);
  s.rotate();  // a quiet minute
  EXPECT_EQ(*s.distributionText(),
            "[<=0ms]:0 [0~10ms]:0 [10~50ms]:0 [50~100ms]:0 [100~200ms]:0 [200~500ms]:0 "
            "[500ms~1s]:0 [1~2s]:0 [2~3s]:0 [3~4s]:0 [4~5s]:0 [5~10s]:0 [10s~]:0 ");
  EXPECT_EQ(s.putTimesTotal(), 100);  // totals are not per minute
}

}  // namespace
}  // namespace rmq::store
