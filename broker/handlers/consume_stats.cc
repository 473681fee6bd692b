#include "broker/handlers/consume_stats.h"

#include <algorithm>

#include "broker/handlers/handlers.h"

namespace rmq::broker {

bool onlineGroupIgnoresTopic(BrokerContext& ctx, const std::string& group,
                             const std::string& topic) {
  auto online = ctx.consumers.group(group);
  return online && !online->subscriptions.empty() && !online->subscriptions.count(topic);
}

int64_t writeOffsetEntries(BrokerContext& ctx, json::JsonWriter& w, const std::string& group,
                           const std::string& topic, int32_t queueNums) {
  int64_t diff = 0;
  for (int32_t i = 0; i < queueNums; ++i) {
    const int64_t brokerOffset = std::max<int64_t>(0, ctx.store.maxOffsetInQueue(topic, i));
    const int64_t consumerOffset = std::max<int64_t>(0, ctx.offsets.queryOffset(group, topic, i));
    int64_t lastTimestamp = 0;
    if (consumerOffset > 0) {
      lastTimestamp =
          std::max<int64_t>(0, ctx.store.messageStoreTimestamp(topic, i, consumerOffset - 1));
    }
    diff += brokerOffset - consumerOffset;
    w.rawKey(messageQueueKey(ctx.config.brokerName, i, topic));
    w.beginObject().member("brokerOffset", brokerOffset);
    w.member("consumerOffset", consumerOffset).member("lastTimestamp", lastTimestamp);
    w.endObject();
  }
  return diff;
}

}  // namespace rmq::broker
