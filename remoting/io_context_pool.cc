#include "remoting/io_context_pool.h"

#include <pthread.h>

#include "common/logging.h"

namespace rmq::remoting {

namespace {
thread_local const IoContextPool* t_pool = nullptr;
}

IoContextPool::IoContextPool(std::string name, size_t threads) : name_(std::move(name)) {
  if (threads == 0) threads = 1;
  for (size_t i = 0; i < threads; ++i) {
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
  }
}

IoContextPool::~IoContextPool() {
  stop();
}

void IoContextPool::start() {
  for (auto& ctx : contexts_) guards_.emplace_back(ctx->get_executor());
  for (size_t i = 0; i < contexts_.size(); ++i) {
    threads_.emplace_back([this, i] {
      std::string tname = (name_ + std::to_string(i)).substr(0, 15);
      pthread_setname_np(pthread_self(), tname.c_str());
      t_pool = this;
      while (true) {
        try {
          contexts_[i]->run();
          break;
        } catch (const std::exception& e) {
          RMQ_LOG(ERROR) << name_ << " I/O thread caught exception: " << e.what();
        }
      }
    });
  }
}

void IoContextPool::stop() {
  guards_.clear();
  for (auto& ctx : contexts_) ctx->stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

boost::asio::io_context& IoContextPool::next() {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

bool IoContextPool::inPoolThread() const {
  return t_pool == this;
}

}  // namespace rmq::remoting
