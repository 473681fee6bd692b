// SQL92 filter: grammar, precedence, literals and syntax errors (RocketMQ 4.9.8 SelectorParser.jj).
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "broker/test/sql92_test_util.h"

namespace rmq::broker::sql92 {
namespace {

using testing::errorOf;
using testing::tree;

TEST(Sql92Parser, EveryConstruct) {
  EXPECT_EQ(tree("a = 'x'"), "(= a 'x')");
  EXPECT_EQ(tree("a <> 'x'"), "(NOT (= a 'x'))");
  EXPECT_EQ(tree("a > 1 AND a >= 2 AND a < 3 AND a <= 4"),
            "(AND (> a 1) (>= a 2) (< a 3) (<= a 4))");
  EXPECT_EQ(tree("a BETWEEN 1 AND 2"), "(BETWEEN a 1 2)");
  EXPECT_EQ(tree("a NOT BETWEEN 1.5 AND 2L"), "(NOT-BETWEEN a 1.5D 2)");
  EXPECT_EQ(tree("a IN ('x','y','x')"), "(IN a 'x' 'y')");
  EXPECT_EQ(tree("a NOT IN ('it''s')"), "(NOT-IN a 'it''s')");
  EXPECT_EQ(tree("a IS NULL"), "(= a NULL)");
  EXPECT_EQ(tree("a IS NOT NULL"), "(NOT (= a NULL))");
  EXPECT_EQ(tree("-a > -1"), "(> (- a) (- 1))");
  EXPECT_EQ(tree("+a > +1"), "(> a 1)");
  EXPECT_EQ(tree("a = TRUE OR a = FALSE"), "(OR (= a TRUE) (= a FALSE))");
  EXPECT_EQ(tree("TRUE"), "TRUE");
  EXPECT_EQ(tree("NULL"), "NULL");
  EXPECT_EQ(tree("a"), "(BOOL a)");  // a property where a boolean is needed gets a cast
  EXPECT_EQ(tree("a AND NOT b"), "(AND (BOOL a) (NOT (BOOL b)))");
  EXPECT_EQ(tree("NULL IS NULL"), "(= NULL NULL)");
  EXPECT_EQ(tree("a = b = c"), "(= (= a b) c)");
  EXPECT_EQ(tree("a IS NULL IS NULL"), "(= (= a NULL) NULL)");
}

TEST(Sql92Parser, Precedence) {
  // OR < AND < equality (= <> IS) < comparison (< > BETWEEN IN) < unary (NOT - +).
  EXPECT_EQ(tree("a = 1 OR b = 2 AND c = 3"), "(OR (= a 1) (AND (= b 2) (= c 3)))");
  EXPECT_EQ(tree("a = 1 AND b = 2 OR c = 3"), "(OR (AND (= a 1) (= b 2)) (= c 3))");
  EXPECT_EQ(tree("(a = 1 OR b = 2) AND c = 3"), "(AND (OR (= a 1) (= b 2)) (= c 3))");
  EXPECT_EQ(tree("NOT (a = 1)"), "(NOT (= a 1))");
  // As in Java, NOT binds tighter than comparisons: NOT a = 1 is (NOT a) = 1.
  EXPECT_EQ(tree("NOT a = 1"), "(= (NOT (BOOL a)) 1)");
  EXPECT_EQ(tree("NOT a = 1 AND b IS NOT NULL OR c BETWEEN 1 AND 2 OR d IN ('x')"),
            "(OR (AND (= (NOT (BOOL a)) 1) (NOT (= b NULL))) (BETWEEN c 1 2) (IN d 'x'))");
  EXPECT_EQ(tree("a = b NOT IN ('x')"), "(= a (NOT-IN b 'x'))");
  EXPECT_EQ(tree("a > 1 = TRUE"), "(= (> a 1) TRUE)");
  EXPECT_EQ(tree("NOT NOT a"), "(NOT (NOT (BOOL a)))");
  EXPECT_EQ(tree("- - 5 = a"), "(= (- (- 5)) a)");
  // The BETWEEN's AND belongs to BETWEEN; the next AND is logical.
  EXPECT_EQ(tree("a BETWEEN 1 AND 2 AND b = 1"), "(AND (BETWEEN a 1 2) (= b 1))");
  // Chains and nested groups of one operator flatten into one n-ary node.
  EXPECT_EQ(tree("a = 1 or b = 1 or (c = 1 or d = 1)"), "(OR (= a 1) (= b 1) (= c 1) (= d 1))");
  EXPECT_EQ(tree("((((a = 1))))"), "(= a 1)");
}

TEST(Sql92Parser, KeywordsAreCaseInsensitive) {
  EXPECT_EQ(
      tree("nOt a = 1 AnD b Is NoT nUlL oR c BeTwEeN 1 aNd 2 Or d In ('x') or e not in ('y')"),
      "(OR (AND (= (NOT (BOOL a)) 1) (NOT (= b NULL))) (BETWEEN c 1 2) (IN d 'x') "
      "(NOT-IN e 'y'))");
  EXPECT_EQ(tree("a = true or a = False or a is null"), "(OR (= a TRUE) (= a FALSE) (= a NULL))");
  // Identifiers are case-sensitive, and a longer word is an identifier, not a keyword.
  EXPECT_EQ(tree("Tags = 'x' AND ANDROID = 'y' AND ISx IS NULL"),
            "(AND (= Tags 'x') (= ANDROID 'y') (= ISx NULL))");
}

TEST(Sql92Parser, Identifiers) {
  EXPECT_EQ(tree("$a_1 = 1 AND _b = 2 AND TAGS = 'x' AND UNIQ_KEY IS NULL"),
            "(AND (= $a_1 1) (= _b 2) (= TAGS 'x') (= UNIQ_KEY NULL))");
  // 4.9.8 identifiers have no '.', and must not start with a digit.
  EXPECT_NE(errorOf("a.b = 1"), "");
  EXPECT_EQ(tree("a=1AND b=2"), "(AND (= a 1) (= b 2))");  // "1AND" lexes as 1, AND
}

TEST(Sql92Parser, Literals) {
  EXPECT_EQ(tree("x = 0"), "(= x 0)");
  EXPECT_EQ(tree("x = 2147483647"), "(= x 2147483647)");
  EXPECT_EQ(tree("x = 2147483648"), "(= x 2147483648L)");  // long when it does not fit an int
  EXPECT_EQ(tree("x = 9223372036854775807"), "(= x 9223372036854775807L)");
  EXPECT_EQ(tree("x = 1L AND x = 5l"), "(AND (= x 1) (= x 5))");  // L suffix, still int-sized
  EXPECT_EQ(tree("x = -2147483648"), "(= x (- 2147483648L))");    // minus is an operator
  EXPECT_EQ(tree("x = 1.5E3"), "(= x 1500D)");
  EXPECT_EQ(tree("x = 1.5e-3"), "(= x 0.0015D)");
  EXPECT_EQ(tree("x = .5"), "(= x 0.5D)");
  EXPECT_EQ(tree("x = 5."), "(= x 5D)");
  EXPECT_EQ(tree("x = 5E2"), "(= x 500D)");
  EXPECT_EQ(tree("x = 01.5"), "(= x 1.5D)");  // a float may have leading zeros
  EXPECT_EQ(tree("x = 4.9E-324"), "(= x 4.9406564584124654e-324D)");
  EXPECT_EQ(tree("x = ''"), "(= x '')");
  EXPECT_EQ(tree("x = 'it''s'"), "(= x 'it''s')");
  EXPECT_EQ(tree("x = ''''''"), "(= x '''''')");  // two quotes
  EXPECT_EQ(tree("x = 'a\nb'"), "(= x 'a\\x0Ab')");
  EXPECT_EQ(tree("x = '\xE4\xB8\xAD'"), "(= x '\xE4\xB8\xAD')");  // UTF-8 content kept as is
}

TEST(Sql92Parser, CommentsAndWhitespace) {
  EXPECT_EQ(tree(" \t\r\n\fa\n=\t1 "), "(= a 1)");
  EXPECT_EQ(tree("a = 1 /* note */ AND /**/ b = 2"), "(AND (= a 1) (= b 2))");
  EXPECT_EQ(tree("a = 1 -- note\nAND b = 2"), "(AND (= a 1) (= b 2))");
  // JavaCC needs a line break to end "--"; without one it lexes as two minus signs...
  EXPECT_EQ(tree("a = --5"), "(= a (- (- 5)))");
  // ...which Java's grammar leaves unread at the end; accepted as a comment here too.
  EXPECT_EQ(tree("a = 1 -- trailing note"), "(= a 1)");
}

TEST(Sql92Parser, Version49HasNoLaterOperators) {
  // CONTAINS / STARTSWITH / ENDSWITH are 5.x; hexadecimal and octal literals are not in 4.9.8.
  EXPECT_NE(errorOf("a CONTAINS 'x'"), "");
  EXPECT_NE(errorOf("a STARTSWITH 'x'"), "");
  EXPECT_NE(errorOf("a ENDSWITH 'x'"), "");
  EXPECT_NE(errorOf("a = 0x10"), "");
  EXPECT_NE(errorOf("a = 007"), "");
  EXPECT_NE(errorOf("a LIKE 'x%'"), "");
}

// Each malformed expression fails with its position in the message.
struct BadCase {
  const char* expr;
  const char* where;  // expected position text
  const char* what;   // expected fragment of the message
  friend void PrintTo(const BadCase& c, std::ostream* os) { *os << c.expr; }
};

class Sql92ParserErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(Sql92ParserErrors, ReportsPosition) {
  const BadCase& c = GetParam();
  std::string msg = errorOf(c.expr);
  ASSERT_NE(msg, "") << c.expr;
  EXPECT_NE(msg.find(c.where), std::string::npos) << c.expr << " -> " << msg;
  EXPECT_NE(msg.find(c.what), std::string::npos) << c.expr << " -> " << msg;
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, Sql92ParserErrors,
    ::testing::Values(
        BadCase{"", "line 1, column 1", "unexpected end of expression"},
        BadCase{"   ", "line 1, column 4", "unexpected end of expression"},
        BadCase{"(a = 1", "line 1, column 7", "expected ')'"},
        BadCase{"a = 1)", "line 1, column 6", "unexpected \")\""},
        BadCase{"((a = 1) OR (b = 2)", "line 1, column 20", "expected ')'"},
        BadCase{"a = ", "line 1, column 5", "expected an operand"},
        BadCase{"a = 1 AND", "line 1, column 10", "expected an operand"},
        BadCase{"AND a = 1", "line 1, column 1", "unexpected \"AND\""},
        BadCase{"a = 1 b = 2", "line 1, column 7", "expected end of expression"},
        BadCase{"a = 1 'x'", "line 1, column 7", "expected end of expression"},
        BadCase{"a == 1", "line 1, column 4", "expected an operand"},
        BadCase{"a != 1", "line 1, column 3", "unexpected character '!'"},
        BadCase{"a # 1", "line 1, column 3", "unexpected character '#'"},
        BadCase{"a = \"x\"", "line 1, column 5", "unexpected character '\"'"},
        BadCase{"a = 'abc", "line 1, column 5", "unterminated string"},
        BadCase{"a = 1 /* x", "line 1, column 7", "unterminated comment"},
        BadCase{"a = .", "line 1, column 5", "unexpected character '.'"},
        BadCase{"a\n = \n 1 ==", "line 3, column 5", "expected an operand"},
        BadCase{"a IS 5", "line 1, column 6", "expected NULL or NOT NULL"},
        BadCase{"a IS NOT 5", "line 1, column 10", "expected NULL"},
        BadCase{"a NOT b", "line 1, column 7", "BETWEEN or IN after NOT"},
        BadCase{"a BETWEEN 1 2", "line 1, column 13", "AND of BETWEEN"},
        BadCase{"a IN 'x'", "line 1, column 6", "'(' after IN"},
        BadCase{"a IN ()", "line 1, column 7", "string literal in the IN list"},
        BadCase{"a IN ('x' 'y')", "line 1, column 11", "',' or ')' in the IN list"},
        BadCase{"a IN ('x',)", "line 1, column 11", "string literal in the IN list"},
        BadCase{"a IN (1, 2)", "line 1, column 7", "string literal in the IN list"},
        BadCase{"'x' IN ('x')", "line 1, column 5", "expected a property for IN"},
        BadCase{"a = NULL", "line 1, column 3", "NULL cannot be compared"},
        BadCase{"NULL <> a", "line 1, column 6", "NULL cannot be compared"},
        BadCase{"TRUE = 1", "line 1, column 6", "cannot be compared with 1"},
        BadCase{"a > 'x'", "line 1, column 3", "cannot be compared"},
        BadCase{"TRUE < a", "line 1, column 6", "cannot be compared"},
        BadCase{"a > (b = 1)", "line 1, column 3", "cannot be compared"},
        BadCase{"NOT a BETWEEN 1 AND 2", "line 1, column 7", "cannot be compared"},
        BadCase{"a BETWEEN 5 AND 1", "line 1, column 3", "illegal values of BETWEEN"},
        BadCase{"a BETWEEN NULL AND 1", "line 1, column 3", "can not be NULL"},
        BadCase{"a BETWEEN 1 AND 'x'", "line 1, column 3", "illegal values of BETWEEN"},
        BadCase{"1", "line 1, column 1", "will not result in a boolean value"},
        BadCase{"'x'", "line 1, column 1", "will not result in a boolean value"},
        BadCase{"a = 1 AND 2", "line 1, column 7", "will not result in a boolean value"},
        BadCase{"NOT -a", "line 1, column 1", "will not result in a boolean value"},
        BadCase{"a > 9223372036854775808", "line 1, column 5", "out of the long range"},
        BadCase{"a > 1e400", "line 1, column 5", "too large"},
        BadCase{"a > 0.0", "line 1, column 5", "less than Double.MIN_VALUE"},
        BadCase{"a > 1e-400", "line 1, column 5", "less than Double.MIN_VALUE"},
        BadCase{"a = '\xE4\xB8\xAD' AND \xE4\xB8\xAD = 1", "line 1, column 13",
                "unexpected character 0xE4"}));

TEST(Sql92Parser, IsAnErrorStatusNotAnException) {
  std::unique_ptr<Expression> e;
  Status st = compile("a = ", e);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(e, nullptr);
  EXPECT_EQ(st.message().rfind("invalid SQL92 expression: ", 0), 0u) << st.message();
}

TEST(Sql92Parser, NestingLimit) {
  auto nested = [](int n, const std::string& open, const std::string& close) {
    std::string s;
    for (int i = 0; i < n; ++i) s += open;
    s += "a = 1";
    for (int i = 0; i < n; ++i) s += close;
    return s;
  };
  EXPECT_EQ(errorOf(nested(kMaxNestingDepth, "(", ")")), "");
  EXPECT_NE(errorOf(nested(kMaxNestingDepth + 1, "(", ")")).find("nested too deeply"),
            std::string::npos);
  // A prefix operator is a level too: "NOT (" counts twice.
  EXPECT_EQ(errorOf(nested(kMaxNestingDepth / 2, "NOT (", ")")), "");
  EXPECT_NE(errorOf(nested(kMaxNestingDepth / 2 + 1, "NOT (", ")")).find("nested too deeply"),
            std::string::npos);
  EXPECT_EQ(errorOf(std::string(kMaxNestingDepth, '-') + "a = 1"), "");
  EXPECT_NE(errorOf(nested(100000, "(", ")")).find("nested too deeply"), std::string::npos);
  EXPECT_NE(errorOf(std::string(100000, '-') + "a = 1").find("nested too deeply"),
            std::string::npos);
  EXPECT_NE(errorOf(std::string(100000, '(')).find("nested too deeply"), std::string::npos);
}

TEST(Sql92Parser, TreeHeightLimit) {
  // Long AND/OR chains are flat, so they have no practical limit...
  std::string chain = "a = 0";
  for (int i = 1; i < 20000; ++i)
    chain += (i % 2 ? " OR a = " : " OR (a = ") + std::to_string(i) + (i % 2 ? "" : ")");
  EXPECT_EQ(errorOf(chain), "");
  // ...but chains of '=' build a left-deep tree, whose height is bounded.
  std::string eq = "a";
  for (int i = 0; i < kMaxTreeHeight + 5; ++i) eq += " = a";
  EXPECT_NE(errorOf(eq).find("nested too deeply"), std::string::npos);
  std::string isNull = "a";
  for (int i = 0; i < 100000; ++i) isNull += " IS NULL";
  EXPECT_NE(errorOf(isNull).find("nested too deeply"), std::string::npos);
}

}  // namespace
}  // namespace rmq::broker::sql92
