#include "store/java_hash.h"

namespace rmq::store {
namespace {

constexpr uint32_t kReplacement = 0xFFFD;

// Decodes one code point starting at `i`, advancing `i`, with the error handling of the JDK's
// String(byte[], UTF_8): a lead byte followed by bytes that cannot continue it yields one U+FFFD
// covering only the bytes that were still plausible ("maximal subpart"), except that a UTF-8
// encoded surrogate (ED A0..BF xx) is one U+FFFD for all its bytes.
uint32_t nextCodePoint(std::string_view s, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b0 = byte(i++);
  if (b0 < 0x80) return b0;
  size_t need;
  uint32_t cp;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1, cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2, cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3, cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return kReplacement;
  }
  for (size_t k = 0; k < need; ++k) {
    if (i >= s.size()) return kReplacement;
    uint8_t b = byte(i);
    uint8_t min = k == 0 ? lo : 0x80;
    uint8_t max = k == 0 ? hi : 0xBF;
    if (b < min || b > max) return kReplacement;  // this byte starts the next sequence
    cp = (cp << 6) | (b & 0x3F);
    ++i;
  }
  if (cp >= 0xD800 && cp <= 0xDFFF) return kReplacement;  // encoded surrogate
  return cp;
}

}  // namespace

int32_t javaStringHashCode(std::string_view utf8) {
  uint32_t h = 0;  // unsigned arithmetic gives Java's 32-bit wrap-around without UB
  size_t i = 0;
  while (i < utf8.size()) {
    uint32_t cp = nextCodePoint(utf8, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      h = 31 * h + (0xD800 + (cp >> 10));
      h = 31 * h + (0xDC00 + (cp & 0x3FF));
    } else {
      h = 31 * h + cp;
    }
  }
  return static_cast<int32_t>(h);
}

}  // namespace rmq::store
