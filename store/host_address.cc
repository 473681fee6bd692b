#include "store/host_address.h"

#include <arpa/inet.h>

#include <charconv>

namespace rmq::store {

HostAddress HostAddress::ipv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, int32_t port) {
  HostAddress h;
  h.ip[0] = a, h.ip[1] = b, h.ip[2] = c, h.ip[3] = d;
  h.port = port;
  return h;
}

HostAddress HostAddress::ipv6Address(const std::array<uint8_t, 16>& bytes, int32_t port) {
  HostAddress h;
  h.ipv6 = true;
  h.ip = bytes;
  h.port = port;
  return h;
}

std::string formatHostAddress(const HostAddress& host) {
  char buf[INET6_ADDRSTRLEN + 16];
  if (!inet_ntop(host.ipv6 ? AF_INET6 : AF_INET, host.ip.data(), buf, sizeof(buf))) return {};
  std::string out = host.ipv6 ? "[" + std::string(buf) + "]" : std::string(buf);
  out.push_back(':');
  out += std::to_string(host.port);
  return out;
}

std::optional<HostAddress> parseHostAddress(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 >= text.size()) return std::nullopt;
  std::string_view addr = text.substr(0, colon);
  std::string_view portText = text.substr(colon + 1);
  int32_t port = 0;
  auto [p, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
  if (ec != std::errc() || p != portText.data() + portText.size()) return std::nullopt;
  HostAddress h;
  h.port = port;
  if (addr.size() >= 2 && addr.front() == '[' && addr.back() == ']') {
    std::string a(addr.substr(1, addr.size() - 2));
    if (inet_pton(AF_INET6, a.c_str(), h.ip.data()) != 1) return std::nullopt;
    h.ipv6 = true;
    return h;
  }
  std::string a(addr);
  if (inet_pton(AF_INET, a.c_str(), h.ip.data()) != 1) return std::nullopt;
  return h;
}

}  // namespace rmq::store
