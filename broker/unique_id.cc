#include "broker/unique_id.h"

#include <arpa/inet.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <random>

#include "broker/broker_config.h"

namespace rmq::broker {

namespace {

std::string fixedPrefix() {
  unsigned char bytes[10] = {0};
  in_addr addr{};
  if (inet_pton(AF_INET, detectLocalIp().c_str(), &addr) == 1) {
    std::memcpy(bytes, &addr.s_addr, 4);  // network order = the address bytes
  }
  const uint16_t pid = static_cast<uint16_t>(getpid());
  bytes[4] = static_cast<unsigned char>(pid >> 8);
  bytes[5] = static_cast<unsigned char>(pid);
  const uint32_t hash = std::random_device{}();
  for (int i = 0; i < 4; ++i) bytes[6 + i] = static_cast<unsigned char>(hash >> (24 - 8 * i));
  char hex[21];
  for (int i = 0; i < 10; ++i) std::snprintf(hex + 2 * i, 3, "%02X", bytes[i]);
  return std::string(hex, 20);
}

int64_t startOfMonthMillis(int64_t nowMs) {
  time_t secs = static_cast<time_t>(nowMs / 1000);
  tm local{};
  localtime_r(&secs, &local);
  local.tm_mday = 1;
  local.tm_hour = local.tm_min = local.tm_sec = 0;
  return int64_t(mktime(&local)) * 1000;
}

}  // namespace

std::string createUniqueId() {
  static const std::string prefix = fixedPrefix();
  static std::atomic<uint16_t> counter{0};
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const uint32_t sinceMonth = static_cast<uint32_t>(now - startOfMonthMillis(now));
  const uint16_t c = counter.fetch_add(1);
  char tail[13];
  std::snprintf(tail, sizeof(tail), "%08X%04X", sinceMonth, static_cast<unsigned>(c));
  return prefix + tail;
}

}  // namespace rmq::broker
