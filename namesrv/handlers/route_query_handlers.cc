#include "common/mq_version.h"
#include "common/protocol/route_data.h"
#include "namesrv/handlers/handlers.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace rmq::namesrv {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

namespace {

void getRouteInfoByTopic(NamesrvContext& ctx, RemotingCommand& request, RequestContext& rctx) {
  auto topic = requiredField(request, rctx, "topic");
  if (!topic) return;
  bool orderEnabled;
  {
    std::lock_guard<std::mutex> lock(ctx.configMutex);
    orderEnabled = ctx.config.orderMessageEnable;
  }
  // Clients from V4_9_4 on (or asking explicitly) get standard JSON with quoted broker ids; older
  // ones get fastjson's bare numeric keys, which is all that Go v2 and ali-ons parse correctly.
  const bool standard = request.version >= mqversion::V4_9_4 ||
                        request.ext.getBool("acceptStandardJsonOnly").value_or(false);
  // With order topics on, the body also carries KV config, which the route version does not
  // cover: those answers are built every time.
  if (!orderEnabled) {
    if (auto body = ctx.routeBodies.get(*topic, standard, ctx.routes.routeVersion())) {
      RemotingCommand resp = RemotingCommand::createResponse(request, rc::SUCCESS);
      resp.setBody(*body);
      rctx.reply(std::move(resp));
      return;
    }
  }
  uint64_t version = 0;
  auto route = ctx.routes.pickupTopicRouteData(*topic, &version);
  if (!route) {
    rctx.reply(RemotingCommand::createResponse(
        request, rc::TOPIC_NOT_EXIST,
        "No topic route info in name server for the topic: " + *topic +
            "\nSee http://rocketmq.apache.org/docs/faq/ for further details."));
    return;
  }
  if (orderEnabled) {
    route->orderTopicConf = ctx.kvConfig.get(kNamespaceOrderTopicConfig, *topic);
  }
  auto body = std::make_shared<const std::string>(route->encode(standard));
  if (!orderEnabled) ctx.routeBodies.put(*topic, standard, version, body);
  RemotingCommand resp = RemotingCommand::createResponse(request, rc::SUCCESS);
  resp.setBody(*body);
  rctx.reply(std::move(resp));
}

}  // namespace

void registerRouteQueryHandlers(remoting::RequestDispatcher& d, NamesrvContext& ctx) {
  d.registerHandler(req::GET_ROUTEINFO_BY_TOPIC, [&ctx](RemotingCommand& r, RequestContext& rc) {
    getRouteInfoByTopic(ctx, r, rc);
  });
  d.registerHandler(req::GET_BROKER_CLUSTER_INFO, [&ctx](RemotingCommand& r, RequestContext& rctx) {
    RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
    resp.setBody(ctx.routes.getAllClusterInfo().encode());
    rctx.reply(std::move(resp));
  });
}

}  // namespace rmq::namesrv
