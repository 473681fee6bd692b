// Big-endian loads and stores at explicit positions, the byte order of every store file. The
// callers check bounds first; these helpers only do the byte shuffling. Byte-wise loops have no
// alignment or aliasing pitfalls and compilers turn them into a single load + bswap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace rmq::store {

template <typename T>
inline T loadBigEndian(const uint8_t* p) {
  static_assert(std::is_integral_v<T>);
  using U = std::make_unsigned_t<T>;
  U v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v = static_cast<U>((v << 8) | p[i]);
  return static_cast<T>(v);
}

template <typename T>
inline void storeBigEndian(uint8_t* p, T value) {
  static_assert(std::is_integral_v<T>);
  using U = std::make_unsigned_t<T>;
  U v = static_cast<U>(value);
  for (size_t i = sizeof(T); i > 0; --i) {
    p[i - 1] = static_cast<uint8_t>(v & 0xFF);
    v = static_cast<U>(v >> 8);
  }
}

inline int16_t loadI16(const uint8_t* p) {
  return loadBigEndian<int16_t>(p);
}
inline int32_t loadI32(const uint8_t* p) {
  return loadBigEndian<int32_t>(p);
}
inline int64_t loadI64(const uint8_t* p) {
  return loadBigEndian<int64_t>(p);
}
inline void storeI16(uint8_t* p, int16_t v) {
  storeBigEndian(p, v);
}
inline void storeI32(uint8_t* p, int32_t v) {
  storeBigEndian(p, v);
}
inline void storeI64(uint8_t* p, int64_t v) {
  storeBigEndian(p, v);
}

}  // namespace rmq::store
