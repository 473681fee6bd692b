#include "store/message_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "common/file_util.h"
#include "common/logging.h"
#include "common/properties.h"
#include "common/time_util.h"
#include "store/byte_io.h"
#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::store {

const char* getMessageStatusName(GetMessageStatus s) {
  switch (s) {
    case GetMessageStatus::FOUND:
      return "FOUND";
    case GetMessageStatus::NO_MATCHED_MESSAGE:
      return "NO_MATCHED_MESSAGE";
    case GetMessageStatus::MESSAGE_WAS_REMOVING:
      return "MESSAGE_WAS_REMOVING";
    case GetMessageStatus::OFFSET_FOUND_NULL:
      return "OFFSET_FOUND_NULL";
    case GetMessageStatus::OFFSET_OVERFLOW_BADLY:
      return "OFFSET_OVERFLOW_BADLY";
    case GetMessageStatus::OFFSET_OVERFLOW_ONE:
      return "OFFSET_OVERFLOW_ONE";
    case GetMessageStatus::OFFSET_TOO_SMALL:
      return "OFFSET_TOO_SMALL";
    case GetMessageStatus::NO_MATCHED_LOGIC_QUEUE:
      return "NO_MATCHED_LOGIC_QUEUE";
    default:
      return "NO_MESSAGE_IN_QUEUE";
  }
}

namespace {

std::vector<std::string> listDirectory(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool isDirectory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool fileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool dispatchesToQueue(int32_t sysFlag) {
  const int32_t t = sysFlag & sysflag::kTransactionMask;
  return t == sysflag::kTransactionNot || t == sysflag::kTransactionCommit;
}

}  // namespace

MessageStore::MessageStore(MessageStoreConfig config) : config_(std::move(config)) {
  physicalMemoryBytes_ = int64_t(::sysconf(_SC_PHYS_PAGES)) * int64_t(::sysconf(_SC_PAGESIZE));
}

MessageStore::~MessageStore() {
  shutdown();
}

Status MessageStore::loadConsumeQueues() {
  const std::string root = config_.consumeQueueDir();
  std::unique_lock lock(cqMutex_);
  consumeQueues_.clear();
  for (const auto& topic : listDirectory(root)) {
    if (!isDirectory(root + "/" + topic)) continue;
    for (const auto& q : listDirectory(root + "/" + topic)) {
      auto queueId = parseJavaInt(q);
      if (!queueId) continue;  // Java ignores non-numeric entries
      auto cq =
          std::make_unique<ConsumeQueue>(topic, *queueId, root, config_.consumeQueueFileSize());
      Status s = cq->load();
      if (!s.ok()) return s;
      consumeQueues_[topic][*queueId] = std::move(cq);
    }
  }
  return Status::Ok();
}

Status MessageStore::load() {
  Status s = DelayLevelTable::parse(config_.messageDelayLevel, delayLevels_);
  if (!s.ok()) return s;
  lastExitOK_ = !fileExists(config_.abortPath());
  RMQ_LOG(INFO) << "message store loading " << config_.storePathRootDir << ", last shutdown "
                << (lastExitOK_ ? "normal" : "abnormal");
  commitLog_ = std::make_unique<CommitLog>(config_);
  commitLog_->setStatsService(&storeStats_);
  s = commitLog_->load();
  if (!s.ok()) return s;
  s = loadConsumeQueues();
  if (!s.ok()) return s;
  s = checkpoint_.open(config_.checkpointPath());
  if (!s.ok()) return s;
  indexService_ = std::make_unique<IndexService>(config_, checkpoint_);
  cleanService_ = std::make_unique<CleanService>(*this, config_);
  s = indexService_->load(lastExitOK_);
  if (!s.ok()) return s;

  // Recovery: consume queues first, then the CommitLog (which may truncate them).
  const int64_t started = monotonicMillis();
  int64_t maxPhyOffsetOfConsumeQueue = -1;
  {
    std::shared_lock lock(cqMutex_);
    for (auto& [topic, queues] : consumeQueues_) {
      for (auto& [id, cq] : queues) {
        s = cq->recover();
        if (!s.ok()) return s;
        maxPhyOffsetOfConsumeQueue = std::max(maxPhyOffsetOfConsumeQueue, cq->maxPhysicOffset());
      }
    }
  }
  if (commitLog_->files().empty()) {
    std::shared_lock lock(cqMutex_);
    for (auto& [topic, queues] : consumeQueues_) {
      for (auto& [id, cq] : queues) (void)cq->destroy();
    }
  }
  const int64_t minTs = config_.messageIndexEnable && config_.messageIndexSafe
                            ? checkpoint_.minTimestampIndex()
                            : checkpoint_.minTimestamp();
  CommitLog::RecoveryResult rr;
  s = commitLog_->recover(
      !lastExitOK_, minTs, [this](const DecodedRecord& rec, int64_t off) { dispatch(rec, off); },
      rr);
  if (!s.ok()) return s;
  if (maxPhyOffsetOfConsumeQueue >= rr.processOffset || !lastExitOK_) {
    std::shared_lock lock(cqMutex_);
    for (auto& [topic, queues] : consumeQueues_) {
      for (auto& [id, cq] : queues) {
        if (cq->maxPhysicOffset() >= rr.processOffset || !lastExitOK_) {
          s = cq->truncateDirtyLogicFiles(rr.processOffset);
          if (!s.ok()) return s;
        }
      }
    }
  }
  recoverTopicQueueTable();
  RMQ_LOG(INFO) << "message store recovered in " << monotonicMillis() - started
                << " ms: CommitLog [" << commitLog_->minOffset() << ", " << commitLog_->maxOffset()
                << ")";
  return Status::Ok();
}

void MessageStore::recoverTopicQueueTable() {
  std::lock_guard<std::mutex> put(commitLog_->putLock());
  const int64_t minPhy = commitLog_->minOffset();
  auto& table = commitLog_->queueOffsets();
  table.clear();
  std::shared_lock lock(cqMutex_);
  for (auto& [topic, queues] : consumeQueues_) {
    for (auto& [id, cq] : queues) {
      table.set(topic, id, cq->maxOffsetInQueue());
      cq->correctMinOffset(minPhy);
    }
  }
}

Status MessageStore::acquireLock() {
  Status s = makeDirectories(config_.storePathRootDir);
  if (!s.ok()) return s;
  lockFd_ = ::open(config_.lockPath().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lockFd_ < 0) return Status::Error("open " + config_.lockPath() + ": " + strerror(errno));
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = 0;
  fl.l_len = 1;
  // An open-file-description lock: it conflicts with the classic POSIX lock a Java broker takes
  // on the same byte (FileChannel.tryLock), and also with a second open in this process.
  if (::fcntl(lockFd_, F_OFD_SETLK, &fl) != 0) {
    ::close(lockFd_);
    lockFd_ = -1;
    return Status::Error("Lock failed, MQ already started: another broker holds " +
                         config_.lockPath());
  }
  ssize_t n = ::pwrite(lockFd_, "lock", 4, 0);
  (void)n;
  return Status::Ok();
}

void MessageStore::releaseLock() {
  if (lockFd_ >= 0) {
    ::close(lockFd_);  // closing drops the fcntl lock
    lockFd_ = -1;
  }
}

Status MessageStore::start() {
  Status s = acquireLock();
  if (!s.ok()) return s;
  int64_t from = std::max<int64_t>(commitLog_->minOffset(), 0);
  {
    std::shared_lock lock(cqMutex_);
    for (auto& [topic, queues] : consumeQueues_) {
      for (auto& [id, cq] : queues) from = std::max(from, cq->maxPhysicOffset());
    }
  }
  if (from < commitLog_->minOffset()) from = commitLog_->minOffset();
  reputFromOffset_.store(from);
  stopReput_ = false;
  reputThread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "ReputService");
    reputLoop();
  });
  if (!waitForReputCatchUp(60 * 60 * 1000)) return Status::Error("dispatch did not catch up");
  recoverTopicQueueTable();

  commitLog_->start();
  stopCqFlush_ = false;
  cqFlushThread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "FlushConsumeQ");
    flushConsumeQueueLoop();
  });
  s = writeFileAtomically(config_.abortPath(), "");
  if (!s.ok()) return s;
  running_ = true;
  RMQ_LOG(INFO) << "message store started, dispatch from offset " << from;
  return Status::Ok();
}

void MessageStore::shutdown() {
  if (!running_.exchange(false)) return;
  const bool caughtUp = waitForReputCatchUp(5000);
  stopReput_ = true;
  {
    std::lock_guard<std::mutex> lock(reputMutex_);
    reputCv_.notify_all();
  }
  if (reputThread_.joinable()) reputThread_.join();
  commitLog_->shutdown();
  {
    std::lock_guard<std::mutex> lock(cqFlushMutex_);
    stopCqFlush_ = true;
  }
  cqFlushCv_.notify_all();
  if (cqFlushThread_.joinable()) cqFlushThread_.join();
  {
    std::shared_lock lock(cqMutex_);
    for (auto& [topic, queues] : consumeQueues_) {
      for (auto& [id, cq] : queues) (void)cq->flush(0);
    }
  }
  indexService_->flush();
  if (commitLog_->flushedStoreTimestamp() > 0) {
    checkpoint_.setPhysicMsgTimestamp(commitLog_->flushedStoreTimestamp());
  }
  (void)checkpoint_.flush();
  if (caughtUp && !diskFull_) ::unlink(config_.abortPath().c_str());
  releaseLock();
  RMQ_LOG(INFO) << "message store shut down" << (caughtUp ? "" : " (dispatch not caught up)");
}

// ---- dispatch ----

void MessageStore::dispatch(const DecodedRecord& rec, int64_t offset) {
  DispatchRequest d;
  d.topic = rec.topic;
  d.queueId = rec.queueId;
  d.commitLogOffset = offset;
  d.msgSize = rec.totalSize;
  d.storeTimestamp = rec.storeTimestamp;
  d.consumeQueueOffset = rec.queueOffset;
  d.sysFlag = rec.sysFlag;
  d.preparedTransactionOffset = rec.preparedTransactionOffset;
  d.properties = rec.properties;
  d.tagsCode = tagsCodeOf(tagsOf(rec.properties));
  if (rec.topic == kScheduleTopic) {
    if (auto level = findProperty(rec.properties, property::kDelayTimeLevel)) {
      auto l = parseJavaInt(*level);
      if (l && *l > 0) {
        d.tagsCode = delayLevels_.deliverTimestamp(std::min(*l, delayLevels_.maxLevel()),
                                                   rec.storeTimestamp);
      }
    }
  }
  d.keys = findProperty(rec.properties, property::kKeys).value_or(std::string_view());
  d.uniqKey = findProperty(rec.properties, property::kUniqClientMessageIdKeyIdx)
                  .value_or(std::string_view());
  if (dispatchesToQueue(rec.sysFlag)) {
    ConsumeQueue* cq = findConsumeQueue(d.topic, d.queueId);
    if (cq && cq->putUnit(offset, d.msgSize, d.tagsCode, d.consumeQueueOffset)) {
      checkpoint_.setLogicsMsgTimestamp(d.storeTimestamp);
    }
  }
  if (config_.messageIndexEnable && indexService_) {
    IndexRequest ir{d.topic, d.keys, d.uniqKey, offset, d.storeTimestamp, d.sysFlag};
    indexService_->buildIndex(ir);
  }
  if (running_ && arrivalListener_ && dispatchesToQueue(rec.sysFlag)) arrivalListener_(d);
}

bool MessageStore::reputOnce() {
  int64_t from = reputFromOffset_.load();
  const int64_t minOffset = commitLog_->minOffset();
  if (minOffset >= 0 && from < minOffset) {
    RMQ_LOG(WARN) << "dispatch offset " << from << " below the CommitLog min offset " << minOffset
                  << ", moving on";
    from = minOffset;
    reputFromOffset_.store(from);
  }
  if (from >= commitLog_->maxOffset()) return false;
  MappedRegion region = commitLog_->getData(from);
  if (!region.valid()) {
    // Nothing readable at this offset in its file: the writer moved to the next file.
    const int64_t next = commitLog_->rollNextFile(from);
    if (next <= commitLog_->maxOffset() && commitLog_->files().findFileByOffset(next)) {
      reputFromOffset_.store(next);
      return true;
    }
    return false;
  }
  auto* base = reinterpret_cast<const uint8_t*>(region.data);
  int64_t pos = 0;
  while (pos < region.size && !stopReput_) {
    DecodedRecord rec;
    Status s =
        decodeRecord(std::span<const uint8_t>(base + pos, static_cast<size_t>(region.size - pos)),
                     rec, DecodeOptions{false, true});
    if (s.ok() && rec.kind == RecordKind::kMessage) {
      dispatch(rec, from + pos);
      pos += rec.totalSize;
      continue;
    }
    if (s.ok() && rec.kind == RecordKind::kBlank) {
      reputFromOffset_.store(commitLog_->rollNextFile(from + pos));
      return true;
    }
    if (s.ok() && rec.kind == RecordKind::kEndOfData) break;
    RMQ_LOG(ERROR) << "dispatch found an unreadable record at " << from + pos << ": " << s.message()
                   << "; skipping the rest of this chunk";
    pos = region.size;
  }
  reputFromOffset_.store(from + pos);
  return pos > 0;
}

void MessageStore::reputLoop() {
  // While messages stream in, the dispatcher naps between rounds instead of sleeping until a
  // put signals it: a stream then costs one wake-up per nap, not one futex wake per put (12 %
  // of a send on the I/O thread before). After a round that finds nothing it sleeps until
  // signalled, so the first message after a quiet period is dispatched at once.
  constexpr auto kNap = std::chrono::microseconds(500);
  bool streaming = false;
  while (!stopReput_) {
    if (reputOnce()) {
      streaming = true;
      continue;
    }
    if (streaming) {
      streaming = false;
      std::unique_lock<std::mutex> lock(reputMutex_);
      reputCv_.wait_for(lock, kNap, [this] { return stopReput_.load(); });
      continue;
    }
    // Announce the sleep, then look once more: a put that published before it could see the
    // announcement is found here; one that publishes after it sees it and signals.
    reputWaiting_.store(true);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (reputOnce()) {
      reputWaiting_.store(false);
      continue;
    }
    {
      std::unique_lock<std::mutex> lock(reputMutex_);
      // The timeout is only a safety net: every append path signals.
      reputCv_.wait_for(lock, std::chrono::milliseconds(100),
                        [this] { return reputSignaled_.load() || stopReput_.load(); });
    }
    reputSignaled_.store(false);
    reputWaiting_.store(false);
  }
}

void MessageStore::wakeReput() {
  // Pairs with the fence in reputLoop (store-load ordering on both sides).
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (!reputWaiting_.load(std::memory_order_relaxed)) return;
  if (reputSignaled_.exchange(true)) return;
  std::lock_guard<std::mutex> lock(reputMutex_);
  reputCv_.notify_one();
}

bool MessageStore::waitForReputCatchUp(int64_t timeoutMillis) {
  const int64_t deadline = monotonicMillis() + timeoutMillis;
  while (reputFromOffset_.load() < commitLog_->maxOffset()) {
    if (monotonicMillis() > deadline || !reputThread_.joinable()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

void MessageStore::flushConsumeQueueLoop() {
  int64_t lastThorough = monotonicMillis();
  // Retention shares this thread: first run 60 s after start, then every cleanResourceInterval.
  int64_t nextClean = monotonicMillis() + std::min(60000, config_.cleanResourceInterval * 6);
  std::unique_lock<std::mutex> lock(cqFlushMutex_);
  while (!stopCqFlush_) {
    cqFlushCv_.wait_for(lock, std::chrono::milliseconds(config_.flushIntervalConsumeQueue),
                        [this] { return stopCqFlush_; });
    if (stopCqFlush_) break;
    lock.unlock();
    int leastPages = config_.flushConsumeQueueLeastPages;
    const int64_t now = monotonicMillis();
    const bool thorough = now - lastThorough >= config_.flushConsumeQueueThoroughInterval;
    if (thorough) {
      lastThorough = now;
      leastPages = 0;
    }
    const int64_t logics = checkpoint_.logicsMsgTimestamp();
    {
      std::shared_lock cqLock(cqMutex_);
      for (auto& [topic, queues] : consumeQueues_) {
        for (auto& [id, cq] : queues) (void)cq->flush(leastPages);
      }
    }
    storeStats_.maybeRotate(monotonicMillis());
    if (monotonicMillis() >= nextClean) {
      nextClean = monotonicMillis() + config_.cleanResourceInterval;
      cleanService_->run();
    }
    if (thorough) {
      indexService_->flush();
      if (commitLog_->flushedStoreTimestamp() > 0) {
        checkpoint_.setPhysicMsgTimestamp(commitLog_->flushedStoreTimestamp());
      }
      checkpoint_.setLogicsMsgTimestamp(logics);
      (void)checkpoint_.flush();
    }
    lock.lock();
  }
}

// ---- writes ----

namespace {
bool waitPropertyOf(std::span<const MessageToStore> batch) {
  if (batch.empty()) return true;
  auto w = findProperty(batch.front().properties, property::kWaitStoreMsgOk);
  return !w || parseJavaBoolean(*w);
}
}  // namespace

void MessageStore::putMessage(const MessageToStore& msg, PutCallback done) {
  std::span<const MessageToStore> one(&msg, 1);
  putMessages(one, waitPropertyOf(one), std::move(done));
}

void MessageStore::putMessage(const MessageToStore& msg, bool waitStoreMsgOK, PutCallback done) {
  putMessages(std::span<const MessageToStore>(&msg, 1), waitStoreMsgOK, std::move(done));
}

void MessageStore::putMessages(std::span<const MessageToStore> batch, PutCallback done) {
  putMessages(batch, waitPropertyOf(batch), std::move(done));
}

void MessageStore::putMessages(std::span<const MessageToStore> batch, bool waitStoreMsgOK,
                               PutCallback done) {
  if (config_.brokerRole == BrokerRole::SLAVE || diskFull_.load() || !running_.load()) {
    PutMessageResult r;
    r.status = PutMessageStatus::SERVICE_NOT_AVAILABLE;
    done(r);
    return;
  }
  if (commitLog_->isOsPageCacheBusy()) {
    PutMessageResult r;
    r.status = PutMessageStatus::OS_PAGECACHE_BUSY;
    done(r);
    return;
  }
  commitLog_->putMessages(batch, waitStoreMsgOK, std::move(done));
  wakeReput();
}

// ---- reads ----

ConsumeQueue* MessageStore::findConsumeQueue(std::string_view topic, int32_t queueId, bool create) {
  {
    std::shared_lock lock(cqMutex_);
    auto t = consumeQueues_.find(topic);
    if (t != consumeQueues_.end()) {
      auto q = t->second.find(queueId);
      if (q != t->second.end()) return q->second.get();
    }
  }
  if (!create) return nullptr;
  std::unique_lock lock(cqMutex_);
  auto& slot = consumeQueues_[std::string(topic)][queueId];
  if (!slot) {
    slot = std::make_unique<ConsumeQueue>(std::string(topic), queueId, config_.consumeQueueDir(),
                                          config_.consumeQueueFileSize());
  }
  return slot.get();
}

std::vector<std::pair<std::string, int32_t>> MessageStore::consumeQueueKeys() const {
  std::vector<std::pair<std::string, int32_t>> out;
  std::shared_lock lock(cqMutex_);
  for (const auto& [topic, queues] : consumeQueues_) {
    for (const auto& [id, cq] : queues) out.emplace_back(topic, id);
  }
  return out;
}

void MessageStore::deleteTopics(const std::vector<std::string>& topics) {
  for (const auto& topic : topics) {
    std::map<int32_t, std::unique_ptr<ConsumeQueue>> queues;
    {
      std::unique_lock lock(cqMutex_);
      auto it = consumeQueues_.find(topic);
      if (it == consumeQueues_.end()) continue;
      queues = std::move(it->second);
      consumeQueues_.erase(it);
    }
    {
      std::lock_guard<std::mutex> put(commitLog_->putLock());
      for (auto& [id, cq] : queues) commitLog_->queueOffsets().remove(topic, id);
    }
    for (auto& [id, cq] : queues) (void)cq->destroy();
    ::rmdir((config_.consumeQueueDir() + "/" + topic).c_str());
    RMQ_LOG(INFO) << "deleted consume queues of topic " << topic;
  }
}

GetMessageResult MessageStore::getMessage(std::string_view topic, int32_t queueId, int64_t offset,
                                          int32_t maxMsgNums, const MessageFilter* filter) {
  const int64_t beginMs = monotonicMillis();
  GetMessageResult r = getMessageImpl(topic, queueId, offset, maxMsgNums, filter);
  storeStats_.onGet(monotonicMillis() - beginMs);
  return r;
}

GetMessageResult MessageStore::getMessageImpl(std::string_view topic, int32_t queueId,
                                              int64_t offset, int32_t maxMsgNums,
                                              const MessageFilter* filter) {
  GetMessageResult r;
  r.nextBeginOffset = offset;
  const bool slave = config_.brokerRole == BrokerRole::SLAVE && !config_.offsetCheckInSlave;
  auto correct = [&](int64_t oldOffset, int64_t newOffset) {
    return slave ? oldOffset : newOffset;
  };
  const int64_t maxOffsetPy = commitLog_->maxOffset();
  ConsumeQueue* cq = findConsumeQueue(topic, queueId);
  if (!cq) {
    r.status = GetMessageStatus::NO_MATCHED_LOGIC_QUEUE;
    r.nextBeginOffset = correct(offset, 0);
    return r;
  }
  r.minOffset = cq->minOffsetInQueue();
  r.maxOffset = cq->maxOffsetInQueue();
  if (r.maxOffset == 0) {
    r.status = GetMessageStatus::NO_MESSAGE_IN_QUEUE;
    r.nextBeginOffset = correct(offset, 0);
  } else if (offset < r.minOffset) {
    r.status = GetMessageStatus::OFFSET_TOO_SMALL;
    r.nextBeginOffset = correct(offset, r.minOffset);
  } else if (offset == r.maxOffset) {
    r.status = GetMessageStatus::OFFSET_OVERFLOW_ONE;
    r.nextBeginOffset = correct(offset, offset);
  } else if (offset > r.maxOffset) {
    r.status = GetMessageStatus::OFFSET_OVERFLOW_BADLY;
    // 4.9.4 and later always move such a consumer to the max offset (older versions used the
    // min offset when it was 0, which made a stale consumer re-read the whole queue).
    r.nextBeginOffset = correct(offset, r.maxOffset);
  } else {
    MappedRegion units = cq->getUnits(offset);
    if (!units.valid()) {
      r.status = GetMessageStatus::OFFSET_FOUND_NULL;
      r.nextBeginOffset = correct(offset, cq->rollNextFile(offset));
      return r;
    }
    r.status = GetMessageStatus::NO_MATCHED_MESSAGE;
    int64_t nextPhyFileStartOffset = INT64_MIN;
    int64_t maxPhyOffsetPulling = 0;
    const int64_t maxFilterBytes = std::max<int64_t>(16000, int64_t(maxMsgNums) * 20);
    const int64_t memory = physicalMemoryBytes_ * config_.accessMessageInMemoryMaxRatio / 100;
    int64_t i = 0;
    int32_t count = 0;
    auto* u = reinterpret_cast<const uint8_t*>(units.data);
    for (; i + 20 <= units.size && i < maxFilterBytes; i += 20) {
      const int64_t offsetPy = loadI64(u + i + cq::kCommitLogOffsetOffset);
      const int32_t sizePy = loadI32(u + i + cq::kSizeOffset);
      const int64_t tagsCode = loadI64(u + i + cq::kTagsCodeOffset);
      maxPhyOffsetPulling = offsetPy;
      if (nextPhyFileStartOffset != INT64_MIN && offsetPy < nextPhyFileStartOffset) continue;
      const bool inDisk = maxOffsetPy - offsetPy > memory;
      // Java's isTheBatchFull.
      if (r.bufferTotalSize != 0 && count != 0) {
        if (maxMsgNums <= count) break;
        const int64_t maxBytes = inDisk ? config_.maxTransferBytesOnMessageInDisk
                                        : config_.maxTransferBytesOnMessageInMemory;
        const int32_t maxCount = inDisk ? config_.maxTransferCountOnMessageInDisk
                                        : config_.maxTransferCountOnMessageInMemory;
        if (r.bufferTotalSize + sizePy > maxBytes || count > maxCount - 1) break;
      }
      if (filter && !filter->isMatchedByConsumeQueue(tagsCode)) {
        if (r.bufferTotalSize == 0) r.status = GetMessageStatus::NO_MATCHED_MESSAGE;
        continue;
      }
      MappedRegion msg = commitLog_->getData(offsetPy, sizePy);
      if (!msg.valid()) {
        if (r.bufferTotalSize == 0) r.status = GetMessageStatus::MESSAGE_WAS_REMOVING;
        nextPhyFileStartOffset = commitLog_->rollNextFile(offsetPy);
        continue;
      }
      if (filter) {
        DecodedRecord rec;
        Status s = decodeRecord(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(msg.data),
                                                         static_cast<size_t>(msg.size)),
                                rec, DecodeOptions{false, true});
        if (!s.ok() || !filter->isMatchedByCommitLog(rec.properties)) {
          if (r.bufferTotalSize == 0) r.status = GetMessageStatus::NO_MATCHED_MESSAGE;
          continue;
        }
      }
      r.bufferTotalSize += msg.size;
      r.messages.push_back(std::move(msg));
      ++count;
      r.status = GetMessageStatus::FOUND;
      nextPhyFileStartOffset = INT64_MIN;
    }
    r.nextBeginOffset = offset + i / 20;
    r.suggestPullingFromSlave = maxOffsetPy - maxPhyOffsetPulling > memory;
  }
  return r;
}

int64_t MessageStore::maxOffsetInQueue(std::string_view topic, int32_t queueId) {
  ConsumeQueue* cq = findConsumeQueue(topic, queueId, false);
  return cq ? cq->maxOffsetInQueue() : 0;
}

int64_t MessageStore::minOffsetInQueue(std::string_view topic, int32_t queueId) {
  ConsumeQueue* cq = findConsumeQueue(topic, queueId, false);
  return cq ? cq->minOffsetInQueue() : -1;
}

int64_t MessageStore::commitLogOffsetInQueue(std::string_view topic, int32_t queueId,
                                             int64_t queueOffset) {
  ConsumeQueue* cq = findConsumeQueue(topic, queueId, false);
  ConsumeQueueUnit u;
  if (cq && cq->getUnit(queueOffset, u)) return u.commitLogOffset;
  return 0;
}

int64_t MessageStore::messageStoreTimestamp(std::string_view topic, int32_t queueId,
                                            int64_t queueOffset) {
  ConsumeQueue* cq = findConsumeQueue(topic, queueId, false);
  ConsumeQueueUnit u;
  if (!cq || !cq->getUnit(queueOffset, u)) return -1;
  MappedRegion m = commitLog_->getData(u.commitLogOffset, u.size);
  if (!m.valid()) return -1;
  int32_t bornHostLen =
      (loadI32(reinterpret_cast<const uint8_t*>(m.data) + record::kSysFlagOffset) &
       sysflag::kBornHostV6)
          ? record::kIpv6HostLength
          : record::kIpv4HostLength;
  return loadI64(reinterpret_cast<const uint8_t*>(m.data) +
                 record::storeTimestampOffset(bornHostLen));
}

int64_t MessageStore::earliestMessageTime(std::string_view topic, int32_t queueId) {
  ConsumeQueue* cq = findConsumeQueue(topic, queueId, false);
  if (!cq) return -1;
  return messageStoreTimestamp(topic, queueId, cq->minOffsetInQueue());
}

int64_t MessageStore::offsetInQueueByTime(std::string_view topic, int32_t queueId,
                                          int64_t timestamp) {
  ConsumeQueue* cq = findConsumeQueue(topic, queueId, false);
  if (!cq) return 0;
  return cq->offsetInQueueByTime(
      timestamp, commitLog_->minOffset(), [this](int64_t offset, int32_t size) -> int64_t {
        MappedRegion m = commitLog_->getData(offset, size);
        if (!m.valid()) return -1;
        auto* p = reinterpret_cast<const uint8_t*>(m.data);
        int32_t len = (loadI32(p + record::kSysFlagOffset) & sysflag::kBornHostV6)
                          ? record::kIpv6HostLength
                          : record::kIpv4HostLength;
        return loadI64(p + record::storeTimestampOffset(len));
      });
}

MappedRegion MessageStore::lookMessageByOffset(int64_t commitLogOffset) {
  MappedRegion head = commitLog_->getData(commitLogOffset, 4);
  if (!head.valid()) return {};
  const int32_t size = loadI32(reinterpret_cast<const uint8_t*>(head.data));
  if (size <= 0) return {};
  return commitLog_->getData(commitLogOffset, size);
}

MappedRegion MessageStore::selectOneMessageByOffset(int64_t commitLogOffset, int32_t size) {
  return commitLog_->getData(commitLogOffset, size);
}

QueryMessageResult MessageStore::queryMessage(std::string_view topic, std::string_view key,
                                              int32_t maxNum, int64_t begin, int64_t end) {
  QueryMessageResult r;
  int64_t lastQueryMsgTime = end;
  for (int attempt = 0; attempt < 3; ++attempt) {
    QueryOffsetResult q = indexService_->queryOffset(topic, key, maxNum, begin, lastQueryMsgTime);
    if (q.phyOffsets.empty()) break;
    std::sort(q.phyOffsets.begin(), q.phyOffsets.end());
    r.indexLastUpdateTimestamp = q.indexLastUpdateTimestamp;
    r.indexLastUpdatePhyoffset = q.indexLastUpdatePhyoffset;
    for (size_t m = 0; m < q.phyOffsets.size(); ++m) {
      MappedRegion msg = lookMessageByOffset(q.phyOffsets[m]);
      if (!msg.valid()) continue;
      if (m == 0) {
        auto* p = reinterpret_cast<const uint8_t*>(msg.data);
        int32_t len = (loadI32(p + record::kSysFlagOffset) & sysflag::kBornHostV6)
                          ? record::kIpv6HostLength
                          : record::kIpv4HostLength;
        lastQueryMsgTime = loadI64(p + record::storeTimestampOffset(len));
      }
      r.bufferTotalSize += msg.size;
      r.messages.push_back(std::move(msg));
    }
    if (r.bufferTotalSize > 0 || lastQueryMsgTime < begin) break;
  }
  return r;
}

bool MessageStore::checkInDiskByConsumeOffset(std::string_view topic, int32_t queueId,
                                              int64_t queueOffset) {
  ConsumeQueue* cq = findConsumeQueue(topic, queueId, false);
  ConsumeQueueUnit u;
  if (!cq || !cq->getUnit(queueOffset, u)) return false;  // nothing there: not "in disk"
  const int64_t phy = u.commitLogOffset;
  const int64_t memory = physicalMemoryBytes_ * config_.accessMessageInMemoryMaxRatio / 100;
  return commitLog_->maxOffset() - phy > memory;
}

}  // namespace rmq::store
