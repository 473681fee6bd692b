// Outcome of storing a message (Java PutMessageStatus / AppendMessageResult).
#pragma once

#include <cstdint>

#include "common/small_function.h"

namespace rmq::store {

enum class PutMessageStatus {
  PUT_OK,
  FLUSH_DISK_TIMEOUT,
  FLUSH_SLAVE_TIMEOUT,
  SLAVE_NOT_AVAILABLE,
  SERVICE_NOT_AVAILABLE,
  CREATE_MAPPED_FILE_FAILED,
  MESSAGE_ILLEGAL,
  PROPERTIES_SIZE_EXCEEDED,
  OS_PAGECACHE_BUSY,
  UNKNOWN_ERROR,
};

const char* putMessageStatusName(PutMessageStatus s);

struct PutMessageResult {
  PutMessageStatus status = PutMessageStatus::UNKNOWN_ERROR;
  int64_t wroteOffset = 0;     // CommitLog offset of the first record
  int32_t wroteBytes = 0;      // bytes of all records written
  int64_t logicsOffset = 0;    // queue offset of the first record
  int64_t storeTimestamp = 0;  // store time given to the records
  int32_t msgNum = 0;          // records written (a batch gives several)

  bool ok() const {
    return status == PutMessageStatus::PUT_OK || status == PutMessageStatus::FLUSH_DISK_TIMEOUT ||
           status == PutMessageStatus::FLUSH_SLAVE_TIMEOUT ||
           status == PutMessageStatus::SLAVE_NOT_AVAILABLE;
  }
};

// Called once the put is complete: at once in ASYNC_FLUSH, after the covering flush (or the
// syncFlushTimeout) in SYNC_FLUSH. May run on the flush thread: must not block. Move-only, and
// callables of up to 104 bytes are held without an allocation (the broker's send answer is one).
using PutCallback = SmallFunction<void(const PutMessageResult&), 104>;

}  // namespace rmq::store
