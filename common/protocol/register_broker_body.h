// RegisterBrokerBody, the REGISTER_BROKER (103) request body (shared protocol namesrv.md 4.5), in
// its plain JSON form and its zlib-compressed binary form (broker setting compressedRegister).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/protocol/topic_config.h"
#include "common/status.h"

namespace rmq::protocol {

struct RegisterBrokerBody {
  TopicConfigSerializeWrapper topicConfigSerializeWrapper;
  std::vector<std::string> filterServerList;

  std::string encode() const;            // plain JSON
  std::string encodeCompressed() const;  // zlib stream of the binary layout
  // `compressed` selects the form; brokers older than V3_0_11 send a bare
  // TopicConfigSerializeWrapper instead, selected by `bareWrapper`.
  static Status decode(std::string_view body, bool compressed, bool bareWrapper,
                       RegisterBrokerBody& out);
};

// zlib helpers (RFC 1950 stream) with a bound on the inflated size.
Status zlibInflate(std::string_view in, std::string& out, size_t maxOut = 64 * 1024 * 1024);
Status zlibDeflate(std::string_view in, std::string& out, int level = 9);

}  // namespace rmq::protocol
