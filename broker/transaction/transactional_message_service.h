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
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
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
  // Re-appends a copy of the half message with the property `name` set to `value`
  // (TRANSACTION_CHECK_TIMES before a check-back, TRAN_PREPARED_QUEUE_OFFSET for an immune one);
  // returns its (commitLogOffset, queueOffset) or nullopt.
  std::optional<std::pair<int64_t, int64_t>> putBackHalf(const store::DecodedRecord& rec,
                                                         std::string_view name,
                                                         std::string_view value);
  // A half message still within its CHECK_IMMUNITY_TIME_IN_SECONDS (Java
  // checkPrepareQueueOffset): true when it is resolved by an op record of the half queue offset
  // it was first stored at, or re-appended to wait there; false when it must be checked now.
  bool skipImmune(const store::DecodedRecord& rec, std::map<int64_t, int64_t>& removeMap,
                  std::set<int64_t>& doneOps);
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
