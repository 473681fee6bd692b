#include "broker/filter/sql92/lexer.h"

#include <array>
#include <cstdio>

namespace rmq::broker::sql92 {
namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}
bool isIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}
bool isIdentPart(char c) {
  return isIdentStart(c) || isDigit(c);
}
bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

bool equalsIgnoreCase(std::string_view a, std::string_view upper) {
  if (a.size() != upper.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[i]) return false;
  }
  return true;
}

struct Keyword {
  std::string_view word;
  TokenKind kind;
};
constexpr std::array<Keyword, 9> kKeywords{{
    {"NOT", TokenKind::kNot},
    {"AND", TokenKind::kAnd},
    {"OR", TokenKind::kOr},
    {"BETWEEN", TokenKind::kBetween},
    {"IN", TokenKind::kIn},
    {"TRUE", TokenKind::kTrue},
    {"FALSE", TokenKind::kFalse},
    {"NULL", TokenKind::kNull},
    {"IS", TokenKind::kIs},
}};

std::string printable(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  std::array<char, 8> buf{};
  std::snprintf(buf.data(), buf.size(), "0x%02X", u);
  return buf.data();
}

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s), lastBreak_(s.find_last_of("\r\n")) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    while (true) {
      skipBlanks();
      if (!error_.empty()) {
        out.push_back(Token{TokenKind::kError, errorAt_, 1, error_});
        return out;
      }
      if (i_ >= s_.size()) {
        out.push_back(Token{TokenKind::kEnd, s_.size(), 0, {}});
        return out;
      }
      Token t = next();
      bool stop = t.kind == TokenKind::kError;
      out.push_back(std::move(t));
      if (stop) return out;
    }
  }

 private:
  char at(size_t i) const { return i < s_.size() ? s_[i] : '\0'; }

  // Whitespace, "--" comments ended by a line break, and "/* */" comments. A "--" without a
  // line break before the end is not a comment in JavaCC: it lexes as two '-' tokens.
  void skipBlanks() {
    while (i_ < s_.size()) {
      if (isSpace(s_[i_])) {
        ++i_;
      } else if (s_.compare(i_, 2, "--") == 0) {
        // (lastBreak_ avoids rescanning to the end for every '-' of a long "-----" run.)
        if (lastBreak_ == std::string_view::npos || lastBreak_ < i_ + 2) return;
        i_ = s_.find_first_of("\r\n", i_ + 2) + 1;
      } else if (s_.compare(i_, 2, "/*") == 0) {
        size_t close = s_.find("*/", i_ + 2);
        if (close == std::string_view::npos) {
          errorAt_ = i_;
          error_ = "unterminated comment";
          return;
        }
        i_ = close + 2;
      } else {
        return;
      }
    }
  }

  Token make(TokenKind kind, size_t start, std::string text = {}) {
    return Token{kind, start, i_ - start, std::move(text)};
  }
  Token error(size_t at, std::string message) {
    i_ = s_.size();
    return Token{TokenKind::kError, at, 1, std::move(message)};
  }

  Token next() {
    size_t start = i_;
    char c = s_[i_];
    if (isIdentStart(c)) return identOrKeyword();
    if (isDigit(c) || c == '.') return number();
    if (c == '\'') return stringLiteral();
    auto op = [&](TokenKind kind, size_t len) {
      i_ += len;
      return make(kind, start);
    };
    switch (c) {
      case '=':
        return op(TokenKind::kEq, 1);
      case '<':
        if (at(i_ + 1) == '>') return op(TokenKind::kNe, 2);
        if (at(i_ + 1) == '=') return op(TokenKind::kLe, 2);
        return op(TokenKind::kLt, 1);
      case '>':
        if (at(i_ + 1) == '=') return op(TokenKind::kGe, 2);
        return op(TokenKind::kGt, 1);
      case '(':
        return op(TokenKind::kLParen, 1);
      case ')':
        return op(TokenKind::kRParen, 1);
      case ',':
        return op(TokenKind::kComma, 1);
      case '+':
        return op(TokenKind::kPlus, 1);
      case '-':
        return op(TokenKind::kMinus, 1);
      default:
        return error(start, "unexpected character " + printable(c));
    }
  }

  Token identOrKeyword() {
    size_t start = i_;
    while (i_ < s_.size() && isIdentPart(s_[i_])) ++i_;
    std::string_view word = s_.substr(start, i_ - start);
    for (const Keyword& k : kKeywords) {
      if (equalsIgnoreCase(word, k.word)) return make(k.kind, start);
    }
    return make(TokenKind::kIdent, start, std::string(word));
  }

  size_t digitsFrom(size_t i) const {
    while (i < s_.size() && isDigit(s_[i])) ++i;
    return i;
  }
  // End of a complete exponent [eE][+-]?[0-9]+ starting at i, or i itself when there is none.
  size_t exponentFrom(size_t i) const {
    if (at(i) != 'e' && at(i) != 'E') return i;
    size_t j = i + 1;
    if (at(j) == '+' || at(j) == '-') ++j;
    size_t end = digitsFrom(j);
    return end > j ? end : i;
  }

  // DECIMAL_LITERAL ("0" | [1-9][0-9]*[lL]?) or FLOATING_POINT_LITERAL, whichever is longer.
  Token number() {
    size_t start = i_;
    size_t decimalEnd = start;
    if (s_[start] == '0') {
      decimalEnd = start + 1;
    } else if (isDigit(s_[start])) {
      decimalEnd = digitsFrom(start);
      if (at(decimalEnd) == 'l' || at(decimalEnd) == 'L') ++decimalEnd;
    }
    size_t floatEnd = start;
    size_t intEnd = digitsFrom(start);
    if (at(intEnd) == '.') {
      size_t fracEnd = digitsFrom(intEnd + 1);
      if (intEnd > start || fracEnd > intEnd + 1) floatEnd = exponentFrom(fracEnd);
    } else if (intEnd > start) {
      size_t expEnd = exponentFrom(intEnd);
      if (expEnd > intEnd) floatEnd = expEnd;
    }
    if (floatEnd == start && decimalEnd == start) {
      return error(start, "unexpected character " + printable(s_[start]));
    }
    bool isFloat = floatEnd > decimalEnd;
    i_ = isFloat ? floatEnd : decimalEnd;
    return make(isFloat ? TokenKind::kFloat : TokenKind::kDecimal, start,
                std::string(s_.substr(start, i_ - start)));
  }

  // '...' with '' standing for one quote; any other byte (line breaks included) is content.
  Token stringLiteral() {
    size_t start = i_++;
    std::string value;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '\'') {
        if (at(i_ + 1) != '\'') {
          ++i_;
          return make(TokenKind::kString, start, std::move(value));
        }
        ++i_;
      }
      value.push_back(c);
      ++i_;
    }
    return error(start, "unterminated string literal");
  }

  std::string_view s_;
  size_t lastBreak_;  // offset of the last line break, npos if none
  size_t i_ = 0;
  size_t errorAt_ = 0;
  std::string error_;
};

}  // namespace

std::vector<Token> tokenize(std::string_view expr) {
  return Lexer(expr).run();
}

std::string tokenDisplay(const Token& t, std::string_view expr) {
  switch (t.kind) {
    case TokenKind::kEnd:
      return "end of expression";
    case TokenKind::kError:
      return t.text;
    default: {
      std::string_view image = expr.substr(t.offset, t.length);
      constexpr size_t kMax = 40;
      std::string shown(image.substr(0, kMax));
      if (image.size() > kMax) shown += "...";
      return "\"" + shown + "\"";
    }
  }
}

std::string positionText(std::string_view expr, size_t offset) {
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < offset && i < expr.size(); ++i) {
    char c = expr[i];
    if (c == '\n' || (c == '\r' && (i + 1 >= expr.size() || expr[i + 1] != '\n'))) {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80 && c != '\r') {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace rmq::broker::sql92
