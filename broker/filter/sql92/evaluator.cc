// Evaluation with the Java classes' semantics. An empty optional stands for a Java exception: it
// aborts the whole evaluation (nothing catches it below the broker, which treats it as "no
// match"), so it propagates immediately; only short-circuiting AND/OR can avoid reaching it.
#include <algorithm>
#include <limits>

#include "broker/filter/sql92/java_number.h"
#include "broker/filter/sql92/sql92.h"

namespace rmq::broker::sql92 {
namespace {

using Evaluated = std::optional<Value>;  // nullopt = Java threw

class Evaluator {
 public:
  explicit Evaluator(const PropertyLookup& lookup) : lookup_(lookup) {}

  Evaluated eval(const Expression& e) {
    switch (e.kind) {
      case NodeKind::kConstant:
        return e.constantValue();
      case NodeKind::kProperty: {
        std::optional<std::string_view> v = lookup_(e.text);
        return v ? Value::ofString(*v) : Value::null();
      }
      case NodeKind::kNegate:
        return negate(e);
      case NodeKind::kBooleanCast:
        return booleanCast(e);
      case NodeKind::kNot:
        return logicalNot(e);
      case NodeKind::kAnd:
      case NodeKind::kOr:
        return logical(e);
      case NodeKind::kEqual:
        return equal(e);
      case NodeKind::kCompare:
        return compare(e.op, *e.children[0], *e.children[1]);
      case NodeKind::kBetween:
        return between(e);
      case NodeKind::kIn:
        return in(e);
    }
    return std::nullopt;
  }

 private:
  // UnaryExpression.createNegate: numbers negated (wrapping like Java), anything else NULL.
  Evaluated negate(const Expression& e) {
    Evaluated v = eval(*e.children[0]);
    if (!v) return v;
    switch (v->kind) {
      case ValueKind::kInt:
        return Value::ofInt(static_cast<int32_t>(0u - static_cast<uint32_t>(v->integer)));
      case ValueKind::kLong:
        return Value::ofLong(static_cast<int64_t>(0ull - static_cast<uint64_t>(v->integer)));
      case ValueKind::kDouble:
        return Value::ofDouble(-v->real);
      default:
        return Value::null();
    }
  }

  // UnaryExpression.createBooleanCast: NULL stays NULL, a non-Boolean is FALSE.
  Evaluated booleanCast(const Expression& e) {
    Evaluated v = eval(*e.children[0]);
    if (!v || v->isNull() || v->kind == ValueKind::kBool) return v;
    return Value::ofBool(false);
  }

  Evaluated logicalNot(const Expression& e) {
    Evaluated v = eval(*e.children[0]);
    if (!v || v->isNull()) return v;
    if (v->kind != ValueKind::kBool) return std::nullopt;  // Java's (Boolean) cast would throw
    return Value::ofBool(!v->boolean);
  }

  // LogicExpression: AND stops at the first FALSE, OR at the first TRUE; otherwise NULL if any
  // operand was NULL.
  Evaluated logical(const Expression& e) {
    bool decisive = e.kind == NodeKind::kOr;  // the value that decides the result
    bool sawNull = false;
    for (const auto& child : e.children) {
      Evaluated v = eval(*child);
      if (!v) return v;
      if (v->isNull()) {
        sawNull = true;
      } else if (v->kind != ValueKind::kBool) {
        return std::nullopt;
      } else if (v->boolean == decisive) {
        return Value::ofBool(decisive);
      }
    }
    return sawNull ? Value::null() : Value::ofBool(!decisive);
  }

  // ComparisonExpression.doCreateEqual. Nulls are asymmetric in Java: NULL on the left gives NULL,
  // NULL only on the right gives FALSE, both NULL gives TRUE (which is what IS NULL relies on).
  Evaluated equal(const Expression& e) {
    Evaluated l = eval(*e.children[0]);
    if (!l) return l;
    Evaluated r = eval(*e.children[1]);
    if (!r) return r;
    if (l->isNull() != r->isNull()) return l->isNull() ? Value::null() : Value::ofBool(false);
    if (l->isNull() || javaEquals(*l, *r)) return Value::ofBool(true);
    std::optional<int> c = javaCompare(*l, *r);
    if (!c) return std::nullopt;
    return Value::ofBool(*c == 0);
  }

  // ComparisonExpression.evaluate for >, >=, <, <=: NULL on either side gives NULL (the right
  // side is not evaluated when the left is NULL); two strings are compared as doubles.
  Evaluated compare(CompareOp op, const Expression& left, const Expression& right) {
    Evaluated l = eval(left);
    if (!l || l->isNull()) return l;
    return compareWith(op, *l, right);
  }

  Evaluated compareWith(CompareOp op, const Value& l, const Expression& right) {
    Evaluated r = eval(right);
    if (!r || r->isNull()) return r;
    std::optional<int> c;
    if (l.kind == ValueKind::kString && r->kind == ValueKind::kString) {
      std::optional<double> ld = javaParseDouble(l.text);
      std::optional<double> rd = javaParseDouble(r->text);
      if (!ld || !rd) return std::nullopt;
      c = javaDoubleCompare(*ld, *rd);
    } else {
      c = javaCompare(l, *r);
    }
    if (!c) return std::nullopt;
    switch (op) {
      case CompareOp::kGreater:
        return Value::ofBool(*c > 0);
      case CompareOp::kGreaterEqual:
        return Value::ofBool(*c >= 0);
      case CompareOp::kLess:
        return Value::ofBool(*c < 0);
      case CompareOp::kLessEqual:
        return Value::ofBool(*c <= 0);
    }
    return std::nullopt;
  }

  // Java: AND(value >= low, value <= high), or OR(value < low, value > high) for NOT BETWEEN,
  // with `value` evaluated once.
  Evaluated between(const Expression& e) {
    Evaluated v = eval(*e.children[0]);
    if (!v) return v;
    CompareOp lowOp = e.negated ? CompareOp::kLess : CompareOp::kGreaterEqual;
    CompareOp highOp = e.negated ? CompareOp::kGreater : CompareOp::kLessEqual;
    bool decisive = e.negated;  // OR stops at TRUE, AND at FALSE
    Evaluated first = v->isNull() ? Value::null() : compareWith(lowOp, *v, *e.children[1]);
    if (!first) return first;
    if (first->kind == ValueKind::kBool && first->boolean == decisive) return first;
    Evaluated second = v->isNull() ? Value::null() : compareWith(highOp, *v, *e.children[2]);
    if (!second) return second;
    if (second->kind == ValueKind::kBool && second->boolean == decisive) return second;
    if (first->isNull() || second->isNull()) return Value::null();
    return Value::ofBool(!decisive);
  }

  // UnaryExpression.createInExpression: NULL for an absent property, else membership.
  Evaluated in(const Expression& e) {
    Evaluated v = eval(*e.children[0]);
    if (!v || v->isNull()) return v;
    if (v->kind != ValueKind::kString) return Value::null();
    bool found = std::binary_search(e.inList.begin(), e.inList.end(), v->text);
    return Value::ofBool(found != e.negated);
  }

  const PropertyLookup& lookup_;
};

}  // namespace

Result evaluate(const Expression& e, const PropertyLookup& lookup) {
  Evaluated v = Evaluator(lookup).eval(e);
  if (!v) return Result::kError;
  if (v->isNull()) return Result::kUnknown;
  if (v->kind != ValueKind::kBool) return Result::kFalse;  // the broker: not a Boolean -> no match
  return v->boolean ? Result::kTrue : Result::kFalse;
}

}  // namespace rmq::broker::sql92
