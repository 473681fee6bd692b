// HeartbeatData (HEART_BEAT body) and its parts: ConsumerData, ProducerData, SubscriptionData
// (shared protocol broker-requests.md 6.1). Accepts any member order and codeSet entries given
// as numbers (Java, ali-ons) or strings (Go).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "common/json.h"
#include "common/status.h"

namespace rmq::protocol {

struct SubscriptionData {
  std::string topic;
  std::string subString;
  std::set<std::string> tagsSet;
  std::set<int32_t> codeSet;
  int64_t subVersion = 0;
  std::string expressionType = "TAG";
  bool classFilterMode = false;

  bool isTagType() const { return expressionType.empty() || expressionType == "TAG"; }
  bool subAll() const { return subString.empty() || subString == "*"; }
  void write(json::JsonWriter& w) const;
  static bool fromJson(const rapidjson::Value& v, SubscriptionData& out);
};

struct ConsumerData {
  std::string groupName;
  std::string consumeType;   // CONSUME_ACTIVELY | CONSUME_PASSIVELY
  std::string messageModel;  // CLUSTERING | BROADCASTING
  std::string consumeFromWhere;
  std::vector<SubscriptionData> subscriptionDataSet;
  bool unitMode = false;
};

struct HeartbeatData {
  std::string clientID;
  std::vector<std::string> producerGroups;
  std::vector<ConsumerData> consumerDataSet;

  static Status decode(std::string_view body, HeartbeatData& out);
  std::string encode() const;
};

}  // namespace rmq::protocol
