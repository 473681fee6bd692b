#include "broker/filter/tag_message_filter.h"

#include "store/java_hash.h"

namespace rmq::broker {

bool TagMessageFilter::isMatchedByConsumeQueue(int64_t tagsCode) const {
  if (!sub_ || sub_->classFilterMode) return true;
  if (!sub_->isTagType()) return true;  // non-TAG expressions are not this filter's business
  if (sub_->subAll()) return true;
  return sub_->codeSet.count(static_cast<int32_t>(tagsCode)) != 0;
}

protocol::SubscriptionData buildSubscriptionData(std::string_view topic, std::string_view subString,
                                                 std::string_view expressionType) {
  protocol::SubscriptionData sd;
  sd.topic = std::string(topic);
  sd.subString = std::string(subString);
  sd.expressionType = expressionType.empty() ? "TAG" : std::string(expressionType);
  if (subString.empty() || subString == "*") {
    sd.subString = "*";
    return sd;
  }
  // Java builds tag sets only for null or "TAG" types.
  if (!expressionType.empty() && expressionType != "TAG") return sd;
  size_t pos = 0;
  while (pos <= subString.size()) {
    size_t end = subString.find("||", pos);
    if (end == std::string_view::npos) end = subString.size();
    std::string_view part = subString.substr(pos, end - pos);
    while (!part.empty() && (part.front() == ' ' || part.front() == '\t')) part.remove_prefix(1);
    while (!part.empty() && (part.back() == ' ' || part.back() == '\t')) part.remove_suffix(1);
    if (!part.empty()) {
      sd.tagsSet.insert(std::string(part));
      sd.codeSet.insert(store::javaStringHashCode(part));
    }
    pos = end + 2;
  }
  return sd;
}

}  // namespace rmq::broker
