#include "remoting/connection.h"

#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <cstring>

#include "common/logging.h"
#include "common/time_util.h"

namespace rmq::remoting {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr size_t kInitialReadBuffer = 64 * 1024;
constexpr size_t kShrinkReadBufferAbove = 1024 * 1024;
std::atomic<uint64_t> g_nextConnectionId{1};
std::atomic<int32_t> g_nextOpaque{1};

std::string endpointText(const tcp::endpoint& ep) {
  auto addr = ep.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    addr = asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  }
  if (addr.is_v6()) return "[" + addr.to_string() + "]:" + std::to_string(ep.port());
  return addr.to_string() + ":" + std::to_string(ep.port());
}
}  // namespace

int32_t Connection::nextOpaque() {
  return g_nextOpaque.fetch_add(1, std::memory_order_relaxed);
}

void Connection::Batch::appendInline(const char* data, size_t n) {
  size_t offset = bytes.size();
  bytes.append(data, n);
  if (!pieces.empty() && pieces.back().kind == Piece::kInline &&
      pieces.back().offset + pieces.back().length == offset) {
    pieces.back().length += n;
  } else {
    pieces.push_back(Piece{Piece::kInline, 0, offset, n});
  }
}

Connection::Connection(asio::io_context& io, tcp::socket socket, ConnectionListener* listener,
                       ConnectionOptions options)
    : io_(io),
      socket_(std::move(socket)),
      listener_(listener),
      options_(std::move(options)),
      id_(g_nextConnectionId.fetch_add(1)),
      idleTimer_(io),
      pendingTimer_(io) {
  boost::system::error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) remoteAddress_ = endpointText(remote);
  auto local = socket_.local_endpoint(ec);
  if (!ec) localAddress_ = endpointText(local);
  socket_.set_option(tcp::no_delay(true), ec);
  readBuffer_.resize(kInitialReadBuffer);
  lastActivityMs_ = monotonicMillis();
}

Connection::~Connection() = default;

template <typename Buffers, typename Handler>
void Connection::asyncWrite(const Buffers& buffers, Handler&& handler) {
  if (ssl_) {
    asio::async_write(*ssl_, buffers, std::forward<Handler>(handler));
  } else {
    asio::async_write(socket_, buffers, std::forward<Handler>(handler));
  }
}

template <typename Buffer, typename Handler>
void Connection::asyncReadSome(const Buffer& buffer, Handler&& handler) {
  if (ssl_) {
    ssl_->async_read_some(buffer, std::forward<Handler>(handler));
  } else {
    socket_.async_read_some(buffer, std::forward<Handler>(handler));
  }
}

void Connection::startServer() {
  auto self = shared_from_this();
  asio::post(io_, [self] {
    self->armIdleTimer();
    if (self->options_.tlsMode == TlsMode::DISABLED || !self->options_.tlsContext) {
      self->doRead();
      return;
    }
    // Peek at the first byte: 0x16 opens a TLS handshake, anything else is plaintext.
    self->socket_.async_receive(
        asio::buffer(&self->peekByte_, 1), tcp::socket::message_peek,
        [self](const boost::system::error_code& ec, size_t n) {
          if (ec || n == 0) {
            self->doClose(ec ? ec.message() : "closed before the first byte");
            return;
          }
          if (self->peekByte_ == 0x16) {
            self->beginTls(true, [self](const Status& s) {
              if (s.ok()) self->doRead();
            });
          } else if (self->options_.tlsMode == TlsMode::ENFORCING) {
            self->doClose("plaintext connection refused: tls.server.mode=enforcing");
          } else {
            self->doRead();
          }
        });
  });
}

void Connection::startClient(std::function<void(const Status&)> onReady) {
  auto self = shared_from_this();
  asio::post(io_, [self, onReady = std::move(onReady)]() mutable {
    self->armIdleTimer();
    if (self->options_.tlsContext) {
      self->beginTls(false, [self, onReady = std::move(onReady)](const Status& s) {
        if (s.ok()) self->doRead();
        onReady(s);
      });
      return;
    }
    self->doRead();
    onReady(Status::Ok());
  });
}

void Connection::beginTls(bool server, std::function<void(const Status&)> done) {
  ssl_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *options_.tlsContext);
  auto self = shared_from_this();
  ssl_->async_handshake(server ? asio::ssl::stream_base::server : asio::ssl::stream_base::client,
                        [self, done = std::move(done)](const boost::system::error_code& ec) {
                          if (ec) {
                            std::string reason = "TLS handshake failed: " + ec.message();
                            self->doClose(reason);
                            done(Status::Error(reason));
                            return;
                          }
                          done(Status::Ok());
                        });
}

// ---- reading ----

void Connection::doRead() {
  if (closed_) return;
  if (readLength_ == readBuffer_.size()) readBuffer_.resize(readBuffer_.size() * 2);
  auto self = shared_from_this();
  asyncReadSome(asio::buffer(readBuffer_.data() + readLength_, readBuffer_.size() - readLength_),
                [self](const boost::system::error_code& ec, size_t n) { self->onRead(ec, n); });
}

void Connection::onRead(const boost::system::error_code& ec, size_t n) {
  if (ec) {
    doClose(ec == asio::error::eof ? "closed by peer" : ec.message());
    return;
  }
  lastActivityMs_ = monotonicMillis();
  readLength_ += n;
  if (!processFrames()) return;
  doRead();
}

bool Connection::processFrames() {
  size_t offset = 0;
  while (!closed_) {
    FrameView frame;
    std::string error;
    FrameParse r = parseFrame(std::string_view(readBuffer_.data() + offset, readLength_ - offset),
                              options_.maxFrameSize, frame, error);
    if (r == FrameParse::kError) {
      RMQ_LOG(WARN) << "malformed frame from " << remoteAddress_ << ": " << error
                    << "; closing the connection";
      doClose(error);
      return false;
    }
    if (r == FrameParse::kNeedMore) break;
    handleFrame(frame);
    offset += frame.totalSize;
  }
  if (closed_) return false;
  if (offset > 0) {
    std::memmove(readBuffer_.data(), readBuffer_.data() + offset, readLength_ - offset);
    readLength_ -= offset;
  }
  // Make room for the whole of a large frame whose length we already know.
  if (readLength_ >= 4) {
    const auto* p = reinterpret_cast<const unsigned char*>(readBuffer_.data());
    size_t total = ((size_t(p[0]) << 24) | (size_t(p[1]) << 16) | (size_t(p[2]) << 8) | p[3]) + 4;
    if (total > readBuffer_.size()) readBuffer_.resize(total);
  } else if (readLength_ == 0 && readBuffer_.size() > kShrinkReadBufferAbove) {
    readBuffer_.resize(kInitialReadBuffer);
    readBuffer_.shrink_to_fit();
  }
  return true;
}

void Connection::handleFrame(const FrameView& frame) {
  Status s = decodeCommand(frame, scratch_);
  if (!s.ok()) {
    RMQ_LOG(WARN) << "undecodable frame from " << remoteAddress_ << ": " << s.message()
                  << "; closing the connection";
    doClose(s.message());
    return;
  }
  auto self = shared_from_this();
  if (scratch_.isResponse()) {
    Pending pending;
    {
      std::lock_guard<std::mutex> lock(pendingMutex_);
      auto it = pending_.find(scratch_.opaque);
      if (it == pending_.end()) {
        RMQ_LOG(DEBUG) << "response with unknown opaque " << scratch_.opaque << " from "
                       << remoteAddress_ << " dropped";
        return;
      }
      pending = std::move(it->second);
      pending_.erase(it);
    }
    try {
      pending.callback(Status::Ok(), &scratch_);
    } catch (const std::exception& e) {
      RMQ_LOG(ERROR) << "response callback threw: " << e.what();
    }
    return;
  }
  try {
    listener_->onRequest(self, scratch_);
  } catch (const std::exception& e) {
    RMQ_LOG(ERROR) << "request handler for code " << scratch_.code << " threw: " << e.what();
    if (!scratch_.isOneway()) {
      send(RemotingCommand::createResponse(scratch_, 1, std::string(e.what())));
    }
  }
}

// ---- writing ----

void Connection::enqueueLocked(const RemotingCommand& cmd) {
  const size_t bodySize = cmd.bodySize();
  const size_t before = fill_.bytes.size();
  encodeFrameHead(cmd, bodySize, fill_.bytes);
  const size_t headLength = fill_.bytes.size() - before;
  // The head is already in bytes; register it as (or merge it into) an inline piece.
  if (!fill_.pieces.empty() && fill_.pieces.back().kind == Piece::kInline &&
      fill_.pieces.back().offset + fill_.pieces.back().length == before) {
    fill_.pieces.back().length += headLength;
  } else {
    fill_.pieces.push_back(Piece{Piece::kInline, 0, before, headLength});
  }
  if (cmd.hasChunks()) {
    for (const BodyChunk& c : cmd.chunks()) {
      if (c.size <= 256) {
        fill_.appendInline(c.data, c.size);
        continue;
      }
      fill_.pieces.push_back(
          Piece{Piece::kChunk, static_cast<uint32_t>(fill_.chunks.size()), 0, c.size});
      fill_.chunks.push_back(c);
    }
  } else if (bodySize > 0) {
    std::string_view body = cmd.body();
    fill_.appendInline(body.data(), body.size());
  }
}

void Connection::kickWriter() {
  // Called with writeMutex_ held. Posting (rather than writing inline) lets every response
  // produced while handling the current read burst join the same gathered write.
  if (writing_) return;
  writing_ = true;
  asio::post(io_, [self = shared_from_this()] { self->startWrite(); });
}

void Connection::send(const RemotingCommand& cmd) {
  if (closed_.load(std::memory_order_acquire)) return;
  std::lock_guard<std::mutex> lock(writeMutex_);
  enqueueLocked(cmd);
  kickWriter();
}

void Connection::startWrite() {
  {
    std::lock_guard<std::mutex> lock(writeMutex_);
    std::swap(fill_, inflight_);
    if (closed_ || inflight_.empty()) {
      inflight_.clear();
      writing_ = false;
      return;
    }
  }
  iov_.clear();
  for (const Piece& p : inflight_.pieces) {
    if (p.kind == Piece::kInline) {
      iov_.emplace_back(inflight_.bytes.data() + p.offset, p.length);
    } else {
      const BodyChunk& c = inflight_.chunks[p.index];
      iov_.emplace_back(c.data, c.size);
    }
  }
  auto self = shared_from_this();
  asyncWrite(iov_, [self](const boost::system::error_code& ec, size_t) { self->onWrite(ec); });
}

void Connection::onWrite(const boost::system::error_code& ec) {
  lastActivityMs_ = monotonicMillis();
  inflight_.clear();
  if (ec) {
    {
      std::lock_guard<std::mutex> lock(writeMutex_);
      writing_ = false;
    }
    doClose("write failed: " + ec.message());
    return;
  }
  {
    std::lock_guard<std::mutex> lock(writeMutex_);
    if (fill_.empty()) {
      writing_ = false;
      return;
    }
  }
  startWrite();
}

// ---- invokes ----

void Connection::invoke(RemotingCommand request, int64_t timeoutMillis, ResponseCallback callback) {
  request.opaque = nextOpaque();
  request.flag &= ~kFlagResponse;
  bool armScan = false;
  bool closed = false;
  {
    // Registered before the request is written, so the answer always finds it. The closed_
    // check under the lock pairs with doClose(), which sets closed_ before draining pending_.
    std::lock_guard<std::mutex> lock(pendingMutex_);
    closed = closed_.load(std::memory_order_acquire);
    if (!closed) {
      pending_[request.opaque] =
          Pending{std::move(callback), monotonicMillis() + timeoutMillis, timeoutMillis};
      if (!pendingScanArmed_) pendingScanArmed_ = armScan = true;
    }
  }
  if (closed) {
    callback(Status::Error("connection to " + remoteAddress_ + " is closed"), nullptr);
    return;
  }
  send(request);
  if (armScan) {
    asio::post(io_, [self = shared_from_this()] { self->schedulePendingScan(); });
  }
}

void Connection::schedulePendingScan() {
  pendingTimer_.expires_after(std::chrono::milliseconds(kPendingScanMillis));
  pendingTimer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    auto self = weak.lock();
    if (self) self->scanPending();
  });
}

void Connection::scanPending() {
  std::vector<Pending> expired;
  const int64_t now = monotonicMillis();
  bool again;
  {
    std::lock_guard<std::mutex> lock(pendingMutex_);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.deadlineMs <= now) {
        expired.push_back(std::move(it->second));
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
    again = !pending_.empty() && !closed_;
    pendingScanArmed_ = again;
  }
  for (auto& p : expired) {
    p.callback(Status::Error("wait response on the channel <" + remoteAddress_ + "> timeout, " +
                             std::to_string(p.timeoutMillis) + "(ms)"),
               nullptr);
  }
  if (again) schedulePendingScan();
}

void Connection::invokeOneway(RemotingCommand request) {
  request.opaque = nextOpaque();
  request.flag = (request.flag & ~kFlagResponse) | kFlagOneway;
  send(request);
}

// ---- closing ----

void Connection::close(const std::string& reason) {
  asio::post(io_, [self = shared_from_this(), reason] { self->doClose(reason); });
}

void Connection::doClose(const std::string& reason) {
  if (closed_.exchange(true, std::memory_order_acq_rel)) return;
  RMQ_LOG(DEBUG) << "close connection " << remoteAddress_ << ": " << reason;
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  idleTimer_.cancel();
  {
    std::lock_guard<std::mutex> lock(writeMutex_);
    fill_.clear();
  }
  std::unordered_map<int32_t, Pending> pending;
  {
    std::lock_guard<std::mutex> lock(pendingMutex_);
    pending.swap(pending_);
  }
  pendingTimer_.cancel();
  for (auto& [opaque, p] : pending) {
    p.callback(Status::Error("connection to " + remoteAddress_ + " closed: " + reason), nullptr);
  }
  if (listener_) listener_->onClose(shared_from_this());
}

void Connection::armIdleTimer() {
  if (options_.idleTimeoutSeconds <= 0 || closed_) return;
  const int64_t idleMs = int64_t(options_.idleTimeoutSeconds) * 1000;
  const int64_t elapsed = monotonicMillis() - lastActivityMs_;
  if (elapsed >= idleMs) {
    RMQ_LOG(INFO) << "connection " << remoteAddress_ << " idle for " << options_.idleTimeoutSeconds
                  << " s, closing";
    doClose("idle");
    return;
  }
  idleTimer_.expires_after(std::chrono::milliseconds(idleMs - elapsed + 10));
  idleTimer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->armIdleTimer();
  });
}

}  // namespace rmq::remoting
