// Builders of expression nodes with the checks Java's factory methods make at parse time
// (ComparisonExpression.create*, LogicExpression, UnaryExpression, SelectorParser's
// asBooleanExpression). Each returns nullptr and sets `error` when Java would throw. Internal.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "broker/filter/sql92/expression.h"

namespace rmq::broker::sql92::nodes {

using Node = std::unique_ptr<Expression>;

Node constant(Value v, std::string text = {});
Node property(std::string name);
Node negate(Node operand, std::string& error);
// asBooleanExpression: boolean expressions pass, a property gets a boolean cast, else error.
Node asBoolean(Node operand, std::string& error);
Node logicalNot(Node operand, std::string& error);
// kind is kAnd or kOr; operands are made boolean first.
Node logical(NodeKind kind, Node left, Node right, std::string& error);
Node equal(Node left, Node right, std::string& error);
Node notEqual(Node left, Node right, std::string& error);
Node isNull(Node operand, std::string& error);
Node isNotNull(Node operand, std::string& error);
Node compare(CompareOp op, Node left, Node right, std::string& error);
Node between(Node value, Node low, Node high, bool negated, std::string& error);
Node in(Node value, std::vector<std::string> list, bool negated, std::string& error);

// Java's rendering of an expression inside error messages.
std::string show(const Expression& e);

}  // namespace rmq::broker::sql92::nodes
