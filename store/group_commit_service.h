// Group commit for SYNC_FLUSH: appenders register "done once the log is durable up to offset
// X"; one flush thread repeatedly flushes everything appended so far and completes every waiter
// covered by it, so one msync serves any number of concurrent appenders. Waiters still
// pending after syncFlushTimeout complete with FLUSH_DISK_TIMEOUT (their data stays stored).
//
// Threading: submit() from any thread (after the append lock is released); callbacks run on
// the flush thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "common/small_function.h"
#include "common/status.h"

namespace rmq::store {

class GroupCommitService {
 public:
  // `flush` flushes the log as far as it is written and returns the durable offset.
  GroupCommitService(std::function<int64_t()> flush, int64_t timeoutMillis);
  ~GroupCommitService();

  void start();
  void shutdown();  // flushes once more and completes every waiter
  // Holds a put's result and callback inline (no allocation per waiter).
  using Done = SmallFunction<void(bool flushed), 160>;
  void submit(int64_t durableOffset, Done done);
  void wakeup();

 private:
  struct Waiter {
    int64_t offset;
    int64_t deadlineMs;
    Done done;
  };
  void run();

  std::function<int64_t()> flush_;
  int64_t timeoutMillis_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Waiter> waiters_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace rmq::store
