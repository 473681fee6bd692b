// Committed consumer offsets (Java ConsumerOffsetManager): "topic@group" -> queueId -> next
// offset, persisted to config/consumerOffset.json every flushConsumerOffsetInterval and at
// shutdown. Thread-safe; commits take a short exclusive lock, the hot path touches no disk.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "broker/config_manager.h"
#include "common/status.h"

namespace rmq::broker {

class ConsumerOffsetManager : public ConfigManager {
 public:
  explicit ConsumerOffsetManager(std::string path) : ConfigManager(std::move(path)) {}

  void commitOffset(std::string_view group, std::string_view topic, int32_t queueId,
                    int64_t offset);
  // -1 when nothing is stored.
  int64_t queryOffset(std::string_view group, std::string_view topic, int32_t queueId) const;
  std::map<int32_t, int64_t> queryOffsets(std::string_view group, std::string_view topic) const;
  std::set<std::string> topicsOfGroup(std::string_view group) const;
  std::set<std::string> groupsOfTopic(std::string_view topic) const;
  void removeGroup(std::string_view group);
  void removeTopic(std::string_view topic);
  // The JSON body of GET_ALL_CONSUMER_OFFSET / the file content.
  std::string encode() const override;

 protected:
  Status decode(std::string_view json) override;
  std::string loadedSummary() const override;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::map<int32_t, int64_t>, std::less<>> table_;  // "topic@group"
  std::vector<std::string> fileOrder_;
};

}  // namespace rmq::broker
