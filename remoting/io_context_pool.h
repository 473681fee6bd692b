// N io_contexts, one thread each. A connection is bound to one io_context for its lifetime, so
// all of its reads, writes and callbacks run on one thread without a strand.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace rmq::remoting {

class IoContextPool {
 public:
  IoContextPool(std::string name, size_t threads);
  ~IoContextPool();
  IoContextPool(const IoContextPool&) = delete;
  IoContextPool& operator=(const IoContextPool&) = delete;

  void start();
  void stop();                      // stops every io_context and joins the threads
  boost::asio::io_context& next();  // round-robin
  boost::asio::io_context& at(size_t i) { return *contexts_[i]; }
  size_t size() const { return contexts_.size(); }
  // True when the calling thread is one of this pool's I/O threads.
  bool inPoolThread() const;

 private:
  using WorkGuard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::string name_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<WorkGuard> guards_;
  std::vector<std::thread> threads_;
  std::atomic<size_t> next_{0};
};

}  // namespace rmq::remoting
