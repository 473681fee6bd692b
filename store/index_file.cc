#include "store/index_file.h"

#include <cstdlib>

#include "store/byte_io.h"
#include "store/java_hash.h"
#include "store/store_format.h"

namespace rmq::store {

std::unique_ptr<IndexFile> IndexFile::open(const std::string& path, int32_t hashSlotNum,
                                           int32_t indexNum, bool create, Status& status) {
  const int64_t size = index::fileSize(hashSlotNum, indexNum);
  auto file = MappedFile::open(path, 0, size, create, status);
  if (!file) {
    if (!create) {
      status = Status::Error(status.message() + "; an index file must be 40 + 4*maxHashSlotNum(" +
                             std::to_string(hashSlotNum) + ") + 20*maxIndexNum(" +
                             std::to_string(indexNum) + ") = " + std::to_string(size) + " bytes");
    }
    return nullptr;
  }
  file->setWrotePosition(size);
  return std::unique_ptr<IndexFile>(new IndexFile(std::move(file), hashSlotNum, indexNum));
}

void IndexFile::initHeader(int64_t endPhyOffset, int64_t endTimestamp) {
  uint8_t* h = base();
  storeI64(h + index::kBeginPhyOffsetOffset, endPhyOffset);
  storeI64(h + index::kEndPhyOffsetOffset, endPhyOffset);
  storeI64(h + index::kBeginTimestampOffset, endTimestamp);
  storeI64(h + index::kEndTimestampOffset, endTimestamp);
}

int64_t IndexFile::beginTimestamp() const {
  return loadI64(base() + index::kBeginTimestampOffset);
}
int64_t IndexFile::endTimestamp() const {
  return loadI64(base() + index::kEndTimestampOffset);
}
int64_t IndexFile::beginPhyOffset() const {
  return loadI64(base() + index::kBeginPhyOffsetOffset);
}
int64_t IndexFile::endPhyOffset() const {
  return loadI64(base() + index::kEndPhyOffsetOffset);
}
int32_t IndexFile::hashSlotCount() const {
  return loadI32(base() + index::kHashSlotCountOffset);
}
int32_t IndexFile::indexCount() const {
  int32_t n = loadI32(base() + index::kIndexCountOffset);
  return n <= 0 ? 1 : n;
}

int32_t IndexFile::keyHash(std::string_view key) {
  int32_t h = javaStringHashCode(key);
  int32_t a = h == INT32_MIN ? INT32_MIN : std::abs(h);
  return a < 0 ? 0 : a;
}

bool IndexFile::putKey(std::string_view key, int64_t phyOffset, int64_t storeTimestamp) {
  const int32_t count = indexCount();
  if (count >= indexNum_) return false;
  uint8_t* b = base();
  const int32_t hash = keyHash(key);
  const int64_t slot = hash % hashSlotNum_;
  uint8_t* slotPtr = b + index::slotPosition(slot);
  int32_t slotValue = loadI32(slotPtr);
  if (slotValue <= index::kInvalidIndex || slotValue > count) slotValue = index::kInvalidIndex;

  const int64_t begin = beginTimestamp();
  int64_t timeDiff = (storeTimestamp - begin) / 1000;
  if (begin <= 0) {
    timeDiff = 0;
  } else if (timeDiff > INT32_MAX) {
    timeDiff = INT32_MAX;
  } else if (timeDiff < 0) {
    timeDiff = 0;
  }
  uint8_t* item = b + index::itemPosition(hashSlotNum_, count);
  storeI32(item + index::kItemKeyHashOffset, hash);
  storeI64(item + index::kItemPhyOffsetOffset, phyOffset);
  storeI32(item + index::kItemTimeDiffOffset, static_cast<int32_t>(timeDiff));
  storeI32(item + index::kItemPrevIndexOffset, slotValue);
  storeI32(slotPtr, count);

  if (count <= 1) {
    storeI64(b + index::kBeginPhyOffsetOffset, phyOffset);
    storeI64(b + index::kBeginTimestampOffset, storeTimestamp);
  }
  if (slotValue == index::kInvalidIndex) {
    storeI32(b + index::kHashSlotCountOffset, hashSlotCount() + 1);
  }
  storeI32(b + index::kIndexCountOffset, count + 1);
  storeI64(b + index::kEndPhyOffsetOffset, phyOffset);
  storeI64(b + index::kEndTimestampOffset, storeTimestamp);
  return true;
}

bool IndexFile::isTimeMatched(int64_t begin, int64_t end) const {
  const int64_t fb = beginTimestamp(), fe = endTimestamp();
  return (begin < fb && end > fe) || (begin >= fb && begin <= fe) || (end >= fb && end <= fe);
}

void IndexFile::selectPhyOffsets(std::string_view key, size_t maxNum, int64_t begin, int64_t end,
                                 std::vector<int64_t>& out) const {
  const uint8_t* b = base();
  const int32_t hash = keyHash(key);
  const int64_t slot = hash % hashSlotNum_;
  int32_t slotValue = loadI32(b + index::slotPosition(slot));
  const int32_t count = indexCount();
  if (slotValue <= index::kInvalidIndex || slotValue > count || count <= 1) return;
  const int64_t fileBegin = beginTimestamp();
  for (int32_t next = slotValue;;) {
    if (out.size() >= maxNum) break;
    const uint8_t* item = b + index::itemPosition(hashSlotNum_, next);
    const int32_t itemHash = loadI32(item + index::kItemKeyHashOffset);
    const int64_t phy = loadI64(item + index::kItemPhyOffsetOffset);
    const int32_t diffSeconds = loadI32(item + index::kItemTimeDiffOffset);
    if (diffSeconds < 0) break;
    const int64_t timeDiff = int64_t(diffSeconds) * 1000;
    const int32_t prev = loadI32(item + index::kItemPrevIndexOffset);
    const int64_t t = fileBegin + timeDiff;
    if (itemHash == hash && t >= begin && t <= end) out.push_back(phy);
    if (prev <= index::kInvalidIndex || prev > count || prev == next || t < begin) break;
    next = prev;
  }
}

Status IndexFile::flush() {
  file_->setFlushedPosition(0);
  return file_->flush(0);
}

}  // namespace rmq::store
