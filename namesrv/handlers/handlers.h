// Registration of the name server's request handlers, one file per request-code family.
#pragma once

#include <optional>
#include <string>

#include "common/thread_pool.h"
#include "namesrv/namesrv_context.h"
#include "remoting/request_dispatcher.h"

namespace rmq::namesrv {

// KV config: PUT/GET/DELETE_KV_CONFIG, GET_KVLIST_BY_NAMESPACE.
void registerKvConfigHandlers(remoting::RequestDispatcher& d, NamesrvContext& ctx, ThreadPool* io);
// REGISTER_BROKER, UNREGISTER_BROKER, QUERY_DATA_VERSION.
void registerBrokerRegistrationHandlers(remoting::RequestDispatcher& d, NamesrvContext& ctx,
                                        ThreadPool* workers);
// GET_ROUTEINFO_BY_TOPIC, GET_BROKER_CLUSTER_INFO.
void registerRouteQueryHandlers(remoting::RequestDispatcher& d, NamesrvContext& ctx);
// Topic lists, topic deletion and broker write permission.
void registerTopicAdminHandlers(remoting::RequestDispatcher& d, NamesrvContext& ctx);
// UPDATE_NAMESRV_CONFIG, GET_NAMESRV_CONFIG.
void registerNamesrvConfigHandlers(remoting::RequestDispatcher& d, NamesrvContext& ctx,
                                   ThreadPool* io);

// A required header field, or an error response already sent through `rc` (Java's
// "the custom field <name> is null"). Returns nullopt when missing.
std::optional<std::string> requiredField(const remoting::RemotingCommand& request,
                                         remoting::RequestContext& rc, const char* name);

}  // namespace rmq::namesrv
