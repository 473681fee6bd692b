// Pieces shared by the send-family handlers (SEND_MESSAGE*, SEND_REPLY_MESSAGE*): the request
// header in its V1 and V2 forms, the topic checks of AbstractSendMessageProcessor.msgCheck and
// the common response extFields.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "broker/broker_context.h"
#include "remoting/request_dispatcher.h"
#include "store/host_address.h"

namespace rmq::broker {

constexpr const char* kFaqSuffix =
    "\nSee http://rocketmq.apache.org/docs/faq/ for further details.";

struct SendHeader {
  std::string_view producerGroup, topic, defaultTopic, properties;
  int32_t defaultTopicQueueNums = 4;
  int32_t queueId = 0;
  int32_t sysFlag = 0;
  int32_t flag = 0;
  int32_t reconsumeTimes = 0;
  int64_t bornTimestamp = 0;
  bool unitMode = false;
  bool batch = false;
  std::optional<int32_t> maxReconsumeTimes;
};

// Decodes the V1 (field names) or V2 (single letters) header; error names the missing field.
bool decodeSendHeader(const remoting::RemotingCommand& r, SendHeader& h, std::string& error);

// MSG_REGION and TRACE_ON, which every send response of Java's processor carries.
void addSendResponseFields(const BrokerContext& ctx, remoting::RemotingCommand& resp);
// A response carrying those fields.
remoting::RemotingCommand sendResponse(const BrokerContext& ctx,
                                       const remoting::RemotingCommand& request, int32_t code,
                                       std::optional<std::string> remark = std::nullopt);

store::HostAddress bornHostOf(const remoting::ConnectionPtr& conn);

// Topic name, forbidden topics, existence / auto-creation and queue id. Returns the topic
// config, or answers the error itself and returns nullopt.
std::optional<TopicConfig> checkTopic(BrokerContext& ctx, const remoting::RemotingCommand& request,
                                      const SendHeader& h, remoting::RequestContext& rctx);

}  // namespace rmq::broker
