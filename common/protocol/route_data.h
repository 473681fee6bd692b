// Name server route bodies (shared protocol namesrv.md section 4): TopicRouteData with its
// QueueData and BrokerData, ClusterInfo, TopicList and KVTable.
//
// brokerAddrs is a map with Long keys. fastjson writes those keys bare ({0:"ip:port"}); its
// "browser compatible" mode, used for clients of version >= V4_9_4, quotes them. Both forms are
// produced here, always compact (the Go client splits the raw text on ',' and ':').
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "common/json.h"
#include "common/status.h"

namespace rmq::protocol {

struct QueueData {
  std::string brokerName;
  int32_t readQueueNums = 0;
  int32_t writeQueueNums = 0;
  int32_t perm = 0;
  int32_t topicSysFlag = 0;

  bool operator==(const QueueData& o) const = default;
  void write(json::JsonWriter& w) const;
  static bool fromJson(const rapidjson::Value& v, QueueData& out);
};

struct BrokerData {
  std::string cluster;
  std::string brokerName;
  std::map<int64_t, std::string> brokerAddrs;  // brokerId -> ip:port, 0 = master

  bool operator==(const BrokerData& o) const = default;
  // quotedKeys: {"0":"..."} instead of fastjson's {0:"..."}.
  void write(json::JsonWriter& w, bool quotedKeys) const;
  static bool fromJson(const rapidjson::Value& v, BrokerData& out);
};

struct TopicRouteData {
  std::optional<std::string> orderTopicConf;
  std::vector<QueueData> queueDatas;
  std::vector<BrokerData> brokerDatas;
  std::map<std::string, std::vector<std::string>> filterServerTable;

  std::string encode(bool standardJson) const;
  static Status decode(std::string_view text, TopicRouteData& out);
};

struct ClusterInfo {
  std::map<std::string, BrokerData> brokerAddrTable;
  std::map<std::string, std::set<std::string>> clusterAddrTable;

  std::string encode() const;  // always fastjson form (bare broker-id keys), as Java
  static Status decode(std::string_view text, ClusterInfo& out);
};

// {"brokerAddr":"...","topicList":[...]} (brokerAddr only when set)
std::string encodeTopicList(const std::vector<std::string>& topics,
                            const std::optional<std::string>& brokerAddr = std::nullopt);
Status decodeTopicList(std::string_view text, std::vector<std::string>& topics);

// {"table":{"k":"v"}}
std::string encodeKVTable(const std::map<std::string, std::string>& table);
Status decodeKVTable(std::string_view text, std::map<std::string, std::string>& table);

}  // namespace rmq::protocol
