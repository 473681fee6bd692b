// The client side of the remoting protocol: one connection per address, created on first use,
// with synchronous, asynchronous and oneway invokes. Used by the broker to talk to name servers
// and by tools and benchmarks.
//
// Threading: invokeSync blocks the caller and must not run on this client's I/O thread;
// asynchronous callbacks run on the I/O thread and must not block.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/status.h"
#include "remoting/connection.h"
#include "remoting/io_context_pool.h"

namespace rmq::remoting {

struct ClientOptions {
  std::string name = "RemotingClient";
  size_t ioThreads = 1;
  int64_t connectTimeoutMillis = 3000;
  bool useTls = false;
  ConnectionOptions connection;
};

class RemotingClient : public ConnectionListener {
 public:
  explicit RemotingClient(ClientOptions options = {});
  ~RemotingClient();

  void start();
  void shutdown();

  Status invokeSync(const std::string& addr, RemotingCommand request, int64_t timeoutMillis,
                    RemotingCommand& response);
  void invokeAsync(const std::string& addr, RemotingCommand request, int64_t timeoutMillis,
                   ResponseCallback callback);
  Status invokeOneway(const std::string& addr, RemotingCommand request);
  void closeConnection(const std::string& addr);

  // Requests the server sends us (default: answer REQUEST_CODE_NOT_SUPPORTED).
  void setRequestListener(ConnectionListener* listener) { requestListener_ = listener; }

 private:
  ConnectionPtr connection(const std::string& addr, Status& status);
  void onRequest(const ConnectionPtr& conn, RemotingCommand& request) override;
  void onClose(const ConnectionPtr& conn) override;

  ClientOptions options_;
  IoContextPool pool_;
  ConnectionListener* requestListener_ = nullptr;
  std::mutex mutex_;
  std::unordered_map<std::string, ConnectionPtr> connections_;
  bool started_ = false;
};

}  // namespace rmq::remoting
