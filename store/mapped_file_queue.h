// The ordered segments of one log (the CommitLog, or one ConsumeQueue) in one directory:
// files of equal size named by their start offset, file N+1 starting at start(N) + fileSize.
//
// Threading contract: the file list is guarded by a shared mutex. Only the log's single writer
// appends files (lastFileForWrite); recovery truncates and retention deletes from the front.
// Lookups copy a shared_ptr, so a file deleted meanwhile stays mapped for its reader.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/mapped_file.h"

namespace rmq::store {

class MappedFileQueue {
 public:
  MappedFileQueue(std::string directory, int64_t fileSize);

  // Maps every file in the directory (ascending names), checking names and sizes. All files are
  // marked fully written; recovery sets the real positions.
  Status load();

  const std::string& directory() const { return directory_; }
  int64_t fileSize() const { return fileSize_; }
  bool empty() const;
  size_t fileCount() const;
  std::vector<MappedFilePtr> files() const;
  MappedFilePtr firstFile() const;
  MappedFilePtr lastFile() const;
  // The file containing global `offset`, or null.
  MappedFilePtr findFileByOffset(int64_t offset, bool returnFirstOnNotFound = false) const;

  // The last file if it has room, else a new file starting where the last ends (or at
  // `startOffsetIfEmpty` rounded down to a file boundary when there is none). A file made ready
  // by prepareNextFile() is taken as it is; otherwise the file is created here.
  MappedFilePtr lastFileForWrite(int64_t startOffsetIfEmpty, Status& status);

  // Creates (on disk, full size, mapped) the file that lastFileForWrite() will need after the
  // last one, so the writer does not pay for open + fallocate + mmap when it rolls (4-38 ms on
  // 1 GiB files). It is not part of files() until the writer takes it. Returns the prepared file
  // (null when the queue is empty or creation failed, with `status` saying why).
  MappedFilePtr prepareNextFile(Status& status);
  // The file prepareNextFile() made and the writer has not taken yet, if any.
  MappedFilePtr preparedFile() const;
  // Deletes that file (clean shutdown: the directory then holds only files with data, as a
  // reader of the store expects; after a crash, load() and recovery deal with it).
  void dropPreparedFile();

  int64_t minOffset() const;  // start of the first file, or -1 when empty
  int64_t maxOffset() const;  // last file start + its wrote position, 0 when empty
  int64_t flushedWhere() const { return flushedWhere_.load(std::memory_order_acquire); }
  void setFlushedWhere(int64_t w) { flushedWhere_.store(w, std::memory_order_release); }

  // Flushes the file holding flushedWhere; returns true when it did something.
  Status flush(int leastPages, bool* flushedSomething = nullptr);

  // Drops everything at or after `offset`: later files are deleted, the file containing it gets
  // its positions set to the offset.
  Status truncateDirtyFiles(int64_t offset);
  // Deletes the last file (Java deleteLastMappedFile), e.g. a ConsumeQueue file whose first unit
  // already refers to truncated CommitLog data.
  Status deleteLastFile();
  // Deletes every file (e.g. a ConsumeQueue whose CommitLog is gone).
  Status destroyAll();
  // Deletes files from the front while `shouldDelete(file)` holds, keeping at least the last
  // file. Returns how many were deleted.
  int deleteFromFront(const std::function<bool(const MappedFile&)>& shouldDelete, int maxFiles);

 private:
  std::string directory_;
  int64_t fileSize_;
  mutable std::shared_mutex mutex_;
  std::vector<MappedFilePtr> files_;
  std::atomic<int64_t> flushedWhere_{0};
  // Serializes file creation between the writer and the preparer; guards prepared_. Never taken
  // while holding mutex_.
  mutable std::mutex prepareMutex_;
  MappedFilePtr prepared_;
  void dropPreparedLocked();
};

}  // namespace rmq::store
