// The index files of a store (index/<yyyyMMddHHmmssSSS>): builds "topic#key" entries for the
// UNIQ_KEY and KEYS of every dispatched message and answers key queries across files
// (shared protocol store-format.md section 6).
//
// Threading: buildIndex() on the dispatcher thread; query*() from any thread (shared lock on
// the file list).
#pragma once

#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/index_file.h"
#include "store/message_store_config.h"
#include "store/store_checkpoint.h"

namespace rmq::store {

struct IndexRequest {
  std::string_view topic;
  std::string_view keys;     // KEYS property (space separated)
  std::string_view uniqKey;  // UNIQ_KEY property
  int64_t commitLogOffset = 0;
  int64_t storeTimestamp = 0;
  int32_t sysFlag = 0;
};

struct QueryOffsetResult {
  std::vector<int64_t> phyOffsets;
  int64_t indexLastUpdateTimestamp = 0;
  int64_t indexLastUpdatePhyoffset = 0;
};

class IndexService {
 public:
  IndexService(const MessageStoreConfig& config, StoreCheckpoint& checkpoint);

  // Loads the files; after a crash drops those newer than the checkpoint's index time.
  Status load(bool lastExitOK);
  void buildIndex(const IndexRequest& req);
  QueryOffsetResult queryOffset(std::string_view topic, std::string_view key, int32_t maxNum,
                                int64_t begin, int64_t end) const;
  // Deletes files (never the last) whose endPhyOffset is below the CommitLog min offset.
  int deleteExpiredFiles(int64_t commitLogMinOffset);
  void flush();
  void destroy();
  size_t fileCount() const;

 private:
  IndexFile* lastFileForWrite();
  bool putKey(IndexFile*& file, std::string_view topic, std::string_view key, int64_t offset,
              int64_t storeTimestamp);

  const MessageStoreConfig& config_;
  StoreCheckpoint& checkpoint_;
  mutable std::shared_mutex mutex_;
  std::vector<std::unique_ptr<IndexFile>> files_;
  std::string keyScratch_;  // builder thread only
};

std::string indexFileNameForNow();  // local time yyyyMMddHHmmssSSS

}  // namespace rmq::store
