// Runtime values of the SQL92 filter and Java's comparison rules between them. The Java filter
// works on boxed objects (null, Boolean, Integer, Long, Double, String); Value mirrors exactly
// those. Strings are views: into the expression for literals, into the message for properties.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace rmq::broker::sql92 {

enum class ValueKind : uint8_t { kNull, kBool, kInt, kLong, kDouble, kString };

struct Value {
  ValueKind kind = ValueKind::kNull;
  bool boolean = false;
  int64_t integer = 0;  // kInt (always within int32) and kLong
  double real = 0;
  std::string_view text;

  static Value null() { return Value{}; }
  static Value ofBool(bool b) {
    Value v;
    v.kind = ValueKind::kBool;
    v.boolean = b;
    return v;
  }
  static Value ofInt(int32_t i) {
    Value v;
    v.kind = ValueKind::kInt;
    v.integer = i;
    return v;
  }
  static Value ofLong(int64_t l) {
    Value v;
    v.kind = ValueKind::kLong;
    v.integer = l;
    return v;
  }
  static Value ofDouble(double d) {
    Value v;
    v.kind = ValueKind::kDouble;
    v.real = d;
    return v;
  }
  static Value ofString(std::string_view s) {
    Value v;
    v.kind = ValueKind::kString;
    v.text = s;
    return v;
  }

  bool isNull() const { return kind == ValueKind::kNull; }
  bool isNumber() const {
    return kind == ValueKind::kInt || kind == ValueKind::kLong || kind == ValueKind::kDouble;
  }
};

// Object.equals between two non-null values: same class and same value (Double.equals compares
// bit patterns: NaN equals NaN, 0.0 differs from -0.0).
bool javaEquals(const Value& left, const Value& right);

// ComparisonExpression.__compare with string conversion on (always the case for expressions the
// broker compiles): values of different classes are converted towards each other (a string to the
// other side's number or boolean type; int -> long -> double), then compareTo. Returns the sign,
// -1 for the pairs Java declares incomparable (boolean vs number), or nullopt where Java throws
// (a string that does not parse as the needed number; a Boolean on the left of a String).
std::optional<int> javaCompare(const Value& left, const Value& right);

// Double.compare: a total order with -0.0 < 0.0 and NaN above everything (and equal to itself).
int javaDoubleCompare(double a, double b);

}  // namespace rmq::broker::sql92
