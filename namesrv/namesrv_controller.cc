#include "namesrv/namesrv_controller.h"

#include "common/logging.h"
#include "common/time_util.h"
#include "namesrv/handlers/handlers.h"
#include "remoting/tls.h"

namespace rmq::namesrv {

NamesrvController::NamesrvController(NamesrvConfig config) : ctx_(std::move(config)) {}

NamesrvController::~NamesrvController() {
  shutdown();
}

Status NamesrvController::start() {
  Status s = ctx_.kvConfig.load();
  if (!s.ok()) return s;

  const NamesrvConfig& cfg = ctx_.config;
  workers_ = std::make_unique<ThreadPool>(
      "NSWorker", static_cast<size_t>(std::max(1, std::min(cfg.serverWorkerThreads, 8))));
  registerKvConfigHandlers(dispatcher_, ctx_, workers_.get());
  registerBrokerRegistrationHandlers(dispatcher_, ctx_, workers_.get());
  registerRouteQueryHandlers(dispatcher_, ctx_);
  registerTopicAdminHandlers(dispatcher_, ctx_);
  registerNamesrvConfigHandlers(dispatcher_, ctx_, workers_.get());
  dispatcher_.addCloseListener([this](const remoting::ConnectionPtr& conn) {
    ctx_.routes.onChannelDestroy(conn->id(), conn->remoteAddress());
  });

  remoting::ServerOptions opts;
  opts.name = "NSServer";
  opts.bindAddress = cfg.listenAddress;
  opts.port = static_cast<uint16_t>(cfg.listenPort);
  opts.ioThreads = 2;
  opts.connection.idleTimeoutSeconds = cfg.serverChannelMaxIdleTimeSeconds;
  remoting::TlsConfig tls = remoting::TlsConfig::fromProperties(cfg.toProperties());
  opts.connection.tlsMode = tls.mode;
  if (tls.mode != remoting::TlsMode::DISABLED) {
    Status ts;
    opts.connection.tlsContext = remoting::makeServerTlsContext(tls, ts);
    if (!ts.ok()) return ts;
  }
  server_ = std::make_unique<remoting::RemotingServer>(opts, &dispatcher_);
  s = server_->start();
  if (!s.ok()) return s;

  scanThread_ = std::thread([this] { scanLoop(); });
  return Status::Ok();
}

void NamesrvController::scanLoop() {
  // First scan after 5 s, then every scanNotActiveBrokerIntervalMillis (10 s), as Java.
  int64_t delay = std::min<int64_t>(5000, ctx_.config.scanNotActiveBrokerIntervalMillis);
  std::unique_lock<std::mutex> lock(scanMutex_);
  while (!scanCv_.wait_for(lock, std::chrono::milliseconds(delay), [this] { return stopping_; })) {
    lock.unlock();
    auto expired =
        ctx_.routes.scanNotActiveBroker(nowMillis(), ctx_.config.brokerChannelExpiredMillis);
    for (uint64_t id : expired) server_->closeConnection(id, "broker channel expired");
    lock.lock();
    delay = ctx_.config.scanNotActiveBrokerIntervalMillis;
  }
}

void NamesrvController::shutdown() {
  {
    std::lock_guard<std::mutex> lock(scanMutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  scanCv_.notify_all();
  if (scanThread_.joinable()) scanThread_.join();
  if (server_) server_->stop();
  if (workers_) workers_->shutdown();
}

}  // namespace rmq::namesrv
