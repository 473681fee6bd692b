// One TCP (optionally TLS) connection speaking the remoting protocol, on either side.
//
// Threading contract: a Connection is bound to one io_context (one I/O thread). Reads, frame
// decoding, listener callbacks and response callbacks run on that thread. send(), invoke(),
// invokeOneway() and close() may be called from any thread.
//
// Writes: every frame sent is appended to a fill batch under a short lock; one writer drains
// whole batches with a single gathered write (writev), so the responses produced by one read
// burst leave in one system call. Small bodies are copied next to their headers; large owned
// bodies are moved in, and BodyChunks (mapped file regions) are referenced, not copied, and
// kept alive until the write completes.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "remoting/frame_codec.h"
#include "remoting/remoting_command.h"
#include "remoting/tls.h"

namespace rmq::remoting {

class Connection;
using ConnectionPtr = std::shared_ptr<Connection>;

// Receives requests and close events of connections. Called on the connection's I/O thread.
class ConnectionListener {
 public:
  virtual ~ConnectionListener() = default;
  // `request` (and the body it borrows) is valid only during the call.
  virtual void onRequest(const ConnectionPtr& conn, RemotingCommand& request) = 0;
  virtual void onClose(const ConnectionPtr& conn) {}
};

// Completion of an invoke: status is an error on timeout, send failure or connection close; then
// `response` is null.
using ResponseCallback = std::function<void(const Status& status, RemotingCommand* response)>;

struct ConnectionOptions {
  size_t maxFrameSize = kDefaultMaxFrameSize;
  int idleTimeoutSeconds = 120;        // close after this long without reads and writes; 0 = never
  size_t inlineBodyLimit = 16 * 1024;  // owned bodies up to this size are copied into the batch
  TlsMode tlsMode = TlsMode::DISABLED;
  std::shared_ptr<boost::asio::ssl::context> tlsContext;  // server or client context
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(boost::asio::io_context& io, boost::asio::ip::tcp::socket socket,
             ConnectionListener* listener, ConnectionOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Server side: applies the TLS mode (peeking at the first byte), then starts reading.
  void startServer();
  // Client side: TLS handshake if a client context is set, then reading. `onReady` runs on the
  // I/O thread once the connection can be used (or failed).
  void startClient(std::function<void(const Status&)> onReady);

  void send(const RemotingCommand& cmd);
  void invoke(RemotingCommand request, int64_t timeoutMillis, ResponseCallback callback);
  void invokeOneway(RemotingCommand request);
  void close(const std::string& reason);

  bool isOpen() const { return !closed_.load(std::memory_order_acquire); }
  uint64_t id() const { return id_; }
  const std::string& remoteAddress() const { return remoteAddress_; }
  const std::string& localAddress() const { return localAddress_; }
  boost::asio::io_context& ioContext() { return io_; }
  bool isTls() const { return ssl_ != nullptr; }

  // Free-form attachment for the layer above (set once, read on any thread afterwards).
  void setAttachment(std::shared_ptr<void> a) {
    std::lock_guard<std::mutex> lock(attachmentMutex_);
    attachment_ = std::move(a);
  }
  std::shared_ptr<void> attachment() const {
    std::lock_guard<std::mutex> lock(attachmentMutex_);
    return attachment_;
  }

  static int32_t nextOpaque();

 private:
  struct Piece {
    enum Kind : uint8_t { kInline, kOwned, kChunk } kind;
    uint32_t index;  // kOwned: bodies index, kChunk: chunks index
    size_t offset;   // kInline: offset into bytes
    size_t length;
  };
  struct Batch {
    std::string bytes;
    std::vector<Piece> pieces;
    std::vector<std::string> bodies;
    std::vector<BodyChunk> chunks;
    bool empty() const { return pieces.empty(); }
    void clear() {
      bytes.clear();
      pieces.clear();
      bodies.clear();
      chunks.clear();
    }
    void appendInline(const char* data, size_t n);
  };
  struct Pending {
    ResponseCallback callback;
    int64_t deadlineMs = 0;  // monotonic
    int64_t timeoutMillis = 0;
  };
  // Timeouts are found by one scan per connection while requests are pending (no timer per
  // request); this bounds their resolution.
  static constexpr int64_t kPendingScanMillis = 20;

  void enqueueLocked(const RemotingCommand& cmd);
  void kickWriter();
  void startWrite();
  void onWrite(const boost::system::error_code& ec);
  void doRead();
  void onRead(const boost::system::error_code& ec, size_t n);
  bool processFrames();
  void handleFrame(const FrameView& frame);
  void doClose(const std::string& reason);
  void armIdleTimer();
  void schedulePendingScan();
  void scanPending();
  void beginTls(bool server, std::function<void(const Status&)> done);
  template <typename Buffers, typename Handler>
  void asyncWrite(const Buffers& buffers, Handler&& handler);
  template <typename Buffer, typename Handler>
  void asyncReadSome(const Buffer& buffer, Handler&& handler);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::socket socket_;
  std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> ssl_;
  ConnectionListener* listener_;
  ConnectionOptions options_;
  uint64_t id_;
  std::string remoteAddress_;
  std::string localAddress_;
  std::atomic<bool> closed_{false};

  // Read side (I/O thread only).
  std::vector<char> readBuffer_;
  size_t readLength_ = 0;
  RemotingCommand scratch_;  // reused for every decoded frame
  int64_t lastActivityMs_ = 0;
  boost::asio::steady_timer idleTimer_;
  char peekByte_ = 0;

  // Write side.
  std::mutex writeMutex_;
  Batch fill_;
  Batch inflight_;  // owned by the writer while a write is outstanding
  bool writing_ = false;
  std::vector<boost::asio::const_buffer> iov_;

  // Requests this side sent and awaits answers to.
  std::mutex pendingMutex_;
  std::unordered_map<int32_t, Pending> pending_;
  bool pendingScanArmed_ = false;           // guarded by pendingMutex_
  boost::asio::steady_timer pendingTimer_;  // I/O thread only

  mutable std::mutex attachmentMutex_;
  std::shared_ptr<void> attachment_;
};

}  // namespace rmq::remoting
