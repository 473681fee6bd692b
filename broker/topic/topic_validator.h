// Topic names the broker treats specially (Java TopicValidator / MixAll), and name checks.
#pragma once

#include <string>
#include <string_view>

namespace rmq::broker::topics {

constexpr std::string_view kAutoCreateTopicKey = "TBW102";
constexpr std::string_view kSelfTestTopic = "SELF_TEST_TOPIC";
constexpr std::string_view kBenchmarkTopic = "BenchmarkTest";
constexpr std::string_view kOffsetMovedEvent = "OFFSET_MOVED_EVENT";
constexpr std::string_view kScheduleTopic = "SCHEDULE_TOPIC_XXXX";
constexpr std::string_view kTransHalfTopic = "RMQ_SYS_TRANS_HALF_TOPIC";
constexpr std::string_view kTransOpHalfTopic = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
constexpr std::string_view kTransCheckMaxTimeTopic = "TRANS_CHECK_MAX_TIME_TOPIC";
constexpr std::string_view kReplyTopicSuffix = "_REPLY_TOPIC";
constexpr std::string_view kRetryGroupTopicPrefix = "%RETRY%";
constexpr std::string_view kDlqGroupTopicPrefix = "%DLQ%";
constexpr std::string_view kSystemTopicPrefix = "rmq_sys_";
constexpr std::string_view kTransCheckGroup = "CID_RMQ_SYS_TRANS";
constexpr std::string_view kSystemGroupPrefix = "CID_RMQ_SYS_";
constexpr int kMaxTopicLength = 127;

inline std::string retryTopic(std::string_view group) {
  return std::string(kRetryGroupTopicPrefix) + std::string(group);
}
inline std::string dlqTopic(std::string_view group) {
  return std::string(kDlqGroupTopicPrefix) + std::string(group);
}
inline bool isRetryTopic(std::string_view t) {
  return t.starts_with(kRetryGroupTopicPrefix);
}
inline bool isDlqTopic(std::string_view t) {
  return t.starts_with(kDlqGroupTopicPrefix);
}

// Characters allowed in topic names: [%|a-zA-Z0-9_-].
inline bool hasIllegalCharacter(std::string_view t) {
  for (char c : t) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '%' || c == '|' || c == '_' || c == '-';
    if (!ok) return true;
  }
  return false;
}

// Topics that SEND may not target (NO_PERMISSION).
inline bool isNotAllowedSendTopic(std::string_view t) {
  return t == kScheduleTopic || t == kTransHalfTopic || t == kTransOpHalfTopic ||
         t == kTransCheckMaxTimeTopic || t == kSelfTestTopic || t == kOffsetMovedEvent;
}

// Java TopicValidator.isSystemTopic: the built-in system topics and the rmq_sys_ prefix.
inline bool isSystemTopic(std::string_view t) {
  return t == kAutoCreateTopicKey || t == kScheduleTopic || t == kBenchmarkTopic ||
         t == kTransHalfTopic || t == kTransOpHalfTopic || t == kTransCheckMaxTimeTopic ||
         t == kSelfTestTopic || t == kOffsetMovedEvent || t == "RMQ_SYS_TRACE_TOPIC" ||
         t.starts_with(kSystemTopicPrefix);
}

// Empty / illegal / too long: the remark Java gives, or empty when the name is fine.
inline std::string checkTopicName(std::string_view t) {
  if (t.empty()) return "The specified topic is blank.";
  if (hasIllegalCharacter(t)) {
    return "The specified topic[" + std::string(t) +
           "] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$";
  }
  if (t.size() > static_cast<size_t>(kMaxTopicLength)) {
    return "The specified topic is longer than topic max length.";
  }
  return "";
}

}  // namespace rmq::broker::topics
