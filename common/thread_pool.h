// Fixed-size worker pool with one FIFO queue. Used for request handlers that may block (admin
// requests, disk reads) so that they never run on an I/O thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rmq {

class ThreadPool {
 public:
  ThreadPool(std::string name, size_t threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues `task`; returns false when the pool is shut down or the queue is over `maxQueue`.
  bool submit(std::function<void()> task);
  void shutdown();  // drains nothing further; joins the workers
  size_t queueSize() const;

  void setMaxQueue(size_t n) { maxQueue_ = n; }

 private:
  void run();
  std::string name_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::vector<std::thread> threads_;
  size_t maxQueue_ = 100000;
  bool stopped_ = false;
};

}  // namespace rmq
