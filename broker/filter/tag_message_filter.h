// The TAG filter of a pull (Java ExpressionMessageFilter for TAG subscriptions): a consume-queue
// unit matches when the subscription is "*" or its tagsCode (as a Java int) is in the codeSet.
// No CommitLog check. SQL92 filters are a separate class.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "common/protocol/heartbeat.h"
#include "store/message_store.h"

namespace rmq::broker {

class TagMessageFilter : public store::MessageFilter {
 public:
  explicit TagMessageFilter(std::optional<protocol::SubscriptionData> sub) : sub_(std::move(sub)) {}
  bool isMatchedByConsumeQueue(int64_t tagsCode) const override;
  bool isMatchedByCommitLog(std::string_view) const override { return true; }

 private:
  std::optional<protocol::SubscriptionData> sub_;
};

// FilterAPI.build for TAG expressions: "*"/empty = all, else tags split on "||" and trimmed,
// codes = Java String.hashCode of each.
protocol::SubscriptionData buildSubscriptionData(std::string_view topic, std::string_view subString,
                                                 std::string_view expressionType);

}  // namespace rmq::broker
