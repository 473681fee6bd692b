// A socket address as the store writes it in BORNHOST / STOREHOSTADDRESS and inside offset
// msgIds: raw IPv4 (4 bytes) or IPv6 (16 bytes) address followed by an int32 port. Kept as
// plain bytes so that records re-encode bit for bit, whatever the port value was.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/store_format.h"

namespace rmq::store {

struct HostAddress {
  bool ipv6 = false;
  std::array<uint8_t, 16> ip{};  // IPv4 uses the first 4 bytes, the rest stay zero
  int32_t port = 0;

  static HostAddress ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, int32_t port);
  static HostAddress ipv6Address(const std::array<uint8_t, 16>& bytes, int32_t port);

  int32_t addressLength() const { return ipv6 ? record::kIpv6Length : record::kIpv4Length; }
  // Bytes of the record field (address + port): 8 or 20.
  int32_t encodedLength() const { return ipv6 ? record::kIpv6HostLength : record::kIpv4HostLength; }

  friend bool operator==(const HostAddress&, const HostAddress&) = default;
};

// "a.b.c.d:port" for IPv4, "[v6 text]:port" for IPv6 (inet_ntop form).
std::string formatHostAddress(const HostAddress& host);
// Parses the two forms above (IPv6 must be in brackets). nullopt on any error.
std::optional<HostAddress> parseHostAddress(std::string_view text);

}  // namespace rmq::store
