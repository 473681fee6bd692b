#include "remoting/remoting_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <future>

#include "common/logging.h"
#include "remoting/response_code.h"

namespace rmq::remoting {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

RemotingClient::RemotingClient(ClientOptions options)
    : options_(std::move(options)), pool_(options_.name, options_.ioThreads) {
  options_.connection.tlsMode = TlsMode::DISABLED;
  if (options_.useTls) options_.connection.tlsContext = makeClientTlsContext();
}

RemotingClient::~RemotingClient() {
  shutdown();
}

void RemotingClient::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (started_) return;
  started_ = true;
  pool_.start();
}

void RemotingClient::shutdown() {
  std::unordered_map<std::string, ConnectionPtr> conns;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!started_) return;
    started_ = false;
    conns.swap(connections_);
  }
  for (auto& [addr, conn] : conns) conn->close("client shutdown");
  pool_.stop();
}

namespace {
bool splitAddress(const std::string& addr, std::string& host, std::string& port) {
  auto pos = addr.rfind(':');
  if (pos == std::string::npos || pos == 0 || pos + 1 >= addr.size()) return false;
  host = addr.substr(0, pos);
  port = addr.substr(pos + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return true;
}
}  // namespace

ConnectionPtr RemotingClient::connection(const std::string& addr, Status& status) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!started_) {
      status = Status::Error("client not started");
      return nullptr;
    }
    auto it = connections_.find(addr);
    if (it != connections_.end() && it->second->isOpen()) return it->second;
  }
  std::string host, port;
  if (!splitAddress(addr, host, port)) {
    status = Status::Error("bad address " + addr);
    return nullptr;
  }
  asio::io_context& io = pool_.next();
  // Connect on the I/O thread with a deadline; the caller waits for the outcome.
  auto promise = std::make_shared<std::promise<std::pair<Status, ConnectionPtr>>>();
  auto future = promise->get_future();
  auto socket = std::make_shared<tcp::socket>(io);
  auto timer = std::make_shared<asio::steady_timer>(io);
  auto done = std::make_shared<std::atomic<bool>>(false);
  asio::post(io, [this, &io, host, port, socket, timer, promise, done] {
    boost::system::error_code ec;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(host, port, ec);
    if (ec) {
      done->store(true);
      promise->set_value({Status::Error("cannot resolve " + host + ": " + ec.message()), nullptr});
      return;
    }
    timer->expires_after(std::chrono::milliseconds(options_.connectTimeoutMillis));
    timer->async_wait([socket](const boost::system::error_code& tec) {
      if (!tec) {
        boost::system::error_code ignored;
        socket->close(ignored);
      }
    });
    asio::async_connect(
        *socket, endpoints,
        [this, &io, socket, timer, promise, done](const boost::system::error_code& cec,
                                                  const tcp::endpoint&) {
          timer->cancel();
          if (cec) {
            done->store(true);
            promise->set_value({Status::Error("connect failed: " + cec.message()), nullptr});
            return;
          }
          auto conn =
              std::make_shared<Connection>(io, std::move(*socket), this, options_.connection);
          conn->startClient([promise, conn, done](const Status& s) {
            if (done->exchange(true)) return;
            promise->set_value({s, s.ok() ? conn : nullptr});
          });
        });
  });
  auto [s, conn] = future.get();
  if (!s.ok()) {
    status = Status::Error("connect to " + addr + " failed: " + s.message());
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  auto& slot = connections_[addr];
  if (slot && slot->isOpen()) {
    conn->close("duplicate connection");
    return slot;
  }
  slot = conn;
  return conn;
}

Status RemotingClient::invokeSync(const std::string& addr, RemotingCommand request,
                                  int64_t timeoutMillis, RemotingCommand& response) {
  Status status;
  auto conn = connection(addr, status);
  if (!conn) return status;
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  conn->invoke(std::move(request), timeoutMillis,
               [promise, &response](const Status& s, RemotingCommand* resp) {
                 if (resp) {
                   response = *resp;
                   response.ownBody();
                 }
                 promise->set_value(s);
               });
  return future.get();
}

void RemotingClient::invokeAsync(const std::string& addr, RemotingCommand request,
                                 int64_t timeoutMillis, ResponseCallback callback) {
  Status status;
  auto conn = connection(addr, status);
  if (!conn) {
    callback(status, nullptr);
    return;
  }
  conn->invoke(std::move(request), timeoutMillis, std::move(callback));
}

Status RemotingClient::invokeOneway(const std::string& addr, RemotingCommand request) {
  Status status;
  auto conn = connection(addr, status);
  if (!conn) return status;
  conn->invokeOneway(std::move(request));
  return Status::Ok();
}

void RemotingClient::closeConnection(const std::string& addr) {
  ConnectionPtr conn;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = connections_.find(addr);
    if (it == connections_.end()) return;
    conn = it->second;
    connections_.erase(it);
  }
  conn->close("closed by client");
}

void RemotingClient::onRequest(const ConnectionPtr& conn, RemotingCommand& request) {
  if (requestListener_) {
    requestListener_->onRequest(conn, request);
    return;
  }
  if (!request.isOneway()) {
    conn->send(RemotingCommand::createResponse(
        request, response_code::REQUEST_CODE_NOT_SUPPORTED,
        " request type " + std::to_string(request.code) + " not supported"));
  }
}

void RemotingClient::onClose(const ConnectionPtr& conn) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = connections_.begin(); it != connections_.end(); ++it) {
    if (it->second == conn) {
      connections_.erase(it);
      break;
    }
  }
}

}  // namespace rmq::remoting
