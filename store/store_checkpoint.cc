#include "store/store_checkpoint.h"

#include <algorithm>

#include "common/file_util.h"
#include "store/byte_io.h"
#include "store/store_format.h"

namespace rmq::store {

Status StoreCheckpoint::open(const std::string& path) {
  Status s = makeDirectories(parentDirectory(path));
  if (!s.ok()) return s;
  file_ = MappedFile::open(path, 0, checkpoint::kFileSize, true, s);
  if (!file_) return s;
  auto* p = reinterpret_cast<const uint8_t*>(file_->data());
  physic_.store(loadI64(p + checkpoint::kPhysicMsgTimestampOffset));
  logics_.store(loadI64(p + checkpoint::kLogicsMsgTimestampOffset));
  index_.store(loadI64(p + checkpoint::kIndexMsgTimestampOffset));
  return Status::Ok();
}

Status StoreCheckpoint::flush() {
  if (!file_) return Status::Error("checkpoint not open");
  auto* p = reinterpret_cast<uint8_t*>(file_->data());
  storeI64(p + checkpoint::kPhysicMsgTimestampOffset, physic_.load());
  storeI64(p + checkpoint::kLogicsMsgTimestampOffset, logics_.load());
  storeI64(p + checkpoint::kIndexMsgTimestampOffset, index_.load());
  file_->setFlushedPosition(0);
  file_->setWrotePosition(checkpoint::kFileSize);
  return file_->flush(0);
}

void StoreCheckpoint::close() {
  file_.reset();
}

int64_t StoreCheckpoint::minTimestamp() const {
  int64_t m = std::min(physic_.load(), logics_.load()) - checkpoint::kRecoveryTimestampMarginMs;
  return std::max<int64_t>(0, m);
}

int64_t StoreCheckpoint::minTimestampIndex() const {
  return std::min(minTimestamp(), index_.load());
}

}  // namespace rmq::store
