// Permission bits of topics and brokers (Java PermName.java).
#pragma once

#include <cstdint>
#include <string>

namespace rmq::perm {

constexpr int32_t PRIORITY = 1 << 3;
constexpr int32_t READ = 1 << 2;
constexpr int32_t WRITE = 1 << 1;
constexpr int32_t INHERIT = 1 << 0;

inline bool isReadable(int32_t p) {
  return (p & READ) == READ;
}
inline bool isWriteable(int32_t p) {
  return (p & WRITE) == WRITE;
}
inline bool isInherited(int32_t p) {
  return (p & INHERIT) == INHERIT;
}

// "RWX"-style text used by admin tools: e.g. 6 -> "RW-".
inline std::string toText(int32_t p) {
  std::string s;
  s += isReadable(p) ? 'R' : '-';
  s += isWriteable(p) ? 'W' : '-';
  s += isInherited(p) ? 'X' : '-';
  return s;
}

}  // namespace rmq::perm

namespace rmq::topic_sys_flag {
constexpr int32_t UNIT = 1 << 0;
constexpr int32_t UNIT_SUB = 1 << 1;
inline bool hasUnitFlag(int32_t f) {
  return (f & UNIT) == UNIT;
}
inline bool hasUnitSubFlag(int32_t f) {
  return (f & UNIT_SUB) == UNIT_SUB;
}
}  // namespace rmq::topic_sys_flag
