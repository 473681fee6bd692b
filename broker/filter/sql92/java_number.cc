#include "broker/filter/sql92/java_number.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace rmq::broker::sql92 {
namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isHexDigit(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The zero of every run of ten decimal digits in the BMP (Character.digit(c, 10) of Java 17).
constexpr std::array<char16_t, 37> kDigitZeros{
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
    0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0,
    0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
    0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10};

// Decodes the UTF-8 character at s[i] (advancing i) and returns its decimal digit value, or -1.
// Only BMP characters can be digits: Java looks at UTF-16 units, and a surrogate is no digit.
// Malformed sequences, which Java's decoder replaces with U+FFFD, are no digits either.
int digitAt(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char lead = byte(i);
  if (lead < 0x80) {
    ++i;
    return isDigit(static_cast<char>(lead)) ? lead - '0' : -1;
  }
  size_t len = lead >= 0xE0 ? 3 : 2;
  if (lead < 0xC2 || lead >= 0xF0 || i + len > s.size()) return -1;
  uint32_t cp = lead & (len == 3 ? 0x0F : 0x1F);
  for (size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (len == 3 && cp < 0x800) return -1;  // overlong
  i += len;
  for (char16_t zero : kDigitZeros) {
    if (cp >= zero && cp < zero + 10u) return static_cast<int>(cp - zero);
  }
  return -1;
}

// Parses an optional sign and decimal digits into [min, max]; rejects everything else.
std::optional<int64_t> parseSigned(std::string_view s, int64_t min, int64_t max) {
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    if (s.size() == 1) return std::nullopt;
    i = 1;
  }
  // Accumulate negatively, as Java does, so that min itself is representable.
  int64_t limit = negative ? min : -max;
  int64_t result = 0;
  while (i < s.size()) {
    int digit = digitAt(s, i);
    if (digit < 0) return std::nullopt;
    if (result < limit / 10) return std::nullopt;
    result *= 10;
    if (result < limit + digit) return std::nullopt;
    result -= digit;
  }
  return negative ? result : -result;
}

// Saturating exponent digits: enough to tell overflow from underflow.
int64_t parseExponent(std::string_view digits, bool negative) {
  int64_t value = 0;
  for (char c : digits) {
    value = value * 10 + (c - '0');
    if (value > 1'000'000'000) value = 1'000'000'000;
  }
  return negative ? -value : value;
}

// from_chars reports out_of_range both for overflow and for underflow; Java gives Infinity or 0.
// `magnitude` estimates the exponent of the leading digit: positive means the value is >= 1.
double outOfRange(int64_t magnitude) {
  return magnitude > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

// Position of the leading significant digit relative to the point, in digit units.
int64_t leadingDigitPosition(std::string_view intPart, std::string_view fracPart) {
  size_t lead = intPart.find_first_not_of('0');
  if (lead != std::string_view::npos) return static_cast<int64_t>(intPart.size() - lead);
  size_t fracLead = fracPart.find_first_not_of('0');
  if (fracLead == std::string_view::npos) return 0;
  return -static_cast<int64_t>(fracLead);
}

struct Mantissa {
  std::string_view intPart;
  std::string_view fracPart;
  size_t end = 0;  // index after the mantissa
};

// digits* ['.' digits*] with at least one digit; `digit` selects decimal or hex digits.
template <typename DigitFn>
std::optional<Mantissa> scanMantissa(std::string_view s, size_t i, DigitFn digit) {
  Mantissa m;
  size_t start = i;
  while (i < s.size() && digit(s[i])) ++i;
  m.intPart = s.substr(start, i - start);
  if (i < s.size() && s[i] == '.') {
    size_t fracStart = ++i;
    while (i < s.size() && digit(s[i])) ++i;
    m.fracPart = s.substr(fracStart, i - fracStart);
  }
  if (m.intPart.empty() && m.fracPart.empty()) return std::nullopt;
  m.end = i;
  return m;
}

// [eE|pP][+-]?digits; returns the index after it, or nullopt if malformed.
std::optional<size_t> scanExponent(std::string_view s, size_t i, int64_t& exponent) {
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  size_t start = i;
  while (i < s.size() && isDigit(s[i])) ++i;
  if (i == start) return std::nullopt;
  exponent = parseExponent(s.substr(start, i - start), negative);
  return i;
}

bool onlySuffixLeft(std::string_view s, size_t i) {
  if (i == s.size()) return true;
  if (i + 1 != s.size()) return false;
  char c = s[i];
  return c == 'f' || c == 'F' || c == 'd' || c == 'D';
}

std::optional<double> parseUnsignedDecimal(std::string_view s, size_t i) {
  std::optional<Mantissa> m = scanMantissa(s, i, isDigit);
  if (!m) return std::nullopt;
  size_t end = m->end;
  int64_t exponent = 0;
  if (end < s.size() && (s[end] == 'e' || s[end] == 'E')) {
    std::optional<size_t> after = scanExponent(s, end + 1, exponent);
    if (!after) return std::nullopt;
    end = *after;
  }
  size_t suffixAt = end;
  if (!onlySuffixLeft(s, suffixAt)) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data() + i, s.data() + suffixAt, value);
  if (ec == std::errc::result_out_of_range) {
    return outOfRange(leadingDigitPosition(m->intPart, m->fracPart) + exponent);
  }
  if (ec != std::errc() || ptr != s.data() + suffixAt) return std::nullopt;
  return value;
}

// Java's hex form: 0[xX] hexMantissa [pP][+-]?digits [fFdD]? (the binary exponent is required).
std::optional<double> parseUnsignedHex(std::string_view s, size_t i) {
  std::optional<Mantissa> m = scanMantissa(s, i, isHexDigit);
  if (!m || m->end >= s.size() || (s[m->end] != 'p' && s[m->end] != 'P')) return std::nullopt;
  int64_t exponent = 0;
  std::optional<size_t> end = scanExponent(s, m->end + 1, exponent);
  if (!end || !onlySuffixLeft(s, *end)) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data() + i, s.data() + *end, value, std::chars_format::hex);
  if (ec == std::errc::result_out_of_range) {
    return outOfRange(4 * leadingDigitPosition(m->intPart, m->fracPart) + exponent);
  }
  if (ec != std::errc() || ptr != s.data() + *end) return std::nullopt;
  return value;
}

}  // namespace

std::optional<int32_t> javaParseInt(std::string_view s) {
  std::optional<int64_t> v =
      parseSigned(s, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
  if (!v) return std::nullopt;
  return static_cast<int32_t>(*v);
}

std::optional<int64_t> javaParseLong(std::string_view s) {
  return parseSigned(s, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max());
}

std::optional<double> javaParseDouble(std::string_view s) {
  // String.trim(): drop characters <= ' ' at both ends.
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    i = 1;
  }
  std::string_view rest = s.substr(i);
  std::optional<double> magnitude;
  if (rest == "NaN") {
    return std::numeric_limits<double>::quiet_NaN();
  } else if (rest == "Infinity") {
    magnitude = std::numeric_limits<double>::infinity();
  } else if (rest.size() > 1 && rest[0] == '0' && (rest[1] == 'x' || rest[1] == 'X')) {
    magnitude = parseUnsignedHex(s, i + 2);
  } else {
    magnitude = parseUnsignedDecimal(s, i);
  }
  if (!magnitude) return std::nullopt;
  return negative ? -*magnitude : *magnitude;
}

bool javaParseBoolean(std::string_view s) {
  static constexpr std::string_view kTrue = "true";
  if (s.size() != kTrue.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kTrue[i]) return false;
  }
  return true;
}

}  // namespace rmq::broker::sql92
