// QUERY_MESSAGE (12) and VIEW_MESSAGE_BY_ID (33): broker-requests.md 8. Java writes successful
// answers of both through a file region built from the responder's own default serialization,
// so they go out as JSON whatever the request used; we do the same.
#include "broker/handlers/handlers.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace rmq::broker {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

void registerQueryHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx) {
  d.registerHandler(
      req::QUERY_MESSAGE,
      [&ctx](RemotingCommand& r, RequestContext& rctx) {
        auto topic = requiredField(r, rctx, "topic");
        if (!topic) return;
        auto key = requiredField(r, rctx, "key");
        if (!key) return;
        auto maxNum = requiredLong(r, rctx, "maxNum");
        if (!maxNum) return;
        auto begin = requiredLong(r, rctx, "beginTimestamp");
        if (!begin) return;
        auto end = requiredLong(r, rctx, "endTimestamp");
        if (!end) return;
        int32_t max = static_cast<int32_t>(*maxNum);
        if (r.ext.getBool("_UNIQUE_KEY_QUERY").value_or(false)) {
          max = ctx.conf.store.defaultQueryMaxNum;
        }
        auto result = ctx.store.queryMessage(*topic, *key, max, *begin, *end);
        RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
        resp.addExtInt("indexLastUpdateTimestamp", result.indexLastUpdateTimestamp);
        resp.addExtInt("indexLastUpdatePhyoffset", result.indexLastUpdatePhyoffset);
        if (result.bufferTotalSize == 0) {
          resp.code = rc::QUERY_NOT_FOUND;
          resp.remark = "can not find message, maybe time range not correct";
          rctx.reply(std::move(resp));
          return;
        }
        for (auto& m : result.messages) {
          resp.addChunk(remoting::BodyChunk{m.data, static_cast<size_t>(m.size), m.file});
        }
        remoting::Responder responder = rctx.defer();
        resp.serializeType = remoting::SerializeType::JSON;
        // The Responder fills the request's serialization; send directly to keep JSON.
        resp.opaque = r.opaque;
        resp.markResponse();
        if (!r.isOneway()) rctx.connection()->send(resp);
        (void)responder;
      },
      &ctx.adminExecutor);
  d.registerHandler(
      req::VIEW_MESSAGE_BY_ID,
      [&ctx](RemotingCommand& r, RequestContext& rctx) {
        auto offset = requiredLong(r, rctx, "offset");
        if (!offset) return;
        auto region = ctx.store.lookMessageByOffset(*offset);
        if (!region.valid()) {
          rctx.reply(RemotingCommand::createResponse(
              r, rc::SYSTEM_ERROR,
              "can not find message by the offset, " + std::to_string(*offset)));
          return;
        }
        // Java answers with no extFields member at all (createResponseCommand(null)).
        RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
        resp.addChunk(
            remoting::BodyChunk{region.data, static_cast<size_t>(region.size), region.file});
        remoting::Responder responder = rctx.defer();
        resp.serializeType = remoting::SerializeType::JSON;
        resp.opaque = r.opaque;
        resp.markResponse();
        if (!r.isOneway()) rctx.connection()->send(resp);
        (void)responder;
      },
      &ctx.adminExecutor);
}

}  // namespace rmq::broker
