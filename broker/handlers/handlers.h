// Registration of the broker's request handlers, one file per request-code family.
#pragma once

#include <optional>
#include <string>

#include "broker/broker_context.h"
#include "broker/longpolling/pull_request_hold_service.h"
#include "remoting/request_dispatcher.h"

namespace rmq::broker {

// SEND_MESSAGE, SEND_MESSAGE_V2, SEND_BATCH_MESSAGE, CONSUMER_SEND_MSG_BACK.
void registerSendHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx);
// PULL_MESSAGE (with long polling).
void registerPullHandler(remoting::RequestDispatcher& d, BrokerContext& ctx);
// Re-runs a held pull (called by the PullRequestHoldService on the pull executor).
void reexecuteHeldPull(BrokerContext& ctx, HeldPullRequest&& held);
// QUERY/UPDATE_CONSUMER_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP, GET_MAX/MIN_OFFSET,
// GET_EARLIEST_MSG_STORETIME.
void registerOffsetHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx);
// HEART_BEAT, UNREGISTER_CLIENT, GET_CONSUMER_LIST_BY_GROUP, CHECK_CLIENT_CONFIG.
void registerClientHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx);
// LOCK_BATCH_MQ, UNLOCK_BATCH_MQ.
void registerQueueLockHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx);
// UPDATE_AND_CREATE_TOPIC, DELETE_TOPIC_IN_BROKER, GET_ALL_TOPIC_CONFIG.
void registerTopicAdminHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx);
// QUERY_MESSAGE, VIEW_MESSAGE_BY_ID.
void registerQueryHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx);

// UPDATE_BROKER_CONFIG, GET_BROKER_CONFIG, GET_BROKER_RUNTIME_INFO.
void registerBrokerAdminHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx);
// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, GET_ALL_SUBSCRIPTIONGROUP_CONFIG, DELETE_SUBSCRIPTIONGROUP.
void registerGroupAdminHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx);
// GET_TOPIC_STATS_INFO, GET_CONSUME_STATS, QUERY_TOPIC_CONSUME_BY_WHO, GET_ALL_CONSUMER_OFFSET,
// GET_ALL_DELAY_OFFSET, GET_CONSUMER_CONNECTION_LIST, GET_PRODUCER_CONNECTION_LIST,
// GET_ALL_PRODUCER_INFO, GET_SYSTEM_TOPIC_LIST_FROM_BROKER, CLONE_GROUP_OFFSET,
// VIEW_BROKER_STATS_DATA.
void registerStatsHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx);
// QUERY_CONSUME_TIME_SPAN (303), QUERY_CORRECTION_OFFSET (308).
void registerConsumeProgressHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx);
// INVOKE_BROKER_TO_RESET_OFFSET, INVOKE_BROKER_TO_GET_CONSUMER_STATUS, GET_CONSUMER_RUNNING_INFO,
// CONSUME_MESSAGE_DIRECTLY.
void registerConsumerControlHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx);

// Writes a MessageQueue as fastjson writes a map key: a bare object.
std::string messageQueueKey(const std::string& brokerName, int32_t queueId,
                            const std::string& topic);

// CLEAN_EXPIRED_CONSUMEQUEUE, DELETE_EXPIRED_COMMITLOG, CLEAN_UNUSED_TOPIC, QUERY_CONSUME_QUEUE,
// GET_BROKER_CONSUME_STATS.
void registerMaintenanceHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx);
// SEND_REPLY_MESSAGE, SEND_REPLY_MESSAGE_V2 (request-reply).
void registerReplyHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx);

class TransactionalMessageService;
// END_TRANSACTION.
void registerEndTransactionHandler(remoting::RequestDispatcher& d, BrokerContext& ctx,
                                   TransactionalMessageService& tx);

// Registers fn(ctx, request, rctx) for `code` on the admin executor (handlers that may block:
// config files, store scans, requests relayed to clients).
using AdminHandler = void (*)(BrokerContext& ctx, remoting::RemotingCommand& request,
                              remoting::RequestContext& rctx);
void registerAdminHandler(remoting::RequestDispatcher& d, BrokerContext& ctx, int32_t code,
                          AdminHandler fn);

// A SUCCESS response to `request` carrying `body` (the answer of the GET_* admin requests).
remoting::RemotingCommand responseWithBody(const remoting::RemotingCommand& request,
                                           std::string body);
// A required header field, or an error response sent through `rc` and nullopt.
std::optional<std::string_view> requiredField(const remoting::RemotingCommand& request,
                                              remoting::RequestContext& rc, const char* name);
// Like requiredField for integers; answers SYSTEM_ERROR on absence or a bad number.
std::optional<int64_t> requiredLong(const remoting::RemotingCommand& request,
                                    remoting::RequestContext& rc, const char* name);

}  // namespace rmq::broker
