// One IndexFile (shared protocol store-format.md section 6): a hash index from "topic#key" to
// CommitLog offsets, [40-byte header][hashSlotNum slots][indexNum items], named by the local
// creation time (yyyyMMddHHmmssSSS).
//
// Threading: putKey() by the single index builder; selectPhyOffsets() by any thread. An item is
// written before its slot points at it, so a concurrent reader sees either the old or the new
// bucket head, never a half-written item.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/mapped_file.h"

namespace rmq::store {

class IndexFile {
 public:
  // Refuses an existing file whose length is not 40 + 4*hashSlotNum + 20*indexNum: Java does not
  // check and would silently misread it.
  static std::unique_ptr<IndexFile> open(const std::string& path, int32_t hashSlotNum,
                                         int32_t indexNum, bool create, Status& status);

  // For a new file: start the header where the previous file ended.
  void initHeader(int64_t endPhyOffset, int64_t endTimestamp);

  bool isFull() const { return indexCount() >= indexNum_; }
  bool putKey(std::string_view key, int64_t phyOffset, int64_t storeTimestamp);
  // Offsets of items whose hash matches `key` and time is in [begin, end], newest first.
  void selectPhyOffsets(std::string_view key, size_t maxNum, int64_t begin, int64_t end,
                        std::vector<int64_t>& out) const;
  bool isTimeMatched(int64_t begin, int64_t end) const;

  int64_t beginTimestamp() const;
  int64_t endTimestamp() const;
  int64_t beginPhyOffset() const;
  int64_t endPhyOffset() const;
  int32_t hashSlotCount() const;
  int32_t indexCount() const;  // next item number (>= 1)

  const std::string& fileName() const { return file_->fileName(); }
  Status flush();
  Status destroy() { return file_->destroy(); }

  static int32_t keyHash(std::string_view key);

 private:
  IndexFile(MappedFilePtr file, int32_t hashSlotNum, int32_t indexNum)
      : file_(std::move(file)), hashSlotNum_(hashSlotNum), indexNum_(indexNum) {}
  uint8_t* base() const { return reinterpret_cast<uint8_t*>(file_->data()); }
  MappedFilePtr file_;
  int32_t hashSlotNum_;
  int32_t indexNum_;
};

}  // namespace rmq::store
