// SQL92 property filter of the 4.9 broker (subscriptions with expressionType "SQL92"): compile an
// expression once, evaluate it against each message's properties. The language and its semantics
// are those of RocketMQ 4.9.8 (filter/.../SelectorParser.jj and the expression classes); see
// docs in expression.h and the README-style notes in sql92_filter.h.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "broker/filter/sql92/expression.h"
#include "common/status.h"

namespace rmq::broker::sql92 {

// Nesting limit of the parser (parentheses plus NOT / '-' / '+' prefixes) and height limit of the
// compiled tree; deeper expressions are rejected with an error instead of risking the stack.
// (Java has no explicit limit; its recursive parser fails with StackOverflowError far deeper.)
inline constexpr int kMaxNestingDepth = 100;
inline constexpr int kMaxTreeHeight = 200;

// Message property by name (case-sensitive); nullopt when the message does not have it.
using PropertyLookup = std::function<std::optional<std::string_view>(std::string_view name)>;

// Parses `expr`. On failure the Status message names the problem and its position
// ("... at line 1, column 7"), for SUBSCRIPTION_PARSE_FAILED remarks.
Status compile(std::string_view expr, std::unique_ptr<Expression>& out);

// Outcome of evaluating a compiled expression.
enum class Result : uint8_t {
  kTrue,
  kFalse,
  kUnknown,  // SQL NULL, e.g. a comparison with an absent property
  kError,    // where Java throws, e.g. a non-numeric string compared with a number
};
Result evaluate(const Expression& e, const PropertyLookup& lookup);

// A message matches only when the expression is TRUE (unknown and error do not match), as the
// Java broker's ExpressionMessageFilter.isMatchedByCommitLog.
inline bool matches(const Expression& e, const PropertyLookup& lookup) {
  return evaluate(e, lookup) == Result::kTrue;
}

}  // namespace rmq::broker::sql92
