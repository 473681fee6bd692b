// Maps request codes to handlers. A handler either answers during the call (ctx.reply) or takes
// a Responder (ctx.defer) and answers later from any thread, e.g. after a disk flush or a
// long-poll wake-up. Unknown codes answer REQUEST_CODE_NOT_SUPPORTED; oneway requests are never
// answered; a handler that neither replies nor defers gets SYSTEM_ERROR sent for it, so no
// two-way request is ever left unanswered.
//
// Handlers registered without an executor run on the connection's I/O thread and must not
// block. Handlers that may block are registered with a ThreadPool; their request is copied
// (body included) before it crosses threads.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/thread_pool.h"
#include "remoting/connection.h"

namespace rmq::remoting {

// Answers one request later. Replying twice, through the same object or any copy of it, sends
// only the first answer. Moving is free; the first copy allocates the flag the copies share, so
// the first copy must be made by the thread that owns the Responder, before a copy reaches
// another thread (every handler copies it before parking or handing it on).
class Responder {
 public:
  Responder() = default;
  Responder(const ConnectionPtr& conn, const RemotingCommand& request);
  Responder(const Responder& other);
  Responder& operator=(const Responder& other);
  Responder(Responder&&) noexcept = default;
  Responder& operator=(Responder&&) noexcept = default;

  // Fills opaque, flag and serialization from the request, then sends (no-op for oneway
  // requests or closed connections).
  void reply(RemotingCommand response) const { replyWith(response); }
  // The same, filling those fields into `response` in place and sending it without taking it
  // (a caller may reuse one command object for many answers).
  void replyWith(RemotingCommand& response) const;
  bool oneway() const { return oneway_; }
  ConnectionPtr connection() const { return conn_.lock(); }
  // The same answer slot, answering in `t` instead of the request's serialization (Java writes
  // a re-executed long-polled pull in its default JSON).
  Responder answeringIn(SerializeType t) const {
    Responder r = *this;
    r.serializeType_ = t;
    return r;
  }

 private:
  bool claim() const;  // true for the first answer only

  std::weak_ptr<Connection> conn_;
  int32_t opaque_ = 0;
  SerializeType serializeType_ = SerializeType::JSON;
  bool oneway_ = false;
  mutable bool replied_ = false;                       // until the first copy
  mutable std::shared_ptr<std::atomic<bool>> shared_;  // from the first copy on
};

class RequestContext {
 public:
  RequestContext(const ConnectionPtr& conn, const RemotingCommand& request)
      : conn_(conn), request_(request) {}
  const ConnectionPtr& connection() const { return conn_; }
  void reply(RemotingCommand response);
  Responder defer();
  bool answered() const { return replied_ || deferred_; }

 private:
  const ConnectionPtr& conn_;
  const RemotingCommand& request_;
  bool replied_ = false;
  bool deferred_ = false;
};

using RequestHandler = std::function<void(RemotingCommand& request, RequestContext& ctx)>;

class RequestDispatcher : public ConnectionListener {
 public:
  // `executor` == nullptr: run on the I/O thread.
  void registerHandler(int32_t code, RequestHandler handler, ThreadPool* executor = nullptr);
  // Called on the I/O thread when any connection closes.
  void addCloseListener(std::function<void(const ConnectionPtr&)> listener);
  // Called for every accepted connection (e.g. for counting); optional.
  bool hasHandler(int32_t code) const { return handlers_.count(code) != 0; }

  void onRequest(const ConnectionPtr& conn, RemotingCommand& request) override;
  void onClose(const ConnectionPtr& conn) override;

 private:
  struct Entry {
    RequestHandler handler;
    ThreadPool* executor = nullptr;
  };
  static void runHandler(const Entry& entry, const ConnectionPtr& conn, RemotingCommand& request);
  // Registration happens before the server starts; lookups need no lock afterwards.
  std::unordered_map<int32_t, Entry> handlers_;
  std::vector<std::function<void(const ConnectionPtr&)>> closeListeners_;
};

}  // namespace rmq::remoting
