#include "broker/filter/sql92/nodes.h"

#include <algorithm>

#include "broker/filter/sql92/sql92.h"

namespace rmq::broker::sql92::nodes {
namespace {

Node make(NodeKind kind) {
  auto n = std::make_unique<Expression>();
  n->kind = kind;
  return n;
}

Node tooDeep(std::string& error) {
  error =
      "expression is nested too deeply (more than " + std::to_string(kMaxTreeHeight) + " levels)";
  return nullptr;
}

// Attaches children and enforces the height limit.
Node withChildren(Node n, std::vector<Node> children, std::string& error) {
  int height = 0;
  for (const Node& c : children) height = std::max(height, c->height);
  if (height + 1 > kMaxTreeHeight) return tooDeep(error);
  n->height = height + 1;
  n->children = std::move(children);
  return n;
}

Node unary(NodeKind kind, Node operand, std::string& error) {
  std::vector<Node> children;
  children.push_back(std::move(operand));
  return withChildren(make(kind), std::move(children), error);
}

Node binary(Node n, Node left, Node right, std::string& error) {
  std::vector<Node> children;
  children.push_back(std::move(left));
  children.push_back(std::move(right));
  return withChildren(std::move(n), std::move(children), error);
}

// ComparisonExpression.checkLessThanOperand: only numbers (or non-boolean expressions, which
// may produce numbers at run time) can be ordered.
bool checkOrderable(const Expression& e, std::string& error) {
  bool ok = e.kind == NodeKind::kConstant ? e.constant.isNumber() : !e.isBooleanExpression();
  if (!ok) error = "value " + show(e) + " cannot be compared with <, <=, >, >= or BETWEEN";
  return ok;
}

// ComparisonExpression.checkEqualOperand: the NULL literal cannot be compared with = or <>.
bool checkEqualOperand(const Expression& e, std::string& error) {
  if (e.kind == NodeKind::kConstant && e.constant.isNull()) {
    error = "NULL cannot be compared with = or <> (use IS NULL / IS NOT NULL)";
    return false;
  }
  return true;
}

}  // namespace

Node constant(Value v, std::string text) {
  Node n = make(NodeKind::kConstant);
  n->constant = v;
  n->text = std::move(text);
  return n;
}

Node property(std::string name) {
  Node n = make(NodeKind::kProperty);
  n->text = std::move(name);
  return n;
}

Node negate(Node operand, std::string& error) {
  return unary(NodeKind::kNegate, std::move(operand), error);
}

Node asBoolean(Node operand, std::string& error) {
  if (operand->isBooleanExpression()) return operand;
  if (operand->kind == NodeKind::kProperty) {
    return unary(NodeKind::kBooleanCast, std::move(operand), error);
  }
  error = "expression will not result in a boolean value: " + show(*operand);
  return nullptr;
}

Node logicalNot(Node operand, std::string& error) {
  Node b = asBoolean(std::move(operand), error);
  if (!b) return nullptr;
  return unary(NodeKind::kNot, std::move(b), error);
}

Node logical(NodeKind kind, Node left, Node right, std::string& error) {
  Node l = asBoolean(std::move(left), error);
  if (!l) return nullptr;
  Node r = asBoolean(std::move(right), error);
  if (!r) return nullptr;
  // Extend a left operand of the same kind in place (chains stay linear to build); splice in
  // the operands of a right one of the same kind (a parenthesized group).
  Node n = l->kind == kind ? std::move(l) : nullptr;
  if (!n) {
    std::vector<Node> first;
    first.push_back(std::move(l));
    n = withChildren(make(kind), std::move(first), error);
    if (!n) return nullptr;
  }
  std::vector<Node> added;
  if (r->kind == kind) {
    added = std::move(r->children);
  } else {
    added.push_back(std::move(r));
  }
  for (Node& c : added) {
    if (c->height + 1 > kMaxTreeHeight) return tooDeep(error);
    n->height = std::max(n->height, c->height + 1);
    n->children.push_back(std::move(c));
  }
  return n;
}

Node equal(Node left, Node right, std::string& error) {
  if (!checkEqualOperand(*left, error) || !checkEqualOperand(*right, error)) return nullptr;
  // checkEqualOperandCompatability: TRUE/FALSE literal on the left of a non-boolean literal.
  if (left->kind == NodeKind::kConstant && right->kind == NodeKind::kConstant &&
      left->isBooleanConstant() && !right->isBooleanConstant()) {
    error = show(*left) + " cannot be compared with " + show(*right);
    return nullptr;
  }
  return binary(make(NodeKind::kEqual), std::move(left), std::move(right), error);
}

Node notEqual(Node left, Node right, std::string& error) {
  Node eq = equal(std::move(left), std::move(right), error);
  if (!eq) return nullptr;
  return unary(NodeKind::kNot, std::move(eq), error);
}

Node isNull(Node operand, std::string& error) {
  return binary(make(NodeKind::kEqual), std::move(operand), constant(Value::null()), error);
}

Node isNotNull(Node operand, std::string& error) {
  Node eq = isNull(std::move(operand), error);
  if (!eq) return nullptr;
  return unary(NodeKind::kNot, std::move(eq), error);
}

Node compare(CompareOp op, Node left, Node right, std::string& error) {
  if (!checkOrderable(*left, error) || !checkOrderable(*right, error)) return nullptr;
  Node n = make(NodeKind::kCompare);
  n->op = op;
  return binary(std::move(n), std::move(left), std::move(right), error);
}

Node between(Node value, Node low, Node high, bool negated, std::string& error) {
  // createBetween (not createNotBetween) checks literal bounds: non-null and low <= high.
  if (!negated && low->kind == NodeKind::kConstant && high->kind == NodeKind::kConstant) {
    Value lv = low->constantValue();
    Value hv = high->constantValue();
    if (lv.isNull() || hv.isNull()) {
      error = "illegal values of BETWEEN: values can not be NULL";
      return nullptr;
    }
    std::optional<int> order = javaCompare(hv, lv);
    if (!order || *order < 0) {
      error = "illegal values of BETWEEN: left value " + show(*low) +
              " must be less than or equal to right value " + show(*high);
      return nullptr;
    }
  }
  if (!checkOrderable(*value, error) || !checkOrderable(*low, error) ||
      !checkOrderable(*high, error)) {
    return nullptr;
  }
  Node n = make(NodeKind::kBetween);
  n->negated = negated;
  std::vector<Node> children;
  children.push_back(std::move(value));
  children.push_back(std::move(low));
  children.push_back(std::move(high));
  return withChildren(std::move(n), std::move(children), error);
}

Node in(Node value, std::vector<std::string> list, bool negated, std::string& error) {
  if (value->kind != NodeKind::kProperty) {
    error = "expected a property for IN, got: " + show(*value);
    return nullptr;
  }
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
  Node n = make(NodeKind::kIn);
  n->negated = negated;
  n->inList = std::move(list);
  std::vector<Node> children;
  children.push_back(std::move(value));
  return withChildren(std::move(n), std::move(children), error);
}

std::string show(const Expression& e) {
  if (e.kind == NodeKind::kProperty) return e.text;
  if (e.kind == NodeKind::kConstant && e.constant.kind == ValueKind::kString) {
    return quoteLiteral(e.text);
  }
  return describe(e);
}

}  // namespace rmq::broker::sql92::nodes
