#include "broker/filter/sql92/expression.h"

#include <cstdio>

namespace rmq::broker::sql92 {
namespace {

std::string constantText(const Expression& e) {
  switch (e.constant.kind) {
    case ValueKind::kNull:
      return "NULL";
    case ValueKind::kBool:
      return e.constant.boolean ? "TRUE" : "FALSE";
    case ValueKind::kInt:
      return std::to_string(e.constant.integer);
    case ValueKind::kLong:
      return std::to_string(e.constant.integer) + "L";
    case ValueKind::kDouble: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", e.constant.real);
      return std::string(buf) + "D";
    }
    case ValueKind::kString:
      return quoteLiteral(e.text);
  }
  return "?";
}

const char* opName(const Expression& e) {
  switch (e.kind) {
    case NodeKind::kNegate:
      return "-";
    case NodeKind::kBooleanCast:
      return "BOOL";
    case NodeKind::kNot:
      return "NOT";
    case NodeKind::kAnd:
      return "AND";
    case NodeKind::kOr:
      return "OR";
    case NodeKind::kEqual:
      return "=";
    case NodeKind::kBetween:
      return e.negated ? "NOT-BETWEEN" : "BETWEEN";
    case NodeKind::kIn:
      return e.negated ? "NOT-IN" : "IN";
    case NodeKind::kCompare:
      switch (e.op) {
        case CompareOp::kGreater:
          return ">";
        case CompareOp::kGreaterEqual:
          return ">=";
        case CompareOp::kLess:
          return "<";
        case CompareOp::kLessEqual:
          return "<=";
      }
      break;
    default:
      break;
  }
  return "?";
}

}  // namespace

std::string quoteLiteral(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", u);
      out += buf;
      continue;
    }
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string describe(const Expression& e) {
  if (e.kind == NodeKind::kConstant) return constantText(e);
  if (e.kind == NodeKind::kProperty) return e.text;
  std::string out = "(";
  out += opName(e);
  for (const auto& c : e.children) out += " " + describe(*c);
  for (const std::string& s : e.inList) out += " " + quoteLiteral(s);
  return out + ")";
}

}  // namespace rmq::broker::sql92
