#include "store/group_commit_service.h"

#include <pthread.h>

#include <vector>

#include "common/time_util.h"

namespace rmq::store {

GroupCommitService::GroupCommitService(std::function<int64_t()> flush, int64_t timeoutMillis)
    : flush_(std::move(flush)), timeoutMillis_(timeoutMillis) {}

GroupCommitService::~GroupCommitService() {
  shutdown();
}

void GroupCommitService::start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "GroupCommit");
    run();
  });
}

void GroupCommitService::submit(int64_t durableOffset, Done done) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    waiters_.push_back(Waiter{durableOffset, monotonicMillis() + timeoutMillis_, std::move(done)});
  }
  cv_.notify_one();
}

void GroupCommitService::wakeup() {
  cv_.notify_one();
}

void GroupCommitService::run() {
  std::vector<Waiter> batch;
  while (true) {
    bool stopping;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait_for(lock, std::chrono::milliseconds(10),
                   [this] { return stopping_ || !waiters_.empty(); });
      stopping = stopping_;
      // Take everyone who is waiting now: the flush below covers all of them.
      batch.assign(std::make_move_iterator(waiters_.begin()),
                   std::make_move_iterator(waiters_.end()));
      waiters_.clear();
    }
    if (batch.empty()) {
      if (stopping) return;
      continue;
    }
    int64_t durable = flush_();
    const int64_t now = monotonicMillis();
    std::vector<Waiter> notYet;
    for (auto& w : batch) {
      if (durable >= w.offset) {
        w.done(true);
      } else if (now >= w.deadlineMs || stopping) {
        w.done(false);
      } else {
        notYet.push_back(std::move(w));
      }
    }
    batch.clear();
    if (!notYet.empty()) {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& w : notYet) waiters_.push_front(std::move(w));
    }
    if (!notYet.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void GroupCommitService::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace rmq::store
