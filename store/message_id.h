// Message ids (message-format.md 10): the broker's offset msgId (store host + CommitLog offset,
// what SEND responses and VIEW_MESSAGE_BY_ID use) and the fields of a Java client's UNIQ_KEY.
// The broker treats UNIQ_KEY as opaque; decoding it is only for tools and tests.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/host_address.h"

namespace rmq::store {

// Writes the 32 (IPv4) or 56 (IPv6) upper-case hex characters into `out`, which must hold
// msgid::kOffsetIdHexV6 chars; returns the number written. Allocation-free for the append path.
size_t writeOffsetMsgId(const HostAddress& storeHost, int64_t commitLogOffset, char* out);
std::string offsetMsgId(const HostAddress& storeHost, int64_t commitLogOffset);

// Accepts upper or lower case; 32 characters mean IPv4, 56 mean IPv6, anything else is an error.
Status decodeOffsetMsgId(std::string_view id, HostAddress& storeHost, int64_t& commitLogOffset);

// Layout of the Java client's UNIQ_KEY (MessageClientIDSetter).
struct UniqKeyFields {
  bool ipv6 = false;
  std::array<uint8_t, 16> ip{};  // producer address (IPv4 in the first 4 bytes)
  uint16_t pid = 0;              // low 16 bits of the producer's process id
  int32_t classLoaderHash = 0;   // arbitrary per producer process
  // Milliseconds since the start of the producer's current month, in the producer's local time
  // zone, so turning it into a timestamp needs that zone; not done here.
  int32_t millisInMonth = 0;
  uint16_t counter = 0;  // per-process, wraps
};

// 32 hex chars = IPv4 layout, 56 = IPv6 layout. Other clients may use other layouts; an error
// only means "not a Java-layout id".
Status decodeUniqKey(std::string_view uniqKey, UniqKeyFields& out);

}  // namespace rmq::store
