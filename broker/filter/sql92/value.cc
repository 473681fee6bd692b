#include "broker/filter/sql92/value.h"

#include <bit>
#include <cmath>

#include "broker/filter/sql92/java_number.h"

namespace rmq::broker::sql92 {
namespace {

template <typename T>
int sign(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Double.doubleToLongBits: every NaN maps to the canonical NaN.
int64_t doubleBits(double d) {
  if (std::isnan(d)) return 0x7ff8000000000000LL;
  return std::bit_cast<int64_t>(d);
}

double asDouble(const Value& v) {
  return v.kind == ValueKind::kDouble ? v.real : static_cast<double>(v.integer);
}

// Both numbers: int/long compare as long, anything with a double as double.
int compareNumbers(const Value& l, const Value& r) {
  if (l.kind == ValueKind::kDouble || r.kind == ValueKind::kDouble) {
    return javaDoubleCompare(asDouble(l), asDouble(r));
  }
  return sign(l.integer, r.integer);
}

// A string converted to the class of `like` (a number or a boolean); nullopt = Java throws.
std::optional<Value> convertString(std::string_view s, const Value& like) {
  switch (like.kind) {
    case ValueKind::kBool:
      return Value::ofBool(javaParseBoolean(s));
    case ValueKind::kInt:
      if (auto v = javaParseInt(s)) return Value::ofInt(*v);
      return std::nullopt;
    case ValueKind::kLong:
      if (auto v = javaParseLong(s)) return Value::ofLong(*v);
      return std::nullopt;
    case ValueKind::kDouble:
      if (auto v = javaParseDouble(s)) return Value::ofDouble(*v);
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

int compareSameKind(const Value& l, const Value& r) {
  switch (l.kind) {
    case ValueKind::kBool:
      return sign(l.boolean, r.boolean);
    case ValueKind::kInt:
    case ValueKind::kLong:
      return sign(l.integer, r.integer);
    case ValueKind::kDouble:
      return javaDoubleCompare(l.real, r.real);
    case ValueKind::kString:
      return sign(l.text.compare(r.text), 0);
    case ValueKind::kNull:
      return 0;
  }
  return 0;
}

}  // namespace

int javaDoubleCompare(double a, double b) {
  if (a < b) return -1;
  if (a > b) return 1;
  return sign(doubleBits(a), doubleBits(b));
}

bool javaEquals(const Value& left, const Value& right) {
  if (left.kind != right.kind) return false;
  if (left.kind == ValueKind::kDouble) return doubleBits(left.real) == doubleBits(right.real);
  return compareSameKind(left, right) == 0;
}

std::optional<int> javaCompare(const Value& left, const Value& right) {
  if (left.kind == right.kind) return compareSameKind(left, right);
  if (left.isNumber() && right.isNumber()) return compareNumbers(left, right);
  if (left.kind == ValueKind::kString) {
    // String on the left: converted to the right side's class.
    std::optional<Value> l = convertString(left.text, right);
    if (!l) return std::nullopt;
    return compareSameKind(*l, right);
  }
  if (right.kind == ValueKind::kString) {
    // Java's Boolean branch casts the Boolean itself to String: ClassCastException.
    if (left.kind == ValueKind::kBool) return std::nullopt;
    std::optional<Value> r = convertString(right.text, left);
    if (!r) return std::nullopt;
    return compareSameKind(left, *r);
  }
  return -1;  // boolean vs number (either way round): Java answers -1 without converting
}

}  // namespace rmq::broker::sql92
