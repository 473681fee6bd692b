// Offsets: QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15), SEARCH_OFFSET_BY_TIMESTAMP
// (29), GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32);
// shared protocol broker-requests.md 5 and semantics.md 12.
#include "broker/handlers/handlers.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"

namespace rmq::broker {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

namespace {

struct TopicQueue {
  std::string topic;
  int32_t queueId = 0;
};

std::optional<TopicQueue> topicQueue(const RemotingCommand& r, RequestContext& rctx) {
  auto topic = requiredField(r, rctx, "topic");
  if (!topic) return std::nullopt;
  auto queueId = requiredLong(r, rctx, "queueId");
  if (!queueId) return std::nullopt;
  return TopicQueue{std::string(*topic), static_cast<int32_t>(*queueId)};
}

void replyValue(const RemotingCommand& r, RequestContext& rctx, const char* name, int64_t v) {
  RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
  resp.addExtInt(name, v);
  rctx.reply(std::move(resp));
}

}  // namespace

void registerOffsetHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx) {
  d.registerHandler(req::QUERY_CONSUMER_OFFSET, [&ctx](RemotingCommand& r, RequestContext& rctx) {
    auto group = requiredField(r, rctx, "consumerGroup");
    if (!group) return;
    auto tq = topicQueue(r, rctx);
    if (!tq) return;
    int64_t offset = ctx.offsets.queryOffset(*group, tq->topic, tq->queueId);
    if (offset >= 0) {
      replyValue(r, rctx, "offset", offset);
      return;
    }
    // Nothing committed: a young queue (first message still in memory) starts at 0.
    int64_t minOffset = ctx.store.minOffsetInQueue(tq->topic, tq->queueId);
    if (minOffset <= 0 && !ctx.store.checkInDiskByConsumeOffset(tq->topic, tq->queueId, 0)) {
      replyValue(r, rctx, "offset", 0);
      return;
    }
    RemotingCommand resp = RemotingCommand::createResponse(
        r, rc::QUERY_NOT_FOUND, "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first");
    resp.hasExtFields = true;
    rctx.reply(std::move(resp));
  });
  d.registerHandler(req::UPDATE_CONSUMER_OFFSET, [&ctx](RemotingCommand& r, RequestContext& rctx) {
    auto group = requiredField(r, rctx, "consumerGroup");
    if (!group) return;
    auto tq = topicQueue(r, rctx);
    if (!tq) return;
    auto offset = requiredLong(r, rctx, "commitOffset");
    if (!offset) return;
    ctx.offsets.commitOffset(*group, tq->topic, tq->queueId, *offset);
    RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
    resp.hasExtFields = true;
    rctx.reply(std::move(resp));
  });
  d.registerHandler(
      req::SEARCH_OFFSET_BY_TIMESTAMP, [&ctx](RemotingCommand& r, RequestContext& rctx) {
        auto tq = topicQueue(r, rctx);
        if (!tq) return;
        auto ts = requiredLong(r, rctx, "timestamp");
        if (!ts) return;
        replyValue(r, rctx, "offset", ctx.store.offsetInQueueByTime(tq->topic, tq->queueId, *ts));
      });
  d.registerHandler(req::GET_MAX_OFFSET, [&ctx](RemotingCommand& r, RequestContext& rctx) {
    auto tq = topicQueue(r, rctx);
    if (!tq) return;
    replyValue(r, rctx, "offset", ctx.store.maxOffsetInQueue(tq->topic, tq->queueId));
  });
  d.registerHandler(req::GET_MIN_OFFSET, [&ctx](RemotingCommand& r, RequestContext& rctx) {
    auto tq = topicQueue(r, rctx);
    if (!tq) return;
    replyValue(r, rctx, "offset",
               std::max<int64_t>(0, ctx.store.minOffsetInQueue(tq->topic, tq->queueId)));
  });
  d.registerHandler(
      req::GET_EARLIEST_MSG_STORETIME, [&ctx](RemotingCommand& r, RequestContext& rctx) {
        auto tq = topicQueue(r, rctx);
        if (!tq) return;
        replyValue(r, rctx, "timestamp", ctx.store.earliestMessageTime(tq->topic, tq->queueId));
      });
}

}  // namespace rmq::broker
