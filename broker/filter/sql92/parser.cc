// Recursive-descent parser of the 4.9 SelectorParser.jj grammar, lowest precedence first:
//   or         := and (OR and)*
//   and        := equality (AND equality)*
//   equality   := comparison ( '=' comparison | '<>' comparison | IS NULL | IS NOT NULL )*
//   comparison := unary ( ('>'|'>='|'<'|'<=') unary | [NOT] BETWEEN unary AND unary
//                       | [NOT] IN '(' string (',' string)* ')' )*
//   unary      := '+' unary | '-' unary | NOT unary | primary
//   primary    := literal | identifier | '(' or ')'
// NOT binds tighter than comparisons, as in Java: "NOT a = 'x'" is "(NOT a) = 'x'".
#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

#include "broker/filter/sql92/java_number.h"
#include "broker/filter/sql92/lexer.h"
#include "broker/filter/sql92/nodes.h"
#include "broker/filter/sql92/sql92.h"

namespace rmq::broker::sql92 {
namespace {

using nodes::Node;

class Parser {
 public:
  explicit Parser(std::string_view expr) : expr_(expr), tokens_(tokenize(expr)) {}

  Status run(std::unique_ptr<Expression>& out) {
    Node root = parseOr();
    if (root) root = check(nodes::asBoolean(std::move(root), error_), 0);
    if (root && !atEnd()) root = unexpected(peek(), "end of expression");
    if (!root) return Status::Error("invalid SQL92 expression: " + message_);
    out = std::move(root);
    return Status::Ok();
  }

 private:
  const Token& peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool is(TokenKind kind, size_t ahead = 0) const { return peek(ahead).kind == kind; }
  const Token& take() {
    const Token& t = peek();
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }

  // The end, or a trailing "--" comment without a line break (JavaCC lexes that as '-' '-' and
  // its grammar stops before it, so Java accepts it).
  bool atEnd() const {
    const Token& t = peek();
    if (t.kind == TokenKind::kEnd) return true;
    std::string_view rest = expr_.substr(t.offset);
    return t.kind == TokenKind::kMinus && rest.starts_with("--") &&
           rest.find_first_of("\r\n") == std::string_view::npos;
  }

  Node fail(size_t offset, const std::string& message) {
    if (message_.empty()) message_ = message + " at " + positionText(expr_, offset);
    return nullptr;
  }
  Node unexpected(const Token& t, std::string_view expected) {
    if (t.kind == TokenKind::kError) return fail(t.offset, "lexical error: " + t.text);
    return fail(t.offset,
                "unexpected " + tokenDisplay(t, expr_) + ", expected " + std::string(expected));
  }
  // A builder's result; on failure its error is reported at `offset`.
  Node check(Node n, size_t offset) {
    if (!n) return fail(offset, error_);
    return n;
  }
  bool expect(TokenKind kind, std::string_view what) {
    if (is(kind)) {
      take();
      return true;
    }
    unexpected(peek(), what);
    return false;
  }

  Node parseOr() {
    Node left = parseAnd();
    while (left && is(TokenKind::kOr)) {
      size_t at = take().offset;
      Node right = parseAnd();
      if (!right) return nullptr;
      left = check(nodes::logical(NodeKind::kOr, std::move(left), std::move(right), error_), at);
    }
    return left;
  }

  Node parseAnd() {
    Node left = parseEquality();
    while (left && is(TokenKind::kAnd)) {
      size_t at = take().offset;
      Node right = parseEquality();
      if (!right) return nullptr;
      left = check(nodes::logical(NodeKind::kAnd, std::move(left), std::move(right), error_), at);
    }
    return left;
  }

  Node parseEquality() {
    Node left = parseComparison();
    while (left) {
      size_t at = peek().offset;
      if (is(TokenKind::kEq) || is(TokenKind::kNe)) {
        bool equal = take().kind == TokenKind::kEq;
        Node right = parseComparison();
        if (!right) return nullptr;
        left = equal ? nodes::equal(std::move(left), std::move(right), error_)
                     : nodes::notEqual(std::move(left), std::move(right), error_);
      } else if (is(TokenKind::kIs)) {
        take();
        bool negated = is(TokenKind::kNot);
        if (negated) take();
        if (!expect(TokenKind::kNull, negated ? "NULL" : "NULL or NOT NULL")) return nullptr;
        left = negated ? nodes::isNotNull(std::move(left), error_)
                       : nodes::isNull(std::move(left), error_);
      } else {
        return left;
      }
      left = check(std::move(left), at);
    }
    return left;
  }

  Node parseComparison() {
    Node left = parseUnary();
    while (left) {
      size_t at = peek().offset;
      if (auto op = compareOp(peek().kind)) {
        take();
        Node right = parseUnary();
        if (!right) return nullptr;
        left = nodes::compare(*op, std::move(left), std::move(right), error_);
      } else if (is(TokenKind::kBetween) || (is(TokenKind::kNot) && is(TokenKind::kBetween, 1))) {
        left = parseBetween(std::move(left));
      } else if (is(TokenKind::kIn) || (is(TokenKind::kNot) && is(TokenKind::kIn, 1))) {
        left = parseIn(std::move(left));
      } else if (is(TokenKind::kNot)) {
        return unexpected(peek(1), "BETWEEN or IN after NOT");
      } else {
        return left;
      }
      left = check(std::move(left), at);
    }
    return left;
  }

  static std::optional<CompareOp> compareOp(TokenKind kind) {
    switch (kind) {
      case TokenKind::kGt:
        return CompareOp::kGreater;
      case TokenKind::kGe:
        return CompareOp::kGreaterEqual;
      case TokenKind::kLt:
        return CompareOp::kLess;
      case TokenKind::kLe:
        return CompareOp::kLessEqual;
      default:
        return std::nullopt;
    }
  }

  // At [NOT] BETWEEN.
  Node parseBetween(Node value) {
    bool negated = take().kind == TokenKind::kNot;
    if (negated) take();
    Node low = parseUnary();
    if (!low || !expect(TokenKind::kAnd, "AND of BETWEEN")) return nullptr;
    Node high = parseUnary();
    if (!high) return nullptr;
    return nodes::between(std::move(value), std::move(low), std::move(high), negated, error_);
  }

  // At [NOT] IN.
  Node parseIn(Node value) {
    bool negated = take().kind == TokenKind::kNot;
    if (negated) take();
    if (!expect(TokenKind::kLParen, "'(' after IN")) return nullptr;
    std::vector<std::string> list;
    do {
      if (!is(TokenKind::kString)) return unexpected(peek(), "a string literal in the IN list");
      list.push_back(take().text);
    } while (is(TokenKind::kComma) && (take(), true));
    if (!expect(TokenKind::kRParen, "',' or ')' in the IN list")) return nullptr;
    return nodes::in(std::move(value), std::move(list), negated, error_);
  }

  Node parseUnary() {
    DepthGuard guard(depth_);
    if (depth_ > kMaxNestingDepth + 1) {
      return fail(peek().offset, "expression is nested too deeply (more than " +
                                     std::to_string(kMaxNestingDepth) + " levels)");
    }
    size_t at = peek().offset;
    if (is(TokenKind::kPlus)) {
      take();
      return parseUnary();
    }
    if (is(TokenKind::kMinus) || is(TokenKind::kNot)) {
      bool minus = take().kind == TokenKind::kMinus;
      Node operand = parseUnary();
      if (!operand) return nullptr;
      return check(minus ? nodes::negate(std::move(operand), error_)
                         : nodes::logicalNot(std::move(operand), error_),
                   at);
    }
    return parsePrimary();
  }

  Node parsePrimary() {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::kIdent:
        return nodes::property(take().text);
      case TokenKind::kString:
        return nodes::constant(Value::ofString({}), take().text);
      case TokenKind::kTrue:
      case TokenKind::kFalse:
        return nodes::constant(Value::ofBool(take().kind == TokenKind::kTrue));
      case TokenKind::kNull:
        take();
        return nodes::constant(Value::null());
      case TokenKind::kDecimal:
        return decimalLiteral(take());
      case TokenKind::kFloat:
        return floatLiteral(take());
      case TokenKind::kLParen: {
        take();
        Node inner = parseOr();
        if (!inner || !expect(TokenKind::kRParen, "')'")) return nullptr;
        return inner;
      }
      default:
        return unexpected(t, "an operand (property, literal or '(')");
    }
  }

  // ConstantExpression.createFromDecimal: optional L suffix, long range, int when it fits.
  Node decimalLiteral(const Token& t) {
    std::string_view digits = t.text;
    if (digits.ends_with('l') || digits.ends_with('L')) digits.remove_suffix(1);
    std::optional<int64_t> v = javaParseLong(digits);
    if (!v) return fail(t.offset, "integer literal " + t.text + " is out of the long range");
    if (*v >= INT32_MIN && *v <= INT32_MAX) {
      return nodes::constant(Value::ofInt(static_cast<int32_t>(*v)));
    }
    return nodes::constant(Value::ofLong(*v));
  }

  // ConstantExpression.createFloat: a double in [Double.MIN_VALUE, Double.MAX_VALUE].
  Node floatLiteral(const Token& t) {
    std::optional<double> v = javaParseDouble(t.text);
    if (!v || *v > std::numeric_limits<double>::max()) {
      return fail(t.offset, "floating point literal " + t.text + " is too large");
    }
    if (*v < std::numeric_limits<double>::denorm_min()) {
      return fail(t.offset, "floating point literal " + t.text +
                                " is less than Double.MIN_VALUE (zero is not allowed)");
    }
    return nodes::constant(Value::ofDouble(*v));
  }

  struct DepthGuard {
    explicit DepthGuard(int& d) : depth(d) { ++depth; }
    ~DepthGuard() { --depth; }
    int& depth;
  };

  std::string_view expr_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  std::string error_;    // set by the node builders
  std::string message_;  // the first error, with its position
};

}  // namespace

Status compile(std::string_view expr, std::unique_ptr<Expression>& out) {
  return Parser(expr).run(out);
}

}  // namespace rmq::broker::sql92
