#include "broker/longpolling/pull_request_hold_service.h"

#include <pthread.h>

#include "common/logging.h"
#include "common/time_util.h"

namespace rmq::broker {

PullRequestHoldService::PullRequestHoldService(store::MessageStore& store, Reexecute reexecute,
                                               int64_t checkMillis)
    : store_(store), reexecute_(std::move(reexecute)), checkMillis_(checkMillis) {}

PullRequestHoldService::~PullRequestHoldService() {
  shutdown();
}

std::string PullRequestHoldService::key(std::string_view topic, int32_t queueId) {
  std::string k(topic);
  k.push_back('@');
  k.append(std::to_string(queueId));
  return k;
}

void PullRequestHoldService::start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "PullReqHold");
    run();
  });
}

void PullRequestHoldService::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PullRequestHoldService::suspend(const std::string& topic, int32_t queueId,
                                     HeldPullRequest&& req) {
  std::lock_guard<std::mutex> lock(mutex_);
  held_[key(topic, queueId)].push_back(std::move(req));
}

size_t PullRequestHoldService::heldCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t n = 0;
  for (const auto& [k, v] : held_) n += v.size();
  return n;
}

void PullRequestHoldService::notifyMessageArriving(std::string_view topic, int32_t queueId,
                                                   int64_t maxOffset,
                                                   std::optional<int64_t> tagsCode,
                                                   std::string_view properties) {
  std::vector<HeldPullRequest> ready;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (held_.empty()) return;
    auto it = held_.find(key(topic, queueId));
    if (it == held_.end()) return;
    auto& list = it->second;
    const int64_t now = monotonicMillis();
    std::vector<HeldPullRequest> keep;
    for (auto& r : list) {
      bool wake = false;
      if (maxOffset > r.pullFromThisOffset) {
        wake = !r.filter || !tagsCode ||
               (r.filter->isMatchedByConsumeQueue(*tagsCode) &&
                (properties.empty() || r.filter->isMatchedByCommitLog(properties)));
      }
      if (!wake && now >= r.suspendTimestamp + r.timeoutMillis) wake = true;
      if (wake) {
        ready.push_back(std::move(r));
      } else {
        keep.push_back(std::move(r));
      }
    }
    if (keep.empty()) {
      held_.erase(it);
    } else {
      list = std::move(keep);
    }
  }
  for (auto& r : ready) reexecute_(std::move(r));
}

void PullRequestHoldService::checkAll() {
  std::vector<std::pair<std::string, int32_t>> keys;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [k, v] : held_) {
      auto at = k.rfind('@');
      keys.emplace_back(k.substr(0, at), std::stoi(k.substr(at + 1)));
    }
  }
  for (const auto& [topic, queueId] : keys) {
    int64_t maxOffset = store_.maxOffsetInQueue(topic, queueId);
    // No tags code: every request whose queue grew is re-executed (it answers NO_MATCHED if
    // nothing matched), as Java's periodic check does. Timed-out ones are answered too.
    std::vector<HeldPullRequest> ready;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = held_.find(key(topic, queueId));
      if (it == held_.end()) continue;
      const int64_t now = monotonicMillis();
      std::vector<HeldPullRequest> keep;
      for (auto& r : it->second) {
        auto conn = r.connection.lock();
        if (!conn || !conn->isOpen()) continue;  // the client went away: drop it
        if (maxOffset > r.pullFromThisOffset || now >= r.suspendTimestamp + r.timeoutMillis) {
          ready.push_back(std::move(r));
        } else {
          keep.push_back(std::move(r));
        }
      }
      if (keep.empty()) {
        held_.erase(it);
      } else {
        it->second = std::move(keep);
      }
    }
    for (auto& r : ready) reexecute_(std::move(r));
  }
}

void PullRequestHoldService::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(checkMillis_), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    try {
      checkAll();
    } catch (const std::exception& e) {
      RMQ_LOG(ERROR) << "PullRequestHoldService check failed: " << e.what();
    }
    lock.lock();
  }
}

}  // namespace rmq::broker
