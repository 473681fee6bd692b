#include <zlib.h>

#include "common/logging.h"
#include "common/mq_version.h"
#include "common/protocol/register_broker_body.h"
#include "common/protocol/route_data.h"
#include "common/time_util.h"
#include "namesrv/handlers/handlers.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace rmq::namesrv {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

namespace {

// REGISTER_BROKER. A oneway registration (sent when the broker created a topic itself) is
// processed exactly like a two-way one and never answered; RequestContext drops the reply.
void registerBroker(NamesrvContext& ctx, RemotingCommand& request, RequestContext& rctx) {
  auto brokerName = requiredField(request, rctx, "brokerName");
  if (!brokerName) return;
  auto brokerAddr = requiredField(request, rctx, "brokerAddr");
  if (!brokerAddr) return;
  auto clusterName = requiredField(request, rctx, "clusterName");
  if (!clusterName) return;
  auto brokerIdText = requiredField(request, rctx, "brokerId");
  if (!brokerIdText) return;
  auto brokerId = parseJavaLong(*brokerIdText);
  if (!brokerId) {
    rctx.reply(RemotingCommand::createResponse(request, rc::SYSTEM_ERROR,
                                               "bad brokerId: " + *brokerIdText));
    return;
  }
  const std::string haServerAddr = request.ext.getString("haServerAddr");
  const bool compressed = request.ext.getBool("compressed").value_or(false);
  const int32_t bodyCrc32 = request.ext.getInt32("bodyCrc32").value_or(0);

  std::string_view body = request.body();
  if (bodyCrc32 != 0) {
    uint32_t crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size())));
    if (static_cast<int32_t>(crc & 0x7FFFFFFF) != bodyCrc32) {
      RMQ_LOG(WARN) << "receive registerBroker request, crc32 not match, from "
                    << rctx.connection()->remoteAddress();
      rctx.reply(RemotingCommand::createResponse(request, rc::SYSTEM_ERROR, "crc32 not match"));
      return;
    }
  }
  protocol::RegisterBrokerBody registerBody;
  if (!body.empty()) {
    Status s = protocol::RegisterBrokerBody::decode(
        body, compressed, request.version < mqversion::V3_0_11, registerBody);
    if (!s.ok()) {
      RMQ_LOG(WARN) << "bad REGISTER_BROKER body from " << *brokerAddr << ": " << s.message();
      rctx.reply(RemotingCommand::createResponse(request, rc::SYSTEM_ERROR,
                                                 "bad register body: " + s.message()));
      return;
    }
  }
  RegisterBrokerResult result = ctx.routes.registerBroker(
      *clusterName, *brokerAddr, *brokerName, *brokerId, haServerAddr,
      &registerBody.topicConfigSerializeWrapper, registerBody.filterServerList,
      rctx.connection()->id(), nowMillis());

  RemotingCommand resp = RemotingCommand::createResponse(request, rc::SUCCESS);
  resp.hasExtFields = true;
  if (!result.haServerAddr.empty()) resp.addExt("haServerAddr", result.haServerAddr);
  if (!result.masterAddr.empty()) resp.addExt("masterAddr", result.masterAddr);
  if (auto orderTopics = ctx.kvConfig.list(kNamespaceOrderTopicConfig)) {
    resp.setBody(protocol::encodeKVTable(*orderTopics));
  }
  rctx.reply(std::move(resp));
}

void unregisterBroker(NamesrvContext& ctx, RemotingCommand& request, RequestContext& rctx) {
  auto brokerName = requiredField(request, rctx, "brokerName");
  if (!brokerName) return;
  auto brokerAddr = requiredField(request, rctx, "brokerAddr");
  if (!brokerAddr) return;
  auto clusterName = requiredField(request, rctx, "clusterName");
  if (!clusterName) return;
  auto brokerId = request.ext.getInt64("brokerId");
  if (!brokerId) {
    rctx.reply(RemotingCommand::createResponse(request, rc::SYSTEM_ERROR,
                                               "the custom field <brokerId> is null"));
    return;
  }
  ctx.routes.unregisterBroker(*clusterName, *brokerAddr, *brokerName, *brokerId);
  rctx.reply(RemotingCommand::createResponse(request, rc::SUCCESS));
}

void queryDataVersion(NamesrvContext& ctx, RemotingCommand& request, RequestContext& rctx) {
  auto brokerAddr = requiredField(request, rctx, "brokerAddr");
  if (!brokerAddr) return;
  protocol::DataVersion version;
  if (!request.body().empty()) {
    Status s = protocol::DataVersion::parse(request.body(), version);
    if (!s.ok()) {
      rctx.reply(RemotingCommand::createResponse(request, rc::SYSTEM_ERROR,
                                                 "bad DataVersion body: " + s.message()));
      return;
    }
  }
  std::optional<protocol::DataVersion> stored;
  bool changed =
      ctx.routes.isBrokerTopicConfigChanged(*brokerAddr, version, &stored, nowMillis(), true);
  RemotingCommand resp = RemotingCommand::createResponse(request, rc::SUCCESS);
  resp.addExt("changed", changed ? "true" : "false");
  if (stored) resp.setBody(stored->toJson());
  rctx.reply(std::move(resp));
}

}  // namespace

void registerBrokerRegistrationHandlers(remoting::RequestDispatcher& d, NamesrvContext& ctx,
                                        ThreadPool* workers) {
  d.registerHandler(
      req::REGISTER_BROKER,
      [&ctx](RemotingCommand& r, RequestContext& rc) { registerBroker(ctx, r, rc); }, workers);
  d.registerHandler(
      req::UNREGISTER_BROKER,
      [&ctx](RemotingCommand& r, RequestContext& rc) { unregisterBroker(ctx, r, rc); }, workers);
  d.registerHandler(
      req::QUERY_DATA_VERSION,
      [&ctx](RemotingCommand& r, RequestContext& rc) { queryDataVersion(ctx, r, rc); }, workers);
}

}  // namespace rmq::namesrv
