// One client connection as the broker knows it from heartbeats.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "remoting/connection.h"

namespace rmq::broker {

struct ClientChannelInfo {
  std::weak_ptr<remoting::Connection> connection;
  uint64_t connectionId = 0;
  std::string clientId;
  remoting::LanguageCode language = remoting::LanguageCode::JAVA;
  int32_t version = 0;
  int64_t lastUpdateTimestamp = 0;
  std::string remoteAddr;
};

}  // namespace rmq::broker
