// Tokens of the 4.9 SelectorParser.jj: keywords (case-insensitive), identifiers, literals,
// operators; whitespace and comments are skipped. Longest match wins as in JavaCC ("01.5" is one
// float, "007" is three decimals, "<>" one operator). Internal to the SQL92 filter.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rmq::broker::sql92 {

enum class TokenKind : uint8_t {
  kEnd,
  kError,  // lexical error; `text` holds the description
  kIdent,
  kString,   // `text` = decoded value ('' -> ')
  kDecimal,  // `text` = image, e.g. "12L"
  kFloat,    // `text` = image, e.g. "1.5E3"
  kNot,
  kAnd,
  kOr,
  kBetween,
  kIn,
  kTrue,
  kFalse,
  kNull,
  kIs,
  kEq,
  kNe,
  kGt,
  kGe,
  kLt,
  kLe,
  kLParen,
  kRParen,
  kComma,
  kPlus,
  kMinus,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t offset = 0;  // byte offset of the first character in the expression
  size_t length = 0;  // bytes of source text
  std::string text;
};

// The whole expression as tokens, ending with kEnd, or with kError at the first lexical error
// (tokens before it are kept so that an earlier syntax error is reported first, as Java's lazy
// token manager would).
std::vector<Token> tokenize(std::string_view expr);

// How a token reads in messages: "'AND'", "end of expression", "identifier 'a'".
std::string tokenDisplay(const Token& t, std::string_view expr);

// "line L, column C" (1-based; columns count characters, i.e. UTF-8 sequences) of a byte offset.
std::string positionText(std::string_view expr, size_t offset);

}  // namespace rmq::broker::sql92
