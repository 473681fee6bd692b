// Accepts remoting connections on one TCP port and hands their requests to a listener
// (normally a RequestDispatcher). Connections are spread over a pool of I/O threads.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/status.h"
#include "remoting/connection.h"
#include "remoting/io_context_pool.h"

namespace rmq::remoting {

struct ServerOptions {
  std::string name = "Remoting";
  std::string bindAddress = "0.0.0.0";
  uint16_t port = 0;  // 0 = pick a free port (see RemotingServer::port())
  size_t ioThreads = 2;
  int backlog = 1024;
  ConnectionOptions connection;
};

class RemotingServer : public ConnectionListener {
 public:
  RemotingServer(ServerOptions options, ConnectionListener* listener);
  ~RemotingServer();

  Status start();
  void stop();
  uint16_t port() const { return port_; }
  size_t connectionCount() const;
  // Closes the connection with this id if it is still open; returns whether it was found.
  bool closeConnection(uint64_t id, const std::string& reason);
  IoContextPool& ioPool() { return pool_; }

 private:
  void doAccept();
  void onRequest(const ConnectionPtr& conn, RemotingCommand& request) override;
  void onClose(const ConnectionPtr& conn) override;

  ServerOptions options_;
  ConnectionListener* listener_;
  IoContextPool pool_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, ConnectionPtr> connections_;
  bool stopped_ = false;
};

}  // namespace rmq::remoting
