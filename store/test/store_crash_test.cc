// Real crashes: a child process (store_crash_child) appends with SYNC_FLUSH from several threads
// and is SIGKILLed at random points, also while it is still recovering. After a kill the store is
// reopened (abnormal recovery) by the next child, or by this test, which then checks that every
// acknowledged message is present and intact, that nothing past the recovered end is served,
// and that queue offsets continue. Runs for STORE_CRASH_SECONDS (default 20) seconds;
// STORE_CRASH_SEED replays a run.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>

#include "common/logging.h"
#include "common/time_util.h"
#include "store/message_store.h"
#include "store/test/java_store_samples.h"
#include "store/test/store_crash_protocol.h"
#include "store/test/store_test_util.h"

namespace rmq::store {
namespace {

using crashtest::Ack;

int64_t envOr(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoll(v, nullptr, 10) : fallback;
}

struct Child {
  pid_t pid = -1;
  int out = -1;  // read end of its stdout
};

class StoreCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    log::setLevel(log::Level::WARN);
    root_ = tmp_.path() + "/store";
    logPath_ = tmp_.path() + "/child.log";
    config_ = crashtest::storeConfig(root_);
  }

  Child spawn(uint64_t cycle) {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    const std::string exe = STORE_CRASH_CHILD;
    const std::string threads = "4", cycleText = std::to_string(cycle);
    std::vector<char*> argv{const_cast<char*>(exe.c_str()), const_cast<char*>(root_.c_str()),
                            const_cast<char*>(threads.c_str()),
                            const_cast<char*>(cycleText.c_str()), nullptr};
    const int log = ::open(logPath_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    Child c;
    c.pid = ::fork();
    if (c.pid == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
      ::execv(exe.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    ::close(log);
    c.out = fds[0];
    return c;
  }

  // Reads acks until `killAtMs` (monotonic), kills the child, drains the pipe, reaps it.
  void runChild(uint64_t cycle, int64_t killAtMs) {
    spawnedAtMs_ = monotonicMillis();
    Child c = spawn(cycle);
    ASSERT_GT(c.pid, 0);
    std::string pending;
    bool killed = false;
    char buf[64 * 1024];
    while (true) {
      const int64_t left = killAtMs - monotonicMillis();
      if (!killed && left <= 0) {
        ::kill(c.pid, SIGKILL);
        killed = true;
      }
      pollfd p{c.out, POLLIN, 0};
      const int rc = ::poll(&p, 1, killed ? 1000 : static_cast<int>(left));
      if (rc <= 0) continue;
      const ssize_t n = ::read(c.out, buf, sizeof(buf));
      if (n <= 0) break;  // EOF: the child is gone
      pending.append(buf, static_cast<size_t>(n));
      size_t used = 0;
      for (; used + sizeof(Ack) <= pending.size(); used += sizeof(Ack)) {
        Ack a;
        std::memcpy(&a, pending.data() + used, sizeof(a));
        ASSERT_NO_FATAL_FAILURE(acknowledged(a));
      }
      pending.erase(0, used);
    }
    ::close(c.out);
    int status = 0;
    ASSERT_EQ(::waitpid(c.pid, &status, 0), c.pid);
    if (!killed || !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
      std::string log;
      testing::readWholeFile(logPath_, log);
      FAIL() << "child of cycle " << cycle << " ended by itself (status " << status
             << "); its log:\n"
             << log;
    }
  }

  void acknowledged(const Ack& a) {
    if (a.topic == crashtest::kReady) {
      ++readyChildren_;
      lastStartupMs_ = monotonicMillis() - spawnedAtMs_;
      return;
    }
    ASSERT_TRUE(a.topic >= 0 && a.topic < crashtest::kTopics && a.queueId >= 0 &&
                a.queueId < crashtest::kQueues);
    // An offset acknowledged twice means the first message was lost and overwritten.
    ASSERT_TRUE(acks_.emplace(a.commitLogOffset, a).second)
        << "CommitLog offset " << a.commitLogOffset << " acknowledged twice";
    auto& queue = queues_[{a.topic, a.queueId}];
    ASSERT_TRUE(queue.emplace(a.queueOffset, a.commitLogOffset).second)
        << "queue offset " << a.queueOffset << " of " << a.topic << "/" << a.queueId
        << " acknowledged twice";
    const int64_t floor = floors_[{a.topic, a.queueId}];
    ASSERT_GE(a.queueOffset, floor) << "a queue offset was reused";
    ASSERT_GE(a.commitLogOffset, phyFloor_) << "a CommitLog offset was reused";
  }

  // Opens the store, checks everything, appends one message per queue, shuts down cleanly.
  void verify() {
    MessageStore store(config_);
    Status s = testing::loadWithin(store, 30);
    ASSERT_TRUE(s.ok()) << s.message();
    s = store.start();
    ASSERT_TRUE(s.ok()) << s.message();
    ASSERT_TRUE(testing::waitDispatched(store));
    const int64_t end = store.maxPhyOffset();
    for (const auto& [offset, a] : acks_) {
      SCOPED_TRACE("acknowledged message at " + std::to_string(offset));
      DecodedRecord rec;
      Status d = testing::decodeRegion(store.lookMessageByOffset(offset), rec);
      ASSERT_TRUE(d.ok()) << d.message() << " (recovered end " << end << ")";
      ASSERT_EQ(rec.topic, crashtest::topicName(a.topic));
      ASSERT_EQ(rec.queueId, a.queueId);
      ASSERT_EQ(rec.queueOffset, a.queueOffset);
      ASSERT_EQ(rec.totalSize, a.size);
      ASSERT_EQ(crashtest::bodyHash(rec.body), a.bodyHash);
      ASSERT_LE(offset + a.size, end);
      auto g = store.getMessage(rec.topic, a.queueId, a.queueOffset, 1, nullptr);
      ASSERT_EQ(g.status, GetMessageStatus::FOUND);
      ASSERT_EQ(g.messages[0].startOffset, offset);
      // The index finds the messages acknowledged since the last check, and a sample of older.
      if (offset >= phyFloor_ || ++sampled_ % 64 == 0) {
        ASSERT_NO_FATAL_FAILURE(expectIndexed(store, rec, offset));
      }
    }
    std::map<std::pair<int32_t, int32_t>, int64_t> max;
    for (int32_t t = 0; t < crashtest::kTopics; ++t) {
      for (int32_t q = 0; q < crashtest::kQueues; ++q) {
        ASSERT_NO_FATAL_FAILURE(walkQueue(store, t, q, end, max[{t, q}]));
      }
    }
    EXPECT_FALSE(store.lookMessageByOffset(end).valid());
    // Queue offsets continue right after the recovered ones.
    for (auto& [key, next] : max) {
      const uint64_t id = (uint64_t{0xFF} << 32) | static_cast<uint64_t>(++parentSeq_ << 3);
      const std::string topic = crashtest::topicName(key.first);
      const std::string body = crashtest::makeBody(id, 100), props = crashtest::propertiesFor(id);
      const PutMessageResult r =
          testing::putAndWait(store, crashtest::message(key.first, key.second, topic, body, props));
      ASSERT_EQ(r.status, PutMessageStatus::PUT_OK);
      ASSERT_EQ(r.logicsOffset, next);
      Ack a{r.wroteOffset,
            r.logicsOffset,
            key.first,
            key.second,
            r.wroteBytes,
            0,
            crashtest::bodyHash(asBytes(body))};
      ASSERT_NO_FATAL_FAILURE(acknowledged(a));
      floors_[key] = next + 1;
    }
    phyFloor_ = store.maxPhyOffset();
    ASSERT_TRUE(testing::waitDispatched(store));
    store.shutdown();
    ++verifications_;
  }

  void expectIndexed(MessageStore& store, const DecodedRecord& rec, int64_t offset) {
    uint64_t id = 0;
    ASSERT_TRUE(crashtest::checkBody(rec.body, &id));
    // Index items keep the store time in whole seconds after the file's begin time.
    const auto q = store.queryMessage(rec.topic, crashtest::uniqKeyOf(id), 32,
                                      rec.storeTimestamp - 2000, rec.storeTimestamp + 2000);
    bool found = false;
    for (const auto& region : q.messages) found = found || region.startOffset == offset;
    ASSERT_TRUE(found) << "UNIQ_KEY " << crashtest::uniqKeyOf(id) << " not in the index";
  }

  // Every unit of the queue refers to an intact record with the right queue offset, in
  // CommitLog order, below the recovered end; nothing is served past the queue's end.
  void walkQueue(MessageStore& store, int32_t t, int32_t q, int64_t end, int64_t& max) {
    const std::string topic = crashtest::topicName(t);
    SCOPED_TRACE(topic + "/" + std::to_string(q));
    max = store.maxOffsetInQueue(topic, q);
    const auto& acked = queues_[{t, q}];
    if (!acked.empty()) {
      ASSERT_LT(acked.rbegin()->first, max);
    }
    if (max == 0) {  // nothing stored in this queue yet
      EXPECT_TRUE(acked.empty());
      return;
    }
    EXPECT_EQ(store.minOffsetInQueue(topic, q), 0);
    int64_t previous = -1;
    for (int64_t qo = 0; qo < max;) {
      auto r = store.getMessage(topic, q, qo, 32, nullptr);
      ASSERT_EQ(r.status, GetMessageStatus::FOUND) << "queue offset " << qo;
      for (const auto& region : r.messages) {
        DecodedRecord rec;
        Status d = testing::decodeRegion(region, rec);
        ASSERT_TRUE(d.ok()) << d.message();
        ASSERT_EQ(rec.queueOffset, qo);
        ASSERT_EQ(rec.topic, topic);
        ASSERT_EQ(rec.queueId, q);
        ASSERT_TRUE(crashtest::checkBody(rec.body, nullptr)) << "garbage body at " << qo;
        ASSERT_GT(rec.physicalOffset, previous);
        ASSERT_LE(rec.physicalOffset + rec.totalSize, end);
        previous = rec.physicalOffset;
        ++qo;
      }
    }
    EXPECT_EQ(store.getMessage(topic, q, max, 1, nullptr).status,
              GetMessageStatus::OFFSET_OVERFLOW_ONE);
  }

  testing::TempDir tmp_;
  std::string root_;
  std::string logPath_;
  MessageStoreConfig config_;
  std::map<int64_t, Ack> acks_;
  std::map<std::pair<int32_t, int32_t>, std::map<int64_t, int64_t>> queues_;
  std::map<std::pair<int32_t, int32_t>, int64_t> floors_;
  int64_t phyFloor_ = 0;
  uint64_t parentSeq_ = 0;
  uint64_t sampled_ = 0;
  int readyChildren_ = 0;
  int notReadyInRow_ = 0;
  int64_t spawnedAtMs_ = 0;
  int64_t lastStartupMs_ = 40;
  int verifications_ = 0;
};

TEST_F(StoreCrash, KillNineNeverLosesAnAcknowledgedMessage) {
  const int64_t seconds = envOr("STORE_CRASH_SECONDS", 20);
  const uint64_t seed = static_cast<uint64_t>(envOr("STORE_CRASH_SEED", std::random_device{}()));
  std::printf("STORE_CRASH_SEED=%llu STORE_CRASH_SECONDS=%lld\n",
              static_cast<unsigned long long>(seed), static_cast<long long>(seconds));
  std::mt19937_64 rng(seed);
  // Leave room for the final verification, which reads everything once more.
  const int64_t deadline = monotonicMillis() + seconds * 1000 * 9 / 10;
  uint64_t cycle = 1;
  for (; monotonicMillis() < deadline; ++cycle) {
    // One kill in four lands before the child got through load() and start(), as long as the
    // last one took (mostly during recovery); the others while it appends.
    const uint64_t startup = static_cast<uint64_t>(std::max<int64_t>(lastStartupMs_, 1));
    const int64_t delay = rng() % 4 == 0 ? static_cast<int64_t>(rng() % startup)
                                         : startup + static_cast<int64_t>(rng() % 400);
    const int readyBefore = readyChildren_;
    ASSERT_NO_FATAL_FAILURE(runChild(cycle, monotonicMillis() + delay));
    // Half of the time the next child recovers the crashed store itself. After two children
    // in a row were killed before they got through start(), this test opens the store: a
    // recovery that can no longer finish would otherwise go unnoticed.
    notReadyInRow_ = readyChildren_ == readyBefore ? notReadyInRow_ + 1 : 0;
    if (rng() % 2 == 0 || notReadyInRow_ >= 2) {
      ASSERT_NO_FATAL_FAILURE(verify());
    }
  }
  ASSERT_NO_FATAL_FAILURE(verify());
  // The whole CommitLog still walks with the decoder up to the recovered end.
  testing::CommitLogWalk walk;
  Status s =
      testing::walkCommitLog(config_.storePathCommitLog, config_.mappedFileSizeCommitLog, walk);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(walk.end, phyFloor_);
  for (const auto& [offset, a] : acks_) {
    EXPECT_TRUE(walk.byOffset.count(offset)) << offset;
  }
  std::printf(
      "%llu cycles (%d children got through recovery, the last in %lld ms), %zu "
      "acknowledged messages, "
      "%zu records, %zu CommitLog files, %d verifications\n",
      static_cast<unsigned long long>(cycle - 1), readyChildren_,
      static_cast<long long>(lastStartupMs_), acks_.size(), walk.records.size(), walk.names.size(),
      verifications_);
  // The children's logs: torn tails and interrupted file creations are expected; errors and
  // consume-queue order warnings are not.
  std::string log;
  testing::readWholeFile(logPath_, log);
  std::printf("child log (%zu bytes):\n%s\n", log.size(),
              log.substr(0, std::min<size_t>(log.size(), 4000)).c_str());
  EXPECT_EQ(log.find(" ERROR "), std::string::npos);
  EXPECT_EQ(log.find("order maybe wrong"), std::string::npos);
  EXPECT_GT(acks_.size(), 100u);
  EXPECT_GT(walk.names.size(), 2u);
}

}  // namespace
}  // namespace rmq::store
