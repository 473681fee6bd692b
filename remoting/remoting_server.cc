#include "remoting/remoting_server.h"

#include <boost/asio/post.hpp>

#include "common/logging.h"

namespace rmq::remoting {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

RemotingServer::RemotingServer(ServerOptions options, ConnectionListener* listener)
    : options_(std::move(options)), listener_(listener), pool_(options_.name, options_.ioThreads) {}

RemotingServer::~RemotingServer() {
  stop();
}

Status RemotingServer::start() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options_.bindAddress, ec);
  if (ec) return Status::Error("bad bind address " + options_.bindAddress + ": " + ec.message());
  tcp::endpoint endpoint(address, options_.port);
  acceptor_ = std::make_unique<tcp::acceptor>(pool_.at(0));
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(options_.backlog, ec);
  if (ec) {
    return Status::Error("cannot listen on " + options_.bindAddress + ":" +
                         std::to_string(options_.port) + ": " + ec.message());
  }
  port_ = acceptor_->local_endpoint().port();
  pool_.start();
  asio::post(pool_.at(0), [this] { doAccept(); });
  return Status::Ok();
}

void RemotingServer::doAccept() {
  acceptor_->async_accept(pool_.next(), [this](const boost::system::error_code& ec,
                                               tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      RMQ_LOG(WARN) << options_.name << " accept failed: " << ec.message();
    } else {
      asio::io_context& io = static_cast<asio::io_context&>(socket.get_executor().context());
      auto conn = std::make_shared<Connection>(io, std::move(socket), this, options_.connection);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopped_) return;
        connections_[conn->id()] = conn;
      }
      conn->startServer();
    }
    doAccept();
  });
}

void RemotingServer::onRequest(const ConnectionPtr& conn, RemotingCommand& request) {
  listener_->onRequest(conn, request);
}

void RemotingServer::onClose(const ConnectionPtr& conn) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    connections_.erase(conn->id());
  }
  listener_->onClose(conn);
}

size_t RemotingServer::connectionCount() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return connections_.size();
}

bool RemotingServer::closeConnection(uint64_t id, const std::string& reason) {
  ConnectionPtr conn;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = connections_.find(id);
    if (it == connections_.end()) return false;
    conn = it->second;
  }
  conn->close(reason);
  return true;
}

void RemotingServer::stop() {
  std::unordered_map<uint64_t, ConnectionPtr> conns;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    conns.swap(connections_);
  }
  if (acceptor_) {
    asio::post(pool_.at(0), [this] {
      boost::system::error_code ec;
      acceptor_->close(ec);
    });
  }
  for (auto& [id, conn] : conns) conn->close("server stopping");
  // Let the close handlers run, then stop the I/O threads.
  pool_.stop();
}

}  // namespace rmq::remoting
