// END_TRANSACTION (37): commit or roll back a half message; broker-requests.md 3.1,
// semantics.md 8.2. RESUME_CHECK_HALF_MESSAGE (323): an admin puts a half message that ran out
// of check-backs (TRANS_CHECK_MAX_TIME_TOPIC) back to be checked again; 3.3.
#include <future>

#include "broker/handlers/handlers.h"
#include "broker/properties_editor.h"
#include "broker/topic/topic_validator.h"
#include "broker/transaction/transactional_message_service.h"
#include "common/logging.h"
#include "common/properties.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "store/message_id.h"
#include "store/message_properties.h"
#include "store/message_record.h"
#include "store/store_format.h"

namespace rmq::broker {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;
namespace prop = store::property;

namespace {

void endTransaction(BrokerContext& ctx, TransactionalMessageService& tx, RemotingCommand& r,
                    RequestContext& rctx) {
  if (ctx.isSlave()) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SLAVE_NOT_AVAILABLE,
                                               "Slave not support end transaction message"));
    return;
  }
  auto producerGroup = requiredField(r, rctx, "producerGroup");
  if (!producerGroup) return;
  auto tranStateTableOffset = requiredLong(r, rctx, "tranStateTableOffset");
  if (!tranStateTableOffset) return;
  auto commitLogOffset = requiredLong(r, rctx, "commitLogOffset");
  if (!commitLogOffset) return;
  auto type = requiredLong(r, rctx, "commitOrRollback");
  if (!type) return;
  if (*type != store::sysflag::kTransactionCommit &&
      *type != store::sysflag::kTransactionRollback) {
    // Unknown state: Java sends nothing; a two-way request still gets an answer here.
    rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
    return;
  }
  store::MappedRegion region;
  store::DecodedRecord half;
  if (!tx.lookHalfMessage(*commitLogOffset, region, half) ||
      half.topic != "RMQ_SYS_TRANS_HALF_TOPIC") {
    rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR,
                                               "Find prepared transaction message failed"));
    return;
  }
  auto pgroup = store::findProperty(half.properties, prop::kProducerGroup);
  if (!pgroup || *pgroup != *producerGroup) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, "The producer group wrong"));
    return;
  }
  if (half.queueOffset != *tranStateTableOffset) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR,
                                               "The transaction state table offset wrong"));
    return;
  }
  if (half.physicalOffset != *commitLogOffset) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, "The commit log offset wrong"));
    return;
  }
  if (*type == store::sysflag::kTransactionRollback) {
    store::PutMessageStatus st = tx.writeOpRecord(half.queueOffset);
    rctx.reply(st == store::PutMessageStatus::PUT_OK
                   ? RemotingCommand::createResponse(r, rc::SUCCESS)
                   : RemotingCommand::createResponse(r, rc::SYSTEM_ERROR,
                                                     store::putMessageStatusName(st)));
    return;
  }
  // Commit: the real message, with the half message's property string unchanged (as Java).
  auto realTopic = store::findProperty(half.properties, prop::kRealTopic);
  auto realQid = store::findProperty(half.properties, prop::kRealQueueId);
  if (!realTopic || !realQid || !parseJavaInt(*realQid)) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR,
                                               "the half message has no real topic/queue"));
    return;
  }
  store::MessageToStore m;
  m.topic = *realTopic;
  m.queueId = *parseJavaInt(*realQid);
  m.flag = half.flag;
  m.sysFlag =
      (half.sysFlag & ~store::sysflag::kTransactionMask) | store::sysflag::kTransactionCommit;
  m.body = half.body;
  m.properties = half.properties;
  m.bornTimestamp = half.bornTimestamp;
  m.bornHost = half.bornHost;
  m.storeHost = ctx.storeHost;
  m.reconsumeTimes = half.reconsumeTimes;
  m.preparedTransactionOffset = half.physicalOffset;
  const int64_t halfQueueOffset = half.queueOffset;
  remoting::Responder responder = rctx.defer();
  RemotingCommand resp = RemotingCommand::createResponse(r, rc::SUCCESS);
  ctx.store.putMessage(
      m, false,
      [&ctx, &tx, responder, resp, halfQueueOffset](const store::PutMessageResult& pr) mutable {
        if (!pr.ok()) {
          resp.code = rc::SYSTEM_ERROR;
          resp.remark = store::putMessageStatusName(pr.status);
          responder.reply(std::move(resp));
          return;
        }
        // The op record is written off the store's completion path.
        ctx.adminExecutor.submit([&tx, responder, resp, halfQueueOffset]() mutable {
          store::PutMessageStatus st = tx.writeOpRecord(halfQueueOffset);
          if (st != store::PutMessageStatus::PUT_OK) {
            RMQ_LOG(WARN) << "writing the transaction op record failed: "
                          << store::putMessageStatusName(st);
          }
          responder.reply(std::move(resp));
        });
      });
}

// Java re-puts the stored message into the half topic (queue 0) with TRANSACTION_CHECK_TIMES=0,
// the rest of it as stored; any failure to find or decode it is one SYSTEM_ERROR remark.
void resumeCheckHalfMessage(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  const char* kFailed =
      "Exception was thrown when putting message back to RMQ_SYS_TRANS_HALF_TOPIC.";
  store::HostAddress host;
  int64_t offset = 0;
  auto msgId = r.ext.get("msgId");
  store::MappedRegion region;
  store::DecodedRecord rec;
  if (!msgId || !store::decodeOffsetMsgId(*msgId, host, offset).ok() ||
      !(region = ctx.store.lookMessageByOffset(offset)).valid() ||
      !store::decodeRecord(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(region.data),
                                                    static_cast<size_t>(region.size)),
                           rec, store::DecodeOptions{false, true})
           .ok() ||
      rec.kind != store::RecordKind::kMessage) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, kFailed));
    return;
  }
  PropertiesEditor props(rec.properties);
  props.set(prop::kTransactionCheckTimes, "0");
  const std::string propText = props.str();
  store::MessageToStore m = store::toMessageToStore(rec);
  m.topic = topics::kTransHalfTopic;
  m.queueId = 0;
  m.properties = propText;
  m.tagsCode = store::tagsCodeOf(store::tagsOf(propText));
  std::promise<store::PutMessageResult> done;
  ctx.store.putMessage(m, false,
                       [&done](const store::PutMessageResult& pr) { done.set_value(pr); });
  const store::PutMessageResult pr = done.get_future().get();
  if (pr.status != store::PutMessageStatus::PUT_OK) {
    RMQ_LOG(ERROR) << "Put message back to RMQ_SYS_TRANS_HALF_TOPIC failed.";
    rctx.reply(RemotingCommand::createResponse(
        r, rc::SYSTEM_ERROR, "Put message back to RMQ_SYS_TRANS_HALF_TOPIC failed."));
    return;
  }
  RMQ_LOG(INFO) << "Put message back to RMQ_SYS_TRANS_HALF_TOPIC. real topic="
                << store::findProperty(propText, prop::kRealTopic).value_or("");
  rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
}

}  // namespace

void registerEndTransactionHandler(remoting::RequestDispatcher& d, BrokerContext& ctx,
                                   TransactionalMessageService& tx) {
  d.registerHandler(
      req::END_TRANSACTION,
      [&ctx, &tx](RemotingCommand& r, RequestContext& rc) { endTransaction(ctx, tx, r, rc); },
      &ctx.adminExecutor);
  registerAdminHandler(d, ctx, req::RESUME_CHECK_HALF_MESSAGE, resumeCheckHalfMessage);
}

}  // namespace rmq::broker
