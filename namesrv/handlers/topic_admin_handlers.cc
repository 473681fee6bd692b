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

void replyTopicList(const RemotingCommand& request, RequestContext& rctx,
                    const std::vector<std::string>& topics,
                    const std::optional<std::string>& brokerAddr = std::nullopt) {
  RemotingCommand resp = RemotingCommand::createResponse(request, rc::SUCCESS);
  resp.setBody(protocol::encodeTopicList(topics, brokerAddr));
  rctx.reply(std::move(resp));
}

}  // namespace

void registerTopicAdminHandlers(remoting::RequestDispatcher& d, NamesrvContext& ctx) {
  d.registerHandler(req::GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
                    [&ctx](RemotingCommand& r, RequestContext& rctx) {
                      replyTopicList(r, rctx, ctx.routes.getAllTopicList());
                    });
  d.registerHandler(req::GET_TOPICS_BY_CLUSTER, [&ctx](RemotingCommand& r, RequestContext& rctx) {
    auto cluster = requiredField(r, rctx, "cluster");
    if (!cluster) return;
    replyTopicList(r, rctx, ctx.routes.getTopicsByCluster(*cluster));
  });
  d.registerHandler(req::GET_SYSTEM_TOPIC_LIST_FROM_NS,
                    [&ctx](RemotingCommand& r, RequestContext& rctx) {
                      std::optional<std::string> brokerAddr;
                      auto names = ctx.routes.getSystemTopicList(brokerAddr);
                      replyTopicList(r, rctx, names, brokerAddr);
                    });
  d.registerHandler(req::GET_UNIT_TOPIC_LIST, [&ctx](RemotingCommand& r, RequestContext& rctx) {
    replyTopicList(r, rctx, ctx.routes.getUnitTopics());
  });
  d.registerHandler(req::GET_HAS_UNIT_SUB_TOPIC_LIST,
                    [&ctx](RemotingCommand& r, RequestContext& rctx) {
                      replyTopicList(r, rctx, ctx.routes.getHasUnitSubTopicList());
                    });
  d.registerHandler(req::GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST,
                    [&ctx](RemotingCommand& r, RequestContext& rctx) {
                      replyTopicList(r, rctx, ctx.routes.getHasUnitSubUnUnitTopicList());
                    });
  d.registerHandler(req::DELETE_TOPIC_IN_NAMESRV, [&ctx](RemotingCommand& r, RequestContext& rctx) {
    auto topic = requiredField(r, rctx, "topic");
    if (!topic) return;
    auto cluster = r.ext.get("clusterName");
    if (cluster && !cluster->empty()) {
      ctx.routes.deleteTopic(*topic, std::string(*cluster));
    } else {
      ctx.routes.deleteTopic(*topic);
    }
    rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
  });
  d.registerHandler(req::WIPE_WRITE_PERM_OF_BROKER,
                    [&ctx](RemotingCommand& r, RequestContext& rctx) {
                      auto brokerName = requiredField(r, rctx, "brokerName");
                      if (!brokerName) return;
                      int count = ctx.routes.wipeWritePermOfBroker(*brokerName);
                      RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
                      resp.addExtInt("wipeTopicCount", count);
                      rctx.reply(std::move(resp));
                    });
  d.registerHandler(req::ADD_WRITE_PERM_OF_BROKER,
                    [&ctx](RemotingCommand& r, RequestContext& rctx) {
                      auto brokerName = requiredField(r, rctx, "brokerName");
                      if (!brokerName) return;
                      int count = ctx.routes.addWritePermOfBroker(*brokerName);
                      RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
                      resp.addExtInt("addTopicCount", count);
                      rctx.reply(std::move(resp));
                    });
}

}  // namespace rmq::namesrv
