#include "store/commit_log.h"

#include <pthread.h>

#include <cstring>

#include "common/logging.h"
#include "common/time_util.h"
#include "store/byte_io.h"
#include "store/store_format.h"

namespace rmq::store {

const char* putMessageStatusName(PutMessageStatus s) {
  switch (s) {
    case PutMessageStatus::PUT_OK:
      return "PUT_OK";
    case PutMessageStatus::FLUSH_DISK_TIMEOUT:
      return "FLUSH_DISK_TIMEOUT";
    case PutMessageStatus::FLUSH_SLAVE_TIMEOUT:
      return "FLUSH_SLAVE_TIMEOUT";
    case PutMessageStatus::SLAVE_NOT_AVAILABLE:
      return "SLAVE_NOT_AVAILABLE";
    case PutMessageStatus::SERVICE_NOT_AVAILABLE:
      return "SERVICE_NOT_AVAILABLE";
    case PutMessageStatus::CREATE_MAPPED_FILE_FAILED:
      return "CREATE_MAPEDFILE_FAILED";
    case PutMessageStatus::MESSAGE_ILLEGAL:
      return "MESSAGE_ILLEGAL";
    case PutMessageStatus::PROPERTIES_SIZE_EXCEEDED:
      return "PROPERTIES_SIZE_EXCEEDED";
    case PutMessageStatus::OS_PAGECACHE_BUSY:
      return "OS_PAGECACHE_BUSY";
    default:
      return "UNKNOWN_ERROR";
  }
}

// ---- QueueOffsetTable ----

int64_t QueueOffsetTable::next(std::string_view topic, int32_t queueId) const {
  auto it = table_.find(KeyView{topic, queueId});
  return it == table_.end() ? 0 : it->second;
}

int64_t& QueueOffsetTable::slot(std::string_view topic, int32_t queueId) {
  auto it = table_.find(KeyView{topic, queueId});
  if (it != table_.end()) return it->second;
  return table_.emplace(Key{std::string(topic), queueId}, 0).first->second;
}

void QueueOffsetTable::remove(std::string_view topic, int32_t queueId) {
  auto it = table_.find(KeyView{topic, queueId});
  if (it != table_.end()) table_.erase(it);
}

// ---- CommitLog ----

CommitLog::CommitLog(const MessageStoreConfig& config)
    : config_(config), files_(config.commitLogDir(), config.mappedFileSizeCommitLog) {}

CommitLog::~CommitLog() {
  shutdown();
}

namespace {

// Pages kept mapped writable ahead of the write position (AllocateMappedFileService).
constexpr int64_t kWarmAheadBytes = 8 << 20;

// The records of one put, encoded before the put lock. Per thread and reused: its size only
// grows (no zero-fill on reuse) and is given back after an unusually large batch.
std::vector<uint8_t>& encodeBuffer() {
  thread_local std::vector<uint8_t> buffer;
  return buffer;
}
constexpr size_t kEncodeBufferKeep = 8 << 20;

}  // namespace

void CommitLog::start() {
  allocator_ = std::make_unique<AllocateMappedFileService>(
      files_, std::min<int64_t>(kWarmAheadBytes, config_.mappedFileSizeCommitLog),
      config_.isSyncFlush());
  allocator_->start();
  if (config_.isSyncFlush()) {
    groupCommit_ = std::make_unique<GroupCommitService>([this] { return flushAll(); },
                                                        config_.syncFlushTimeout);
    groupCommit_->start();
  } else {
    flushThread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "FlushCommitLog");
      flushLoop();
    });
  }
}

void CommitLog::shutdown() {
  {
    std::lock_guard<std::mutex> lock(flushMutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  flushCv_.notify_all();
  if (flushThread_.joinable()) flushThread_.join();
  if (groupCommit_) groupCommit_->shutdown();
  if (allocator_) allocator_->shutdown();
  files_.dropPreparedFile();
  flushAll();
}

int64_t CommitLog::flushAll() {
  const int64_t storeTs = lastStoreTimestamp_.load();
  // Everything written when the call began; a flush stops at a file's end, so the writes may
  // span a roll into the next file. Records appended meanwhile wait for the next call: chasing
  // them here would hold back the group-commit waiters this flush already covers.
  const int64_t target = files_.maxOffset();
  for (int i = 0; i < 4 && files_.flushedWhere() < target; ++i) {
    const int64_t before = files_.flushedWhere();
    Status s = files_.flush(0);
    if (!s.ok()) {
      RMQ_LOG(ERROR) << "CommitLog flush failed: " << s.message();
      break;
    }
    if (files_.flushedWhere() == before) break;
  }
  if (storeTs > 0) flushedStoreTimestamp_.store(storeTs);
  return files_.flushedWhere();
}

void CommitLog::flushLoop() {
  int64_t lastThorough = monotonicMillis();
  std::unique_lock<std::mutex> lock(flushMutex_);
  while (!stopping_) {
    flushCv_.wait_for(lock, std::chrono::milliseconds(config_.flushIntervalCommitLog),
                      [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    int leastPages = config_.flushCommitLogLeastPages;
    const int64_t now = monotonicMillis();
    if (now - lastThorough >= config_.flushCommitLogThoroughInterval) {
      lastThorough = now;
      leastPages = 0;
    }
    const int64_t storeTs = lastStoreTimestamp_.load();
    Status s = files_.flush(leastPages);
    if (!s.ok()) RMQ_LOG(ERROR) << "CommitLog flush failed: " << s.message();
    // A full file moves flushedWhere to the next file; flush that one too if it has data.
    if (s.ok() && leastPages == 0) flushAll();
    if (storeTs > 0 && files_.flushedWhere() >= files_.maxOffset()) {
      flushedStoreTimestamp_.store(storeTs);
    }
    lock.lock();
  }
}

bool CommitLog::isOsPageCacheBusy() const {
  int64_t begin = lockBeginMs_.load(std::memory_order_relaxed);
  return begin > 0 && monotonicMillis() - begin > config_.osPageCacheBusyTimeOutMills;
}

void CommitLog::complete(const PutMessageResult& result, bool waitStoreMsgOK, PutCallback& done,
                         int64_t beginMs) {
  if (stats_) {
    stats_->onPut(monotonicMillis() - beginMs, result.msgNum, result.wroteBytes,
                  result.status == PutMessageStatus::PUT_OK);
  }
  if (result.status != PutMessageStatus::PUT_OK || !config_.isSyncFlush() || !groupCommit_) {
    done(result);
    return;
  }
  if (!waitStoreMsgOK) {
    groupCommit_->wakeup();
    done(result);
    return;
  }
  groupCommit_->submit(result.wroteOffset + result.wroteBytes,
                       [result, done = std::move(done)](bool flushed) {
                         PutMessageResult r = result;
                         if (!flushed) r.status = PutMessageStatus::FLUSH_DISK_TIMEOUT;
                         done(r);
                       });
}

void CommitLog::putMessages(std::span<const MessageToStore> batch, bool waitStoreMsgOK,
                            PutCallback done) {
  const int64_t beginMs = monotonicMillis();
  PutMessageResult result;
  if (batch.empty()) {
    result.status = PutMessageStatus::MESSAGE_ILLEGAL;
    complete(result, waitStoreMsgOK, done, beginMs);
    return;
  }
  // Everything that does not need the lock happens here: validation, sizing, and encoding the
  // records with their CRCs; the placement fields are patched under the lock.
  size_t total = 0;
  for (const auto& m : batch) {
    Status v = validateRecord(m);
    if (!v.ok()) {
      result.status = m.properties.size() > 32767 ? PutMessageStatus::PROPERTIES_SIZE_EXCEEDED
                                                  : PutMessageStatus::MESSAGE_ILLEGAL;
      complete(result, waitStoreMsgOK, done, beginMs);
      return;
    }
    size_t len = recordLength(m);
    // Java's MESSAGE_SIZE_EXCEEDED: the whole record, not just the body, against maxMessageSize.
    if (len > static_cast<size_t>(config_.maxMessageSize)) {
      result.status = PutMessageStatus::MESSAGE_ILLEGAL;
      complete(result, waitStoreMsgOK, done, beginMs);
      return;
    }
    total += len;
  }
  const int64_t fileSize = config_.mappedFileSizeCommitLog;
  if (static_cast<int64_t>(total) + record::kEndOfFileMinFree > fileSize) {
    result.status = PutMessageStatus::MESSAGE_ILLEGAL;
    complete(result, waitStoreMsgOK, done, beginMs);
    return;
  }
  std::vector<uint8_t>& encoded = encodeBuffer();
  if (encoded.size() < total) encoded.resize(total);
  {
    size_t at = 0;
    for (const auto& m : batch) {
      size_t written = 0;
      Status s = encodeRecord(m, RecordPlacement{},
                              std::span<uint8_t>(encoded.data() + at, total - at), &written);
      if (!s.ok()) {
        RMQ_LOG(ERROR) << "encode record failed: " << s.message();
        result.status = PutMessageStatus::MESSAGE_ILLEGAL;
        complete(result, waitStoreMsgOK, done, beginMs);
        return;
      }
      at += written;
    }
  }
  const MessageToStore& first = batch.front();
  const int32_t txType = first.sysFlag & sysflag::kTransactionMask;
  const bool advanceQueue =
      txType == sysflag::kTransactionNot || txType == sysflag::kTransactionCommit;

  int64_t wroteFrom = 0;
  int64_t wroteTo = 0;
  bool rolled = false;
  {
    std::lock_guard<std::mutex> lock(putMutex_);
    // The put's start stands for the lock's: the encode before it takes microseconds, and the
    // page-cache-busy check works in whole milliseconds (one clock read fewer per put).
    lockBeginMs_.store(beginMs, std::memory_order_relaxed);
    const int64_t now = nowMillis();
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!writeFile_ || writeFile_->isFull()) {
        Status s;
        writeFile_ = files_.lastFileForWrite(0, s);
        if (!writeFile_) {
          RMQ_LOG(ERROR) << "create mapped file failed: " << s.message();
          result.status = PutMessageStatus::CREATE_MAPPED_FILE_FAILED;
          break;
        }
      }
      const int64_t pos = writeFile_->wrotePosition();
      const int64_t remaining = fileSize - pos;
      auto* base = reinterpret_cast<uint8_t*>(writeFile_->data());
      const int64_t fileFrom = writeFile_->fileFromOffset();
      if (static_cast<int64_t>(total) + record::kEndOfFileMinFree > remaining) {
        // Does not fit: close this file with the blank marker and retry in a new one.
        (void)encodeBlankMarker(std::span<uint8_t>(base + pos, static_cast<size_t>(remaining)),
                                static_cast<int32_t>(remaining));
        writeFile_->setWrotePosition(fileSize);
        rolled = true;
        continue;
      }
      // Prepared and rolled-back transaction records take no queue offset (they are not
      // dispatched to a ConsumeQueue).
      int64_t* queueSlot = advanceQueue ? &queueOffsets_.slot(first.topic, first.queueId) : nullptr;
      int64_t queueOffset = queueSlot ? *queueSlot : 0;
      result.logicsOffset = queueOffset;
      size_t at = 0;
      while (at < total) {
        const auto len = static_cast<size_t>(loadI32(encoded.data() + at));
        (void)patchRecordPlacement(std::span<uint8_t>(encoded.data() + at, len),
                                   RecordPlacement{queueOffset, fileFrom + pos + int64_t(at), now});
        at += len;
        if (queueSlot) ++queueOffset;
      }
      std::memcpy(base + pos, encoded.data(), total);
      writeFile_->setWrotePosition(pos + static_cast<int64_t>(total));
      if (queueSlot) *queueSlot = queueOffset;
      result.status = PutMessageStatus::PUT_OK;
      result.wroteOffset = fileFrom + pos;
      result.wroteBytes = static_cast<int32_t>(total);
      result.storeTimestamp = now;
      result.msgNum = static_cast<int32_t>(batch.size());
      lastStoreTimestamp_.store(now, std::memory_order_relaxed);
      wroteFrom = fileFrom + pos;
      wroteTo = wroteFrom + static_cast<int64_t>(total);
      break;
    }
    lockBeginMs_.store(0, std::memory_order_relaxed);
  }
  if (encoded.size() > kEncodeBufferKeep) std::vector<uint8_t>().swap(encoded);
  if (allocator_ && wroteTo > 0) allocator_->notifyWrote(wroteFrom, wroteTo, rolled);
  complete(result, waitStoreMsgOK, done, beginMs);
}

int64_t CommitLog::minOffset() const {
  auto first = files_.firstFile();
  if (!first) return -1;
  if (!first->destroyed()) return first->fileFromOffset();
  return first->fileFromOffset() + config_.mappedFileSizeCommitLog;
}

MappedRegion CommitLog::getData(int64_t offset, int32_t size) const {
  auto file = files_.findFileByOffset(offset);
  if (!file || size < 0) return {};
  const int64_t pos = offset - file->fileFromOffset();
  if (pos + size > file->wrotePosition()) return {};
  return MappedRegion{file, file->data() + pos, size, offset};
}

MappedRegion CommitLog::getData(int64_t offset) const {
  auto file = files_.findFileByOffset(offset, offset == 0);
  if (!file) return {};
  const int64_t pos = offset - file->fileFromOffset();
  const int64_t wrote = file->wrotePosition();
  if (pos < 0 || pos >= wrote) return {};
  return MappedRegion{file, file->data() + pos, wrote - pos, offset};
}

int64_t CommitLog::rollNextFile(int64_t offset) const {
  const int64_t size = config_.mappedFileSizeCommitLog;
  return offset + size - offset % size;
}

Status CommitLog::recover(bool abnormal, int64_t minTimestamp,
                          const std::function<void(const DecodedRecord&, int64_t)>& onRecord,
                          RecoveryResult& result) {
  result = RecoveryResult{};
  auto files = files_.files();
  writeFile_.reset();
  if (files.empty()) {
    files_.setFlushedWhere(0);
    return Status::Ok();
  }
  size_t index = files.size() >= 3 ? files.size() - 3 : 0;
  if (abnormal) {
    // Start from the newest file whose first record was stored before the checkpoint's time.
    index = 0;
    for (size_t i = files.size(); i-- > 0;) {
      DecodedRecord first;
      auto* base = reinterpret_cast<const uint8_t*>(files[i]->data());
      Status s =
          decodeRecord(std::span<const uint8_t>(base, static_cast<size_t>(files[i]->fileSize())),
                       first, DecodeOptions{false, true});
      if (s.ok() && first.kind == RecordKind::kMessage && first.storeTimestamp != 0 &&
          first.storeTimestamp <= minTimestamp) {
        index = i;
        break;
      }
    }
  }
  RMQ_LOG(INFO) << (abnormal ? "abnormal" : "normal") << " recovery of the CommitLog from file "
                << files[index]->fileName() << " (" << files.size() << " files)";
  const DecodeOptions options{config_.checkCRCOnRecover, true};
  int64_t pos = 0;
  int64_t lastProgress = monotonicMillis();
  while (true) {
    const auto& file = files[index];
    auto* base = reinterpret_cast<const uint8_t*>(file->data());
    const int64_t size = file->fileSize();
    DecodedRecord rec;
    Status s = decodeRecord(std::span<const uint8_t>(base + pos, static_cast<size_t>(size - pos)),
                            rec, options);
    if (!s.ok() || rec.kind == RecordKind::kCorrupt) {
      if (rec.corruption != Corruption::kNone) {
        RMQ_LOG(WARN) << "recovery stops at a damaged record at " << file->fileFromOffset() + pos
                      << ": " << s.message();
      }
      break;
    }
    if (rec.kind == RecordKind::kEndOfData) break;
    if (rec.kind == RecordKind::kBlank) {
      if (index + 1 >= files.size()) break;
      ++index;
      pos = 0;
      continue;
    }
    if (abnormal && onRecord) onRecord(rec, file->fileFromOffset() + pos);
    pos += rec.totalSize;
    ++result.records;
    if (monotonicMillis() - lastProgress > 2000) {
      lastProgress = monotonicMillis();
      RMQ_LOG(INFO) << "recovering CommitLog: at offset " << file->fileFromOffset() + pos << " of "
                    << files.back()->fileFromOffset() + files.back()->fileSize();
    }
  }
  result.processOffset = files[index]->fileFromOffset() + pos;
  RMQ_LOG(INFO) << "CommitLog recovered up to offset " << result.processOffset << ", "
                << result.records << " records walked";
  files_.setFlushedWhere(result.processOffset);
  return files_.truncateDirtyFiles(result.processOffset);
}

}  // namespace rmq::store
