// The compiled form of an SQL92 filter: an immutable tree built by compile() (sql92.h). Node kinds
// mirror the Java expression classes one to one, so that null handling and type conversions
// follow the same paths; derived forms are desugared exactly as Java's parser does:
//   a <> b              -> NOT (a = b)
//   a IS NULL           -> a = NULL   (an equality that, unlike '=', accepts the NULL literal)
//   a IS NOT NULL       -> NOT (a = NULL)
//   a BETWEEN x AND y   -> a >= x AND a <= y      (one kBetween node, see below)
//   a NOT BETWEEN x AND y -> a < x OR a > y       (kBetween with `negated`)
//   a property used as a boolean operand -> BOOLEAN_CAST(a) (true only for a Boolean value, which
//                          a string property never is)
// AND and OR are n-ary: chains of the same operator are flattened, which evaluates exactly like
// Java's left-deep binary tree (same operand order, same short-circuit and null rules).
// BETWEEN keeps its operand once instead of sharing it between two comparisons as Java does; it
// evaluates it once, which gives the same result (evaluation has no side effects) without the
// exponential cost of nested BETWEENs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "broker/filter/sql92/value.h"

namespace rmq::broker::sql92 {

enum class NodeKind : uint8_t {
  kConstant,     // literal: constant (text holds a string literal's decoded value)
  kProperty,     // message property lookup by name (text)
  kNegate,       // unary '-': numbers negated, anything else -> NULL
  kBooleanCast,  // property used where a boolean is needed
  kNot,          // three-valued NOT
  kAnd,          // three-valued AND, n-ary, left to right with short-circuit
  kOr,           // three-valued OR, n-ary, left to right with short-circuit
  kEqual,        // Java's equality (also IS NULL with a NULL constant on the right)
  kCompare,      // >, >=, <, <= (op)
  kBetween,      // children value, low, high; NOT BETWEEN when `negated`
  kIn,           // property IN (strings) / NOT IN when `negated`
};

enum class CompareOp : uint8_t { kGreater, kGreaterEqual, kLess, kLessEqual };

class Expression {
 public:
  NodeKind kind = NodeKind::kConstant;
  CompareOp op = CompareOp::kGreater;  // kCompare
  bool negated = false;                // kIn: NOT IN, kBetween: NOT BETWEEN
  Value constant;                      // kConstant (for strings, see stringConstant())
  std::string text;                    // kProperty name / kConstant string value
  std::vector<std::unique_ptr<Expression>> children;
  std::vector<std::string> inList;  // kIn: sorted, duplicates removed
  int height = 1;                   // 1 + the tallest child

  // The constant's value; string views point into `text`, so this is only valid while the
  // node lives.
  Value constantValue() const {
    return constant.kind == ValueKind::kString ? Value::ofString(text) : constant;
  }
  // TRUE/FALSE/NULL literals are BooleanConstantExpression in Java; other literals are not.
  bool isBooleanConstant() const {
    return kind == NodeKind::kConstant &&
           (constant.kind == ValueKind::kNull || constant.kind == ValueKind::kBool);
  }
  // Java's `instanceof BooleanExpression`.
  bool isBooleanExpression() const {
    return kind == NodeKind::kConstant ? isBooleanConstant()
                                       : kind != NodeKind::kProperty && kind != NodeKind::kNegate;
  }
};

// A one-line rendering of the tree for logs and tests, e.g. "(AND (= TAGS 'TagA') (NOT (= s
// NULL)))".
std::string describe(const Expression& e);

// A string literal as SQL92 text ('' for a quote); control bytes are shown as \xNN so that the
// result stays on one line (logs), which makes it display-only.
std::string quoteLiteral(std::string_view s);

}  // namespace rmq::broker::sql92
