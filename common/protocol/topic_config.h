// TopicConfig (Java TopicConfig.java) and its JSON form, shared by topics.json, the broker
// registration body and the admin requests. Members are written in fastjson's (alphabetical)
// order: order, perm, readQueueNums, topicFilterType, topicName, topicSysFlag, writeQueueNums.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <rapidjson/document.h>

#include "common/json.h"
#include "common/protocol/data_version.h"
#include "common/protocol/perm_name.h"

namespace rmq::protocol {

struct TopicConfig {
  std::string topicName;
  int32_t readQueueNums = 16;   // Java defaultReadQueueNums
  int32_t writeQueueNums = 16;  // Java defaultWriteQueueNums
  int32_t perm = perm::READ | perm::WRITE;
  std::string topicFilterType = "SINGLE_TAG";
  int32_t topicSysFlag = 0;
  bool order = false;

  bool operator==(const TopicConfig& o) const = default;

  void write(json::JsonWriter& w) const;
  static bool fromJson(const rapidjson::Value& v, TopicConfig& out);
};

// {"dataVersion":{...},"topicConfigTable":{name: TopicConfig}}
struct TopicConfigSerializeWrapper {
  std::map<std::string, TopicConfig> topicConfigTable;
  DataVersion dataVersion;

  void write(json::JsonWriter& w) const;
  static bool fromJson(const rapidjson::Value& v, TopicConfigSerializeWrapper& out);
};

}  // namespace rmq::protocol
