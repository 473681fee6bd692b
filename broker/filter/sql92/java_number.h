// Java's String -> number/boolean conversions as the 4.9 SQL92 filter uses them on property
// values (Integer.valueOf, Long.valueOf, Double.valueOf, Boolean.valueOf). nullopt means Java
// throws NumberFormatException. Input is UTF-8 (Java sees the decoded string): Integer/Long accept
// any BMP decimal digit (Arabic-Indic, fullwidth, ...) like Character.digit; Double only ASCII.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace rmq::broker::sql92 {

// Integer.parseInt(s, 10): optional '+'/'-', at least one digit, no spaces, int range.
std::optional<int32_t> javaParseInt(std::string_view s);
// Long.parseLong(s, 10): as above in long range.
std::optional<int64_t> javaParseLong(std::string_view s);
// Double.valueOf(s): trims bytes <= 0x20, then [+-]? (NaN | Infinity | decimal | hex float)
// with an optional f/F/d/D suffix; decimal = digits with at most one '.', at least one digit,
// optional [eE][+-]?digits. Out-of-range values become +-Infinity or +-0 as in Java.
std::optional<double> javaParseDouble(std::string_view s);
// Boolean.valueOf(s): true iff s equals "true" ignoring (ASCII) case.
bool javaParseBoolean(std::string_view s);

}  // namespace rmq::broker::sql92
