#include "common/protocol/route_data.h"
#include "namesrv/handlers/handlers.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace rmq::namesrv {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

std::optional<std::string> requiredField(const RemotingCommand& request, RequestContext& ctx,
                                         const char* name) {
  auto v = request.ext.get(name);
  if (v) return std::string(*v);
  ctx.reply(RemotingCommand::createResponse(
      request, rc::SYSTEM_ERROR, std::string("the custom field <") + name + "> is null"));
  return std::nullopt;
}

void registerKvConfigHandlers(remoting::RequestDispatcher& d, NamesrvContext& ctx, ThreadPool* io) {
  d.registerHandler(
      req::PUT_KV_CONFIG,
      [&ctx](RemotingCommand& request, RequestContext& rctx) {
        auto ns = request.ext.get("namespace");
        auto key = request.ext.get("key");
        if (!ns || !key) {
          rctx.reply(RemotingCommand::createResponse(request, rc::SYSTEM_ERROR,
                                                     "namespace or key is null"));
          return;
        }
        Status s =
            ctx.kvConfig.put(std::string(*ns), std::string(*key), request.ext.getString("value"));
        rctx.reply(s.ok()
                       ? RemotingCommand::createResponse(request, rc::SUCCESS)
                       : RemotingCommand::createResponse(request, rc::SYSTEM_ERROR, s.message()));
      },
      io);

  d.registerHandler(req::GET_KV_CONFIG, [&ctx](RemotingCommand& request, RequestContext& rctx) {
    std::string ns = request.ext.getString("namespace");
    std::string key = request.ext.getString("key");
    auto value = ctx.kvConfig.get(ns, key);
    if (!value) {
      RemotingCommand resp = RemotingCommand::createResponse(
          request, rc::QUERY_NOT_FOUND, "No config item, Namespace: " + ns + " Key: " + key);
      resp.hasExtFields = true;
      rctx.reply(std::move(resp));
      return;
    }
    RemotingCommand resp = RemotingCommand::createResponse(request, rc::SUCCESS);
    resp.addExt("value", *value);
    rctx.reply(std::move(resp));
  });

  d.registerHandler(
      req::DELETE_KV_CONFIG,
      [&ctx](RemotingCommand& request, RequestContext& rctx) {
        Status s =
            ctx.kvConfig.remove(request.ext.getString("namespace"), request.ext.getString("key"));
        rctx.reply(s.ok()
                       ? RemotingCommand::createResponse(request, rc::SUCCESS)
                       : RemotingCommand::createResponse(request, rc::SYSTEM_ERROR, s.message()));
      },
      io);

  d.registerHandler(req::GET_KVLIST_BY_NAMESPACE,
                    [&ctx](RemotingCommand& request, RequestContext& rctx) {
                      std::string ns = request.ext.getString("namespace");
                      auto table = ctx.kvConfig.list(ns);
                      if (!table) {
                        rctx.reply(RemotingCommand::createResponse(
                            request, rc::QUERY_NOT_FOUND, "No config item, Namespace: " + ns));
                        return;
                      }
                      RemotingCommand resp = RemotingCommand::createResponse(request, rc::SUCCESS);
                      resp.setBody(protocol::encodeKVTable(*table));
                      rctx.reply(std::move(resp));
                    });
}

}  // namespace rmq::namesrv
