// Helpers shared by the store's recovery, crash and corruption tests: temp directories, tree
// copies that keep modification times, byte-level damage, and an independent walk of a CommitLog
// directory with the record decoder (reading plain files, not the store's mappings).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/message_record.h"
#include "store/message_store.h"

namespace rmq::store::testing {

// A fresh directory under $TMPDIR, removed (recursively) by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Copies `from` to `to` recursively, keeping each file's modification time (the store picks
// ConsumeQueue files by it in offsetInQueueByTime).
Status copyTree(const std::string& from, const std::string& to);

// In-place damage of a file.
Status flipByte(const std::string& path, int64_t position, uint8_t mask = 0xFF);
Status zeroRange(const std::string& path, int64_t position, int64_t length);
Status writeBytes(const std::string& path, int64_t position, const std::string& bytes);
Status resizeFile(const std::string& path, int64_t length);
int64_t fileLength(const std::string& path);  // -1 when absent

// One CommitLog directory read into memory and walked from offset 0 as recovery does.
struct WalkedRecord {
  size_t file = 0;
  int64_t position = 0;
  DecodedRecord record;  // views into CommitLogWalk::data
};
struct CommitLogWalk {
  std::vector<std::string> names;  // file names, ascending
  std::vector<std::string> data;   // file contents
  std::vector<WalkedRecord> records;
  std::map<int64_t, size_t> byOffset;              // physical offset -> index into records
  std::vector<std::pair<size_t, int64_t>> blanks;  // (file, position) of end-of-file markers
  int64_t end = -1;                                // global offset where the data ends
  std::string endReason;                           // "zero" or the decoder's message at `end`
};
// Fails on a file with another length than `fileSize`, a gap in the names, a blank marker whose
// size is not the rest of its file, or records whose PHYSICALOFFSET is not their position.
// Stops (without failing) at the first zero or undecodable bytes, like recovery.
Status walkCommitLog(const std::string& dir, int64_t fileSize, CommitLogWalk& out,
                     bool checkCrc = true);
// True when every byte after `end` (in its file and all later files) is zero.
bool zeroAfterEnd(const CommitLogWalk& walk);

// Decodes a whole record handed out by the store (getMessage, lookMessageByOffset).
Status decodeRegion(const MappedRegion& region, DecodedRecord& out, bool checkCrc = true);

// store.load(), aborting the process when it does not return within `seconds`: a recovery that
// loops forever must fail the test instead of hanging it.
Status loadWithin(MessageStore& store, int seconds);

// Puts and waits for the completion callback.
PutMessageResult putAndWait(MessageStore& store, const MessageToStore& msg);
PutMessageResult putBatchAndWait(MessageStore& store, const std::vector<MessageToStore>& batch);

// Waits (up to `timeoutMs`) until the dispatcher has caught up with the CommitLog.
bool waitDispatched(MessageStore& store, int64_t timeoutMs = 10000);

}  // namespace rmq::store::testing
