// An SQL92 subscription filter ready for the pull path: the compiled expression plus evaluation
// against a record's PROPERTIES string ("name\x01value\x02..."; the last duplicate wins and
// empty names/values are invisible, as in Java's MessageDecoder.decodeProperties). System
// properties such as TAGS and KEYS are ordinary properties here.
//
// Language (RocketMQ 4.9.8, keywords case-insensitive): AND OR NOT, parentheses, = <> > >= < <=,
// [NOT] BETWEEN a AND b, [NOT] IN ('s', ...), IS [NOT] NULL, unary + -, literals 'str' ('' is a
// quote), integers (decimal only, optional L), floats (1.5, 1., .5, 1E3), TRUE FALSE NULL,
// identifiers [A-Za-z_$][A-Za-z0-9_$]*, comments "-- ...<newline>" and "/* */". Not in 4.9:
// hexadecimal/octal literals, '.' in identifiers, CONTAINS / STARTSWITH / ENDSWITH (5.x).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "broker/filter/sql92/sql92.h"

namespace rmq::broker::sql92 {

class Sql92Filter {
  struct Key {
    explicit Key() = default;
  };

 public:
  // Compiles `expression`; on error `out` is left untouched.
  static Status compile(std::string_view expression, std::unique_ptr<Sql92Filter>& out);

  // True when the expression evaluates to TRUE for these properties.
  bool matchesProperties(std::string_view properties) const;
  Result evaluateProperties(std::string_view properties) const;

  const std::string& expression() const { return text_; }
  const Expression& compiled() const { return *compiled_; }

  // Use compile(); the key keeps the constructor private in effect.
  Sql92Filter(Key, std::string text, std::unique_ptr<Expression> compiled)
      : text_(std::move(text)), compiled_(std::move(compiled)) {}

 private:
  std::string text_;
  std::unique_ptr<Expression> compiled_;
};

}  // namespace rmq::broker::sql92
