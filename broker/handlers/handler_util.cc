#include "broker/handlers/handlers.h"

#include "broker/broker_context.h"
#include "common/json.h"
#include "common/properties.h"
#include "remoting/response_code.h"

namespace rmq::broker {

using remoting::RemotingCommand;

void registerAdminHandler(remoting::RequestDispatcher& d, BrokerContext& ctx, int32_t code,
                          AdminHandler fn) {
  d.registerHandler(
      code, [&ctx, fn](RemotingCommand& r, remoting::RequestContext& rc) { fn(ctx, r, rc); },
      &ctx.adminExecutor);
}

RemotingCommand responseWithBody(const RemotingCommand& request, std::string body) {
  RemotingCommand resp = RemotingCommand::createResponse(request, remoting::response_code::SUCCESS);
  resp.setBody(std::move(body));
  return resp;
}

std::optional<std::string_view> requiredField(const RemotingCommand& request,
                                              remoting::RequestContext& rc, const char* name) {
  auto v = request.ext.get(name);
  if (v) return v;
  rc.reply(RemotingCommand::createResponse(request, remoting::response_code::SYSTEM_ERROR,
                                           std::string("the custom field <") + name + "> is null"));
  return std::nullopt;
}

std::optional<int64_t> requiredLong(const RemotingCommand& request, remoting::RequestContext& rc,
                                    const char* name) {
  auto v = request.ext.get(name);
  if (!v) {
    rc.reply(
        RemotingCommand::createResponse(request, remoting::response_code::SYSTEM_ERROR,
                                        std::string("the custom field <") + name + "> is null"));
    return std::nullopt;
  }
  auto n = parseJavaLong(*v);
  if (!n) {
    rc.reply(RemotingCommand::createResponse(
        request, remoting::response_code::SYSTEM_ERROR,
        std::string("the custom field <") + name + "> is not a number: " + std::string(*v)));
    return std::nullopt;
  }
  return n;
}

std::string messageQueueKey(const std::string& brokerName, int32_t queueId,
                            const std::string& topic) {
  std::string out;
  json::JsonWriter w(out);
  w.beginObject().member("brokerName", brokerName).member("queueId", queueId);
  w.member("topic", topic).endObject();
  return out;
}

}  // namespace rmq::broker
