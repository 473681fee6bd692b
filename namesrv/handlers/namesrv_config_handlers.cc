#include <algorithm>

#include "common/file_util.h"
#include "common/logging.h"
#include "common/properties.h"
#include "namesrv/handlers/handlers.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace rmq::namesrv {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

namespace {

void updateNamesrvConfig(NamesrvContext& ctx, RemotingCommand& request, RequestContext& rctx) {
  if (request.body().empty()) {
    rctx.reply(RemotingCommand::createResponse(request, rc::SUCCESS));
    return;
  }
  Properties props;
  Status s = Properties::parse(request.body(), props);
  if (!s.ok()) {
    rctx.reply(
        RemotingCommand::createResponse(request, rc::SYSTEM_ERROR, "string2Properties error"));
    return;
  }
  std::lock_guard<std::mutex> lock(ctx.configMutex);
  const auto blackList = ctx.config.blackList();
  for (const auto& [k, v] : props.entries()) {
    if (std::find(blackList.begin(), blackList.end(), k) != blackList.end()) {
      rctx.reply(RemotingCommand::createResponse(request, rc::NO_PERMISSION,
                                                 "Can not update config in black list."));
      return;
    }
  }
  NamesrvConfig updated = ctx.config;
  s = updated.apply(props);
  if (!s.ok()) {
    rctx.reply(RemotingCommand::createResponse(request, rc::SYSTEM_ERROR, s.message()));
    return;
  }
  ctx.config = std::move(updated);
  RMQ_LOG(INFO) << "update namesrv config: " << std::string(request.body());
  s = writeFileAtomically(ctx.config.configStorePath, ctx.config.toProperties().toString());
  if (!s.ok()) RMQ_LOG(WARN) << "persist namesrv config failed: " << s.message();
  rctx.reply(RemotingCommand::createResponse(request, rc::SUCCESS));
}

}  // namespace

void registerNamesrvConfigHandlers(remoting::RequestDispatcher& d, NamesrvContext& ctx,
                                   ThreadPool* io) {
  d.registerHandler(
      req::UPDATE_NAMESRV_CONFIG,
      [&ctx](RemotingCommand& r, RequestContext& rc) { updateNamesrvConfig(ctx, r, rc); }, io);
  d.registerHandler(req::GET_NAMESRV_CONFIG, [&ctx](RemotingCommand& r, RequestContext& rctx) {
    RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
    {
      std::lock_guard<std::mutex> lock(ctx.configMutex);
      resp.setBody(ctx.config.toProperties().toString());
    }
    rctx.reply(std::move(resp));
  });
}

}  // namespace rmq::namesrv
