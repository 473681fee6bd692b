// Two-phase transactional messages (Java TransactionalMessageServiceImpl and
// TransactionalMessageCheckService, shared protocol semantics.md section 8): half messages live in
// RMQ_SYS_TRANS_HALF_TOPIC queue 0; a commit or rollback writes an op record (tags "d", body =
// the half queue offset) to RMQ_SYS_TRANS_OP_HALF_TOPIC; a periodic check asks a live producer of
// the group (CHECK_TRANSACTION_STATE, oneway) about half messages older than transactionTimeOut
// that have no op record yet, up to transactionCheckMax times, then discards them to
// TRANS_CHECK_MAX_TIME_TOPIC. Progress is kept as offsets of group CID_RMQ_SYS_TRANS, so the
// state survives a restart (it is all in the two topics).
//
// Threading: endTransaction() from request threads; the check runs on its own thread.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "broker/broker_context.h"
#include "store/message_record.h"

namespace rmq::broker {

class TransactionalMessageService {
 public:
  explicit TransactionalMessageService(BrokerContext& ctx);
  ~TransactionalMessageService();

  void start();
  void shutdown();

  // Reads the half message at `commitLogOffset` into `out` (backing bytes in `region`).
  bool lookHalfMessage(int64_t commitLogOffset, store::MappedRegion& region,
                       store::DecodedRecord& out);
  // Writes the op record that marks the half message at `halfQueueOffset` as resolved.
  store::PutMessageStatus writeOpRecord(int64_t halfQueueOffset);
  // One check round now (tests and the periodic thread).
  void check();

 private:
  void run();
  // Re-appends a copy of the half message with TRANSACTION_CHECK_TIMES incremented; returns its
  // (commitLogOffset, queueOffset) or nullopt.
  std::optional<std::pair<int64_t, int64_t>> putBackHalf(const store::DecodedRecord& rec,
                                                         int32_t checkTimes);
  void sendCheck(const store::DecodedRecord& copyRec, int64_t copyOffset, int64_t copyQueueOffset);
  void discard(const store::DecodedRecord& rec);

  BrokerContext& ctx_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::mutex checkMutex_;  // one check round at a time
};

}  // namespace rmq::broker
