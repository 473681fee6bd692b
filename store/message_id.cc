#include "store/message_id.h"

#include <cstring>

#include "store/byte_io.h"
#include "store/store_format.h"

namespace rmq::store {
namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

void toHex(const uint8_t* bytes, size_t n, char* out) {
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHexDigits[bytes[i] >> 4];
    out[2 * i + 1] = kHexDigits[bytes[i] & 0xF];
  }
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool fromHex(std::string_view hex, uint8_t* out) {
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    int hi = hexValue(hex[i]);
    int lo = hexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i / 2] = static_cast<uint8_t>((hi << 4) | lo);
  }
  return true;
}

}  // namespace

size_t writeOffsetMsgId(const HostAddress& storeHost, int64_t commitLogOffset, char* out) {
  uint8_t bytes[msgid::kOffsetIdBytesV6];
  const size_t ipLen = static_cast<size_t>(storeHost.addressLength());
  std::memcpy(bytes, storeHost.ip.data(), ipLen);
  storeI32(bytes + ipLen, storeHost.port);
  storeI64(bytes + ipLen + 4, commitLogOffset);
  const size_t n = ipLen + 4 + 8;
  toHex(bytes, n, out);
  return 2 * n;
}

std::string offsetMsgId(const HostAddress& storeHost, int64_t commitLogOffset) {
  char buf[msgid::kOffsetIdHexV6];
  return std::string(buf, writeOffsetMsgId(storeHost, commitLogOffset, buf));
}

Status decodeOffsetMsgId(std::string_view id, HostAddress& storeHost, int64_t& commitLogOffset) {
  if (id.size() != msgid::kOffsetIdHexV4 && id.size() != msgid::kOffsetIdHexV6) {
    return Status::Error("offset msgId must have 32 or 56 hex characters, got " +
                         std::to_string(id.size()));
  }
  uint8_t bytes[msgid::kOffsetIdBytesV6];
  if (!fromHex(id, bytes)) return Status::Error("offset msgId is not hex");
  HostAddress h;
  h.ipv6 = id.size() == msgid::kOffsetIdHexV6;
  const size_t ipLen = static_cast<size_t>(h.addressLength());
  std::memcpy(h.ip.data(), bytes, ipLen);
  h.port = loadI32(bytes + ipLen);
  storeHost = h;
  commitLogOffset = loadI64(bytes + ipLen + 4);
  return Status::Ok();
}

Status decodeUniqKey(std::string_view uniqKey, UniqKeyFields& out) {
  const size_t n = uniqKey.size() / 2;
  if (uniqKey.size() % 2 != 0 || (n != msgid::kUniqKeyBytesV4 && n != msgid::kUniqKeyBytesV6)) {
    return Status::Error("UNIQ_KEY must have 32 or 56 hex characters, got " +
                         std::to_string(uniqKey.size()));
  }
  uint8_t bytes[msgid::kUniqKeyBytesV6];
  if (!fromHex(uniqKey, bytes)) return Status::Error("UNIQ_KEY is not hex");
  UniqKeyFields f;
  f.ipv6 = n == msgid::kUniqKeyBytesV6;
  const size_t ipLen = f.ipv6 ? 16 : 4;
  std::memcpy(f.ip.data(), bytes, ipLen);
  const uint8_t* p = bytes + ipLen;
  f.pid = static_cast<uint16_t>(loadI16(p));
  f.classLoaderHash = loadI32(p + 2);
  f.millisInMonth = loadI32(p + 6);
  f.counter = static_cast<uint16_t>(loadI16(p + 10));
  out = f;
  return Status::Ok();
}

}  // namespace rmq::store
