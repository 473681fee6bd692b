#include "remoting/request_dispatcher.h"

#include "common/logging.h"
#include "remoting/response_code.h"

namespace rmq::remoting {

Responder::Responder(const ConnectionPtr& conn, const RemotingCommand& request)
    : conn_(conn),
      opaque_(request.opaque),
      serializeType_(request.serializeType),
      oneway_(request.isOneway()) {}

Responder::Responder(const Responder& other)
    : conn_(other.conn_),
      opaque_(other.opaque_),
      serializeType_(other.serializeType_),
      oneway_(other.oneway_) {
  if (!other.shared_) other.shared_ = std::make_shared<std::atomic<bool>>(other.replied_);
  shared_ = other.shared_;
}

Responder& Responder::operator=(const Responder& other) {
  if (this != &other) *this = Responder(other);
  return *this;
}

bool Responder::claim() const {
  if (shared_) return !shared_->exchange(true);
  if (replied_) return false;
  replied_ = true;
  return true;
}

void Responder::replyWith(RemotingCommand& response) const {
  if (oneway_ || !claim()) return;
  auto conn = conn_.lock();
  if (!conn) return;
  response.opaque = opaque_;
  response.flag = (response.flag | kFlagResponse) & ~kFlagOneway;
  response.serializeType = serializeType_;
  conn->send(response);
}

void RequestContext::reply(RemotingCommand response) {
  if (replied_ || deferred_) return;
  replied_ = true;
  if (request_.isOneway()) return;
  response.opaque = request_.opaque;
  response.flag = (response.flag | kFlagResponse) & ~kFlagOneway;
  response.serializeType = request_.serializeType;
  conn_->send(response);
}

Responder RequestContext::defer() {
  deferred_ = true;
  return Responder(conn_, request_);
}

void RequestDispatcher::registerHandler(int32_t code, RequestHandler handler,
                                        ThreadPool* executor) {
  handlers_[code] = Entry{std::move(handler), executor};
}

void RequestDispatcher::addCloseListener(std::function<void(const ConnectionPtr&)> listener) {
  closeListeners_.push_back(std::move(listener));
}

void RequestDispatcher::runHandler(const Entry& entry, const ConnectionPtr& conn,
                                   RemotingCommand& request) {
  RequestContext ctx(conn, request);
  try {
    entry.handler(request, ctx);
  } catch (const std::exception& e) {
    RMQ_LOG(ERROR) << "handler for request code " << request.code << " from "
                   << conn->remoteAddress() << " failed: " << e.what();
    if (!ctx.answered()) {
      ctx.reply(RemotingCommand::createResponse(request, response_code::SYSTEM_ERROR, e.what()));
    }
    return;
  }
  if (!ctx.answered() && !request.isOneway()) {
    RMQ_LOG(ERROR) << "handler for request code " << request.code << " gave no response";
    ctx.reply(RemotingCommand::createResponse(request, response_code::SYSTEM_ERROR,
                                              "no response from the request handler"));
  }
}

void RequestDispatcher::onRequest(const ConnectionPtr& conn, RemotingCommand& request) {
  auto it = handlers_.find(request.code);
  if (it == handlers_.end()) {
    if (!request.isOneway()) {
      conn->send(RemotingCommand::createResponse(
          request, response_code::REQUEST_CODE_NOT_SUPPORTED,
          " request type " + std::to_string(request.code) + " not supported"));
    }
    RMQ_LOG(DEBUG) << "request type " << request.code << " not supported, from "
                   << conn->remoteAddress();
    return;
  }
  const Entry& entry = it->second;
  if (!entry.executor) {
    runHandler(entry, conn, request);
    return;
  }
  auto copy = std::make_shared<RemotingCommand>(request);
  copy->ownBody();
  bool queued = entry.executor->submit([&entry, conn, copy] { runHandler(entry, conn, *copy); });
  if (!queued && !request.isOneway()) {
    conn->send(
        RemotingCommand::createResponse(request, response_code::SYSTEM_BUSY,
                                        "[OVERLOAD]system busy, start flow control for a while"));
  }
}

void RequestDispatcher::onClose(const ConnectionPtr& conn) {
  for (const auto& l : closeListeners_) l(conn);
}

}  // namespace rmq::remoting
