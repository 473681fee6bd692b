// What GET_CONSUME_STATS (208) and GET_BROKER_CONSUME_STATS (317) share: the offsets of one
// group on one topic as ConsumeStats offsetTable entries, and the skip rule for topics an
// online group does not subscribe.
#pragma once

#include <string>

#include "broker/broker_context.h"
#include "common/json.h"

namespace rmq::broker {

// Java skips a topic the group has offsets on when the group is online with subscriptions and
// none of them is that topic.
bool onlineGroupIgnoresTopic(BrokerContext& ctx, const std::string& group,
                             const std::string& topic);

// Writes `queueNums` MessageQueue → {"brokerOffset","consumerOffset","lastTimestamp"} members
// into the open offsetTable object; returns the sum of brokerOffset - consumerOffset.
int64_t writeOffsetEntries(BrokerContext& ctx, json::JsonWriter& w, const std::string& group,
                           const std::string& topic, int32_t queueNums);

}  // namespace rmq::broker
