// Owns the name server's parts and their lifecycle: configuration, KV store, route tables, the
// request handlers, the remoting server and the broker liveness scan.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "common/thread_pool.h"
#include "namesrv/namesrv_context.h"
#include "remoting/remoting_server.h"
#include "remoting/request_dispatcher.h"

namespace rmq::namesrv {

class NamesrvController {
 public:
  explicit NamesrvController(NamesrvConfig config);
  ~NamesrvController();

  Status start();  // loads the KV config, binds the port, starts the scan
  void shutdown();
  uint16_t port() const { return server_ ? server_->port() : 0; }
  NamesrvContext& context() { return ctx_; }

 private:
  void scanLoop();

  NamesrvContext ctx_;
  remoting::RequestDispatcher dispatcher_;
  std::unique_ptr<ThreadPool> workers_;
  std::unique_ptr<remoting::RemotingServer> server_;
  std::thread scanThread_;
  std::mutex scanMutex_;
  std::condition_variable scanCv_;
  bool stopping_ = false;
};

}  // namespace rmq::namesrv
