#include "store/consume_queue.h"

#include <cstring>

#include "common/logging.h"
#include "store/byte_io.h"
#include "store/store_format.h"

namespace rmq::store {

namespace {
std::string queueDirectory(const std::string& root, const std::string& topic, int32_t queueId) {
  return root + "/" + topic + "/" + std::to_string(queueId);
}
bool validUnit(const ConsumeQueueUnit& u) {
  return u.commitLogOffset >= 0 && u.size > 0;
}
bool isFiller(const ConsumeQueueUnit& u) {
  return u.commitLogOffset == cq::kFillerCommitLogOffset && u.size == cq::kFillerSize;
}
}  // namespace

ConsumeQueue::ConsumeQueue(std::string topic, int32_t queueId, const std::string& rootDir,
                           int32_t fileSize)
    : topic_(std::move(topic)),
      queueId_(queueId),
      files_(queueDirectory(rootDir, topic_, queueId), fileSize) {}

ConsumeQueueUnit ConsumeQueue::readUnit(const char* p) {
  auto* u = reinterpret_cast<const uint8_t*>(p);
  return ConsumeQueueUnit{loadI64(u + cq::kCommitLogOffsetOffset), loadI32(u + cq::kSizeOffset),
                          loadI64(u + cq::kTagsCodeOffset)};
}

Status ConsumeQueue::recover() {
  auto files = files_.files();
  if (files.empty()) return Status::Ok();
  size_t index = files.size() >= 3 ? files.size() - 3 : 0;
  const int64_t fileSize = files_.fileSize();
  int64_t processOffset = files[index]->fileFromOffset();
  int64_t maxPhysic = -1;
  while (true) {
    const auto& file = files[index];
    int64_t pos = 0;
    for (; pos + kUnit <= fileSize; pos += kUnit) {
      ConsumeQueueUnit u = readUnit(file->data() + pos);
      if (!validUnit(u)) break;
      if (!isFiller(u)) maxPhysic = u.commitLogOffset + u.size;
    }
    if (pos + kUnit > fileSize && index + 1 < files.size()) {
      ++index;  // whole file valid: continue with the next one
      continue;
    }
    processOffset = file->fileFromOffset() + pos;
    break;
  }
  maxPhysicOffset_.store(maxPhysic);
  files_.setFlushedWhere(processOffset);
  return files_.truncateDirtyFiles(processOffset);
}

bool ConsumeQueue::putUnit(int64_t commitLogOffset, int32_t size, int64_t tagsCode,
                           int64_t queueOffset) {
  if (commitLogOffset + size <= maxPhysicOffset_.load(std::memory_order_relaxed)) {
    return true;  // already built (re-dispatch after recovery)
  }
  const int64_t expected = queueOffset * kUnit;
  const bool wasEmpty = files_.empty();
  Status s;
  MappedFilePtr file = files_.lastFileForWrite(expected, s);
  if (!file) {
    RMQ_LOG(ERROR) << "cannot create consume queue file for " << topic_ << "-" << queueId_ << ": "
                   << s.message();
    return false;
  }
  if (wasEmpty && queueOffset != 0 && file->wrotePosition() == 0) {
    // A queue starting mid-way (rebuilt from a CommitLog whose start was deleted): fill the
    // units before the first real one so positions stay queueOffset * 20.
    const int64_t until = expected - file->fileFromOffset();
    for (int64_t pos = 0; pos < until; pos += kUnit) {
      auto* u = reinterpret_cast<uint8_t*>(file->data() + pos);
      storeI64(u + cq::kCommitLogOffsetOffset, cq::kFillerCommitLogOffset);
      storeI32(u + cq::kSizeOffset, cq::kFillerSize);
      storeI64(u + cq::kTagsCodeOffset, cq::kFillerTagsCode);
    }
    file->setWrotePosition(until);
    file->setFlushedPosition(0);
    minLogicOffset_.store(expected);
    files_.setFlushedWhere(file->fileFromOffset());
  }
  if (queueOffset != 0) {
    const int64_t current = file->fileFromOffset() + file->wrotePosition();
    if (expected < current) return true;  // built repeatedly; keep what is there
    if (expected != current) {
      RMQ_LOG(WARN) << "logic queue order maybe wrong, expected " << expected << " current "
                    << current << " topic " << topic_ << " queue " << queueId_;
    }
  }
  const int64_t pos = file->wrotePosition();
  auto* u = reinterpret_cast<uint8_t*>(file->data() + pos);
  storeI64(u + cq::kCommitLogOffsetOffset, commitLogOffset);
  storeI32(u + cq::kSizeOffset, size);
  storeI64(u + cq::kTagsCodeOffset, tagsCode);
  maxPhysicOffset_.store(commitLogOffset + size, std::memory_order_relaxed);
  file->setWrotePosition(pos + kUnit);
  return true;
}

bool ConsumeQueue::getUnit(int64_t queueOffset, ConsumeQueueUnit& out) const {
  const int64_t logic = queueOffset * kUnit;
  if (queueOffset < minOffsetInQueue()) return false;
  auto file = files_.findFileByOffset(logic);
  if (!file) return false;
  const int64_t pos = logic - file->fileFromOffset();
  if (pos + kUnit > file->wrotePosition()) return false;
  out = readUnit(file->data() + pos);
  return true;
}

MappedRegion ConsumeQueue::getUnits(int64_t queueOffset) const {
  const int64_t logic = queueOffset * kUnit;
  if (logic < minLogicOffset_.load()) return {};
  auto file = files_.findFileByOffset(logic);
  if (!file) return {};
  const int64_t pos = logic - file->fileFromOffset();
  const int64_t wrote = file->wrotePosition();
  if (pos >= wrote) return {};
  return MappedRegion{file, file->data() + pos, wrote - pos, logic};
}

bool ConsumeQueue::readUnitsInFile(int64_t queueOffset, int64_t maxCount,
                                   std::vector<ConsumeQueueUnit>& out) const {
  out.clear();
  MappedRegion region = getUnits(queueOffset);
  if (!region.valid()) return false;
  for (int64_t at = 0; at + kUnit <= region.size && static_cast<int64_t>(out.size()) < maxCount;
       at += kUnit) {
    out.push_back(readUnit(region.data + at));
  }
  return true;
}

int64_t ConsumeQueue::rollNextFile(int64_t queueOffset) const {
  const int64_t unitsPerFile = files_.fileSize() / kUnit;
  return queueOffset + unitsPerFile - queueOffset % unitsPerFile;
}

Status ConsumeQueue::truncateDirtyLogicFiles(int64_t phyOffset) {
  // Units of one queue point at increasing CommitLog offsets: drop whole files from the end
  // while their first unit is at or beyond phyOffset, then cut the last file at the first such
  // unit.
  while (true) {
    auto last = files_.lastFile();
    if (!last) {
      maxPhysicOffset_.store(-1);
      return Status::Ok();
    }
    const int64_t wrote = last->wrotePosition();
    int64_t pos = 0;
    int64_t lastEnd = -1;
    for (; pos + kUnit <= wrote; pos += kUnit) {
      ConsumeQueueUnit u = readUnit(last->data() + pos);
      if (!validUnit(u) || u.commitLogOffset >= phyOffset) break;
      if (!isFiller(u)) lastEnd = u.commitLogOffset + u.size;
    }
    const int64_t cut = last->fileFromOffset() + pos;
    if (pos == 0 && files_.fileCount() > 1) {
      // truncateDirtyFiles(cut) would keep a file that starts exactly at `cut`: delete it.
      Status s = files_.deleteLastFile();
      if (!s.ok()) return s;
      continue;
    }
    maxPhysicOffset_.store(lastEnd);  // -1 when only fillers are left
    if (files_.flushedWhere() > cut) files_.setFlushedWhere(cut);
    return files_.truncateDirtyFiles(cut);
  }
}

void ConsumeQueue::correctMinOffset(int64_t phyMinOffset) {
  auto first = files_.firstFile();
  if (!first) return;
  const int64_t wrote = first->wrotePosition();
  for (int64_t pos = 0; pos + kUnit <= wrote; pos += kUnit) {
    ConsumeQueueUnit u = readUnit(first->data() + pos);
    if (isFiller(u)) continue;
    if (u.commitLogOffset >= phyMinOffset) {
      minLogicOffset_.store(first->fileFromOffset() + pos);
      return;
    }
  }
  // Every unit of the first file is below: the queue starts where that file ends.
  minLogicOffset_.store(first->fileFromOffset() + wrote);
}

int ConsumeQueue::deleteExpiredFiles(int64_t phyMinOffset) {
  int n = files_.deleteFromFront(
      [phyMinOffset](const MappedFile& f) {
        const int64_t wrote = f.wrotePosition();
        if (wrote < kUnit) return false;
        ConsumeQueueUnit last = readUnit(f.data() + wrote - kUnit);
        return last.commitLogOffset < phyMinOffset;
      },
      1 << 20);
  correctMinOffset(phyMinOffset);
  return n;
}

int64_t ConsumeQueue::offsetInQueueByTime(
    int64_t timestamp, int64_t phyMinOffset,
    const std::function<int64_t(int64_t, int32_t)>& storeTimeOf) const {
  auto files = files_.files();
  if (files.empty()) return 0;
  MappedFilePtr file = files.back();
  for (const auto& f : files) {
    if (f->lastModifiedMillis() >= timestamp) {
      file = f;
      break;
    }
  }
  const int64_t wrote = file->wrotePosition();
  if (wrote < kUnit) return 0;
  const int64_t minLogic = minLogicOffset_.load();
  int64_t low = minLogic > file->fileFromOffset() ? minLogic - file->fileFromOffset() : 0;
  int64_t high = wrote - kUnit;
  int64_t leftOffset = -1, rightOffset = -1, target = -1;
  int64_t leftTime = -1, rightTime = -1;
  while (high >= low) {
    int64_t mid = (low + high) / (2 * kUnit) * kUnit;
    ConsumeQueueUnit u = readUnit(file->data() + mid);
    if (u.commitLogOffset < phyMinOffset) {
      low = mid + kUnit;
      leftOffset = mid;
      continue;
    }
    int64_t storeTime = storeTimeOf(u.commitLogOffset, u.size);
    if (storeTime < 0) return 0;
    if (storeTime == timestamp) {
      target = mid;
      break;
    }
    if (storeTime > timestamp) {
      high = mid - kUnit;
      rightOffset = mid;
      rightTime = storeTime;
    } else {
      low = mid + kUnit;
      leftOffset = mid;
      leftTime = storeTime;
    }
  }
  int64_t offset;
  if (target != -1) {
    offset = target;
  } else if (leftTime == -1) {
    offset = rightOffset;
  } else if (rightTime == -1) {
    offset = leftOffset;
  } else {
    offset = (timestamp - leftTime) > (rightTime - timestamp) ? rightOffset : leftOffset;
  }
  if (offset < 0) return 0;
  return (file->fileFromOffset() + offset) / kUnit;
}

Status ConsumeQueue::destroy() {
  maxPhysicOffset_.store(-1);
  minLogicOffset_.store(0);
  return files_.destroyAll();
}

}  // namespace rmq::store
