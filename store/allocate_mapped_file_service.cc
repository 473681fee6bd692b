#include "store/allocate_mapped_file_service.h"

#include <pthread.h>

#include <algorithm>

#include "common/logging.h"
#include "common/time_util.h"

namespace rmq::store {

AllocateMappedFileService::AllocateMappedFileService(MappedFileQueue& files, int64_t warmAheadBytes,
                                                     bool randomAccess)
    : files_(files),
      warmAhead_(std::max<int64_t>(0, warmAheadBytes)),
      randomAccess_(randomAccess) {}

AllocateMappedFileService::~AllocateMappedFileService() {
  shutdown();
}

void AllocateMappedFileService::start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "AllocateMapFile");
    run();
  });
}

void AllocateMappedFileService::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AllocateMappedFileService::wake() {
  {
    std::lock_guard lock(mutex_);
    if (pending_) return;
    pending_ = true;
  }
  cv_.notify_one();
}

void AllocateMappedFileService::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    prepareOnce();
    lock.lock();
    // The timeout covers a writer that filled less than a chunk since the last round.
    cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_ || pending_; });
    pending_ = false;
  }
}

void AllocateMappedFileService::trimResident(int64_t window) {
  MappedFilePtr last = files_.lastFile();
  if (!last) return;
  const int64_t limit =
      std::min(files_.flushedWhere(), last->fileFromOffset() + last->wrotePosition() - window);
  for (const auto& f : files_.files()) {
    if (f->fileFromOffset() >= limit) break;
    f->releaseResident(0, limit - f->fileFromOffset());
  }
}

void AllocateMappedFileService::prepareOnce() {
  MappedFilePtr last = files_.lastFile();
  if (!last) return;
  const int64_t nowMs = monotonicMillis();
  if (nowMs - lastTrimMs_ >= kTrimIntervalMs) {
    lastTrimMs_ = nowMs;
    trimResident();
  }
  if (last != previous_) {
    // The writer moved to a new file: the full one goes back to normal readahead for readers.
    if (randomAccess_) {
      if (previous_) previous_->adviseNormal();
      last->adviseRandom();
    }
    previous_ = last;
  }
  Status s;
  MappedFilePtr next = files_.prepareNextFile(s);
  if (!s.ok()) {
    RMQ_LOG(WARN) << "cannot create the next CommitLog file ahead of the writer: " << s.message();
  }
  if (next && randomAccess_) {
    // Advise before populating, so the pages are created small (see MappedFile::adviseRandom).
    next->adviseRandom();
  }
  if (!populateWorks_ || warmAhead_ == 0) return;

  const int64_t wrote = last->fileFromOffset() + last->wrotePosition();
  const int64_t target = wrote + warmAhead_;
  int64_t from = std::max(warmedTo_, wrote);
  while (from < target) {
    const MappedFile* f = nullptr;
    if (from < last->fileFromOffset() + last->fileSize()) {
      f = last.get();
    } else if (next && from >= next->fileFromOffset() &&
               from < next->fileFromOffset() + next->fileSize()) {
      f = next.get();
    } else {
      break;
    }
    const int64_t fileEnd = f->fileFromOffset() + f->fileSize();
    const int64_t to = std::min({target, fileEnd, from + kChunk});
    if (!f->populate(from - f->fileFromOffset(), to - f->fileFromOffset())) {
      RMQ_LOG(INFO) << "MADV_POPULATE_WRITE unavailable: CommitLog pages fault on first write";
      populateWorks_ = false;
      return;
    }
    from = to;
    warmedTo_ = to;
  }
}

}  // namespace rmq::store
