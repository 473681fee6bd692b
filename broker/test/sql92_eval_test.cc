// SQL92 filter: evaluation semantics, checked against the Java 4.9.8 expression classes
// (ComparisonExpression, LogicExpression, UnaryExpression, ...), and Sql92Filter on PROPERTIES.
#include <gtest/gtest.h>

#include <string>

#include "broker/filter/sql92/sql92_filter.h"
#include "broker/test/sql92_test_util.h"

namespace rmq::broker::sql92 {
namespace {

using testing::outcome;
using testing::Props;

constexpr const char* kCapture = "TAGS = 'TagA' AND a BETWEEN 2 AND 6 AND s IS NOT NULL";

TEST(Sql92Eval, CaptureScenario) {
  EXPECT_EQ(outcome(kCapture, {{"TAGS", "TagA"}, {"a", "2"}, {"s", "x"}}), 'T');
  EXPECT_EQ(outcome(kCapture, {{"TAGS", "TagA"}, {"a", "6"}, {"s", "y"}}), 'T');
  EXPECT_EQ(outcome(kCapture, {{"TAGS", "TagA"}, {"a", "4"}, {"s", "x"}, {"other", "y"}}), 'T');
  EXPECT_EQ(outcome(kCapture, {{"TAGS", "TagB"}, {"a", "4"}, {"s", "x"}}), 'F');
  EXPECT_EQ(outcome(kCapture, {{"TAGS", "taga"}, {"a", "4"}, {"s", "x"}}), 'F');
  EXPECT_EQ(outcome(kCapture, {{"TAGS", "TagA"}, {"a", "1"}, {"s", "x"}}), 'F');
  EXPECT_EQ(outcome(kCapture, {{"TAGS", "TagA"}, {"a", "7"}, {"s", "x"}}), 'F');
  EXPECT_EQ(outcome(kCapture, {{"TAGS", "TagA"}, {"a", "4"}}), 'F');                // s absent
  EXPECT_EQ(outcome(kCapture, {{"TAGS", "TagA"}, {"s", "x"}}), 'N');                // a absent
  EXPECT_EQ(outcome(kCapture, {{"a", "4"}, {"s", "x"}}), 'N');                      // no tag
  EXPECT_EQ(outcome(kCapture, {{"TAGS", "TagA"}, {"a", "4.5"}, {"s", "x"}}), 'E');  // int parse
  EXPECT_EQ(outcome(kCapture, {{"TAGS", "TagA"}, {"a", " 4"}, {"s", "x"}}), 'E');
  EXPECT_EQ(outcome(kCapture, {{"TAGS", "TagA"}, {"a", "+4"}, {"s", "x"}}), 'T');
  EXPECT_EQ(outcome(kCapture, {{"TAGS", "TagB"}, {"a", "abc"}, {"s", "x"}}), 'F');  // short-circuit
  EXPECT_EQ(outcome(kCapture, {}), 'F');  // s IS NOT NULL is FALSE, so AND is FALSE
}

TEST(Sql92Eval, Sql92FilterOnPropertiesString) {
  std::unique_ptr<Sql92Filter> f;
  ASSERT_TRUE(Sql92Filter::compile(kCapture, f).ok());
  EXPECT_EQ(f->expression(), kCapture);
  EXPECT_TRUE(
      f->matchesProperties("TAGS\x01TagA\x02"
                           "a\x01"
                           "3\x02s\x01x"));
  EXPECT_TRUE(
      f->matchesProperties("a\x01"
                           "3\x02s\x01x\x02TAGS\x01TagA\x02"));
  EXPECT_FALSE(
      f->matchesProperties("TAGS\x01TagA\x02"
                           "a\x01"
                           "3"));
  EXPECT_FALSE(f->matchesProperties(""));
  // The last duplicate wins; empty values are invisible (as Java's decoder drops them).
  EXPECT_TRUE(
      f->matchesProperties("TAGS\x01TagB\x02TAGS\x01TagA\x02"
                           "a\x01"
                           "3\x02s\x01x"));
  EXPECT_FALSE(
      f->matchesProperties("TAGS\x01TagA\x02"
                           "a\x01"
                           "3\x02s\x01"));
  EXPECT_EQ(f->evaluateProperties("TAGS\x01TagA\x02"
                                  "a\x01x\x02s\x01x"),
            Result::kError);
  EXPECT_EQ(f->evaluateProperties("s\x01x"), Result::kUnknown);

  std::unique_ptr<Sql92Filter> bad;
  Status st = Sql92Filter::compile("TAGS = ", bad);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(bad, nullptr);
  EXPECT_NE(st.message().find("line 1, column 8"), std::string::npos) << st.message();
}

// Three-valued AND / OR / NOT (Java's LogicExpression / UnaryExpression.createNOT).
TEST(Sql92Eval, TruthTables) {
  // t: a true condition, f: a false one, n: unknown (absent property).
  const Props p{{"x", "1"}};
  struct Operand {
    const char* text;
    char value;
  };
  const Operand ops[] = {{"x = 1", 'T'}, {"x = 2", 'F'}, {"y = 1", 'N'}};
  auto andOf = [](char l, char r) {
    if (l == 'F' || r == 'F') return 'F';
    if (l == 'N' || r == 'N') return 'N';
    return 'T';
  };
  auto orOf = [](char l, char r) {
    if (l == 'T' || r == 'T') return 'T';
    if (l == 'N' || r == 'N') return 'N';
    return 'F';
  };
  for (const Operand& l : ops) {
    for (const Operand& r : ops) {
      std::string a = std::string("(") + l.text + ") AND (" + r.text + ")";
      std::string o = std::string("(") + l.text + ") OR (" + r.text + ")";
      EXPECT_EQ(outcome(a, p), andOf(l.value, r.value)) << a;
      EXPECT_EQ(outcome(o, p), orOf(l.value, r.value)) << o;
    }
    char notValue = l.value == 'T' ? 'F' : (l.value == 'F' ? 'T' : 'N');
    EXPECT_EQ(outcome(std::string("NOT (") + l.text + ")", p), notValue) << l.text;
  }
  EXPECT_EQ(outcome("TRUE"), 'T');
  EXPECT_EQ(outcome("FALSE"), 'F');
  EXPECT_EQ(outcome("NULL"), 'N');
  EXPECT_EQ(outcome("NOT NULL"), 'N');
  EXPECT_EQ(outcome("NULL OR TRUE"), 'T');
  EXPECT_EQ(outcome("NULL AND FALSE"), 'F');
}

TEST(Sql92Eval, ErrorsAbortButShortCircuitAvoidsThem) {
  const Props p{{"a", "abc"}, {"b", "x"}};
  EXPECT_EQ(outcome("a > 5", p), 'E');              // Java: NumberFormatException
  EXPECT_EQ(outcome("a > 5 OR b = 'x'", p), 'E');   // the exception is not caught by OR
  EXPECT_EQ(outcome("b = 'x' OR a > 5", p), 'T');   // never evaluated
  EXPECT_EQ(outcome("b = 'y' AND a > 5", p), 'F');  // never evaluated
  EXPECT_EQ(outcome("NOT (a > 5)", p), 'E');
  EXPECT_EQ(outcome("c = 'x' AND a > 5", p), 'E');  // unknown does not short-circuit
  EXPECT_EQ(outcome("(a > 5) IS NULL", p), 'E');
}

TEST(Sql92Eval, NullHandling) {
  const Props none;
  const Props a{{"a", "1"}};
  EXPECT_EQ(outcome("a IS NULL", none), 'T');
  EXPECT_EQ(outcome("a IS NULL", a), 'F');
  EXPECT_EQ(outcome("a IS NOT NULL", none), 'F');
  EXPECT_EQ(outcome("a IS NOT NULL", a), 'T');
  EXPECT_EQ(outcome("a = 1", none), 'N');
  EXPECT_EQ(outcome("a <> 1", none), 'N');
  EXPECT_EQ(outcome("a > 1", none), 'N');
  EXPECT_EQ(outcome("1 < a", none), 'N');
  EXPECT_EQ(outcome("a BETWEEN 1 AND 2", none), 'N');
  EXPECT_EQ(outcome("a NOT BETWEEN 1 AND 2", none), 'N');
  EXPECT_EQ(outcome("a IN ('1')", none), 'N');
  EXPECT_EQ(outcome("a NOT IN ('1')", none), 'N');
  EXPECT_EQ(outcome("-a > 1", none), 'N');
  EXPECT_EQ(outcome("a", none), 'N');
  EXPECT_EQ(outcome("NOT a", none), 'N');
  // Java's equality is asymmetric in NULL: NULL on the left is unknown, NULL only on the right
  // is FALSE, and NULL on both sides is TRUE.
  EXPECT_EQ(outcome("b = a", a), 'N');
  EXPECT_EQ(outcome("a = b", a), 'F');
  EXPECT_EQ(outcome("a <> b", a), 'T');
  EXPECT_EQ(outcome("'x' <> b", none), 'T');
  EXPECT_EQ(outcome("a = b", none), 'T');
  EXPECT_EQ(outcome("a <> b", none), 'F');
  EXPECT_EQ(outcome("NULL IS NULL"), 'T');
  EXPECT_EQ(outcome("1 IS NULL"), 'F');
  EXPECT_EQ(outcome("(a = 1) IS NULL", none), 'T');
  // Comparisons: NULL on either side is unknown.
  EXPECT_EQ(outcome("a > b", a), 'N');
  EXPECT_EQ(outcome("b > a", a), 'N');
}

TEST(Sql92Eval, StringEqualityAndIn) {
  const Props p{{"s", "it's"}, {"t", "TagA"}, {"e", "x"}};
  EXPECT_EQ(outcome("s = 'it''s'", p), 'T');
  EXPECT_EQ(outcome("t = 'TagA'", p), 'T');
  EXPECT_EQ(outcome("t = 'taga'", p), 'F');  // case-sensitive
  EXPECT_EQ(outcome("t <> 'TagB'", p), 'T');
  EXPECT_EQ(outcome("t = s", p), 'F');
  EXPECT_EQ(outcome("t IN ('TagB', 'TagA')", p), 'T');
  EXPECT_EQ(outcome("t IN ('TagB', 'TagC', 'TagD', 'TagE', 'TagF')", p), 'F');
  EXPECT_EQ(outcome("t NOT IN ('TagB')", p), 'T');
  EXPECT_EQ(outcome("t NOT IN ('TagA')", p), 'F');
  EXPECT_EQ(outcome("s IN ('it''s')", p), 'T');
  EXPECT_EQ(outcome("'TagA' = t", p), 'T');
  EXPECT_EQ(outcome("'a' = 'a'", p), 'T');
  // A property used as a boolean is never TRUE: its value is a string, not a Boolean.
  EXPECT_EQ(outcome("e", {{"e", "true"}}), 'F');
  EXPECT_EQ(outcome("NOT e", {{"e", "true"}}), 'T');
}

TEST(Sql92Eval, NumericConversions) {
  // The property string is converted to the literal's class: Integer, Long or Double.
  EXPECT_EQ(outcome("a = 5", {{"a", "5"}}), 'T');
  EXPECT_EQ(outcome("a = 5", {{"a", "+5"}}), 'T');
  EXPECT_EQ(outcome("a = 5", {{"a", "05"}}), 'T');
  EXPECT_EQ(outcome("a = 5", {{"a", "5.0"}}), 'E');  // Integer.valueOf fails
  EXPECT_EQ(outcome("a = 5", {{"a", "5 "}}), 'E');   // no trimming for integers
  EXPECT_EQ(outcome("a = 5", {{"a", "abc"}}), 'E');
  EXPECT_EQ(outcome("a > 5", {{"a", "3000000000"}}), 'E');           // does not fit an int
  EXPECT_EQ(outcome("a > 5L", {{"a", "3000000000"}}), 'E');          // 5L is still an int literal
  EXPECT_EQ(outcome("a > 2147483648", {{"a", "3000000000"}}), 'T');  // a long literal
  EXPECT_EQ(outcome("a > 2147483648", {{"a", "3.5"}}), 'E');
  EXPECT_EQ(outcome("a = 5.0", {{"a", "5"}}), 'T');
  EXPECT_EQ(outcome("a = 5.0", {{"a", " 5 "}}), 'T');  // Double.valueOf trims
  EXPECT_EQ(outcome("a = 5.0", {{"a", "5e0"}}), 'T');
  EXPECT_EQ(outcome("a = 5.0", {{"a", "5f"}}), 'T');       // Java's float/double suffixes
  EXPECT_EQ(outcome("a = 5.0", {{"a", "0x1.4p2"}}), 'T');  // and hexadecimal floats
  EXPECT_EQ(outcome("a > 5.0", {{"a", "Infinity"}}), 'T');
  EXPECT_EQ(outcome("a > 5.0", {{"a", "NaN"}}), 'T');  // Double.compareTo: NaN is the largest
  EXPECT_EQ(outcome("a = 5.0", {{"a", "five"}}), 'E');
  EXPECT_EQ(outcome("a < 0.5", {{"a", "-0"}}), 'T');
  EXPECT_EQ(outcome("a = 1", {{"a", "\xD9\xA1"}}), 'T');  // Arabic-Indic one: Character.digit
  // Numbers of different classes compare by value.
  EXPECT_EQ(outcome("1 = 1.0"), 'T');
  EXPECT_EQ(outcome("2147483648 > 1"), 'T');
  EXPECT_EQ(outcome("1 < 1.5"), 'T');
  EXPECT_EQ(outcome("-a < -1", {{"a", "5"}}), 'N');  // '-' on a string property is NULL
  EXPECT_EQ(outcome("- -5 = 5"), 'T');
  // Two properties ordered: both parsed as doubles, else an error.
  EXPECT_EQ(outcome("a > b", {{"a", "10"}, {"b", "9"}}), 'T');  // numeric, not "10" < "9"
  EXPECT_EQ(outcome("a < b", {{"a", "1.5"}, {"b", "1e1"}}), 'T');
  EXPECT_EQ(outcome("a > b", {{"a", "x"}, {"b", "1"}}), 'E');
  // '=' between two properties is string equality.
  EXPECT_EQ(outcome("a = b", {{"a", "1"}, {"b", "1.0"}}), 'F');
  // A string literal compared with a number: the string side is converted.
  EXPECT_EQ(outcome("'5' = 5"), 'T');
  EXPECT_EQ(outcome("5 = '5'"), 'T');
  EXPECT_EQ(outcome("5 = 'x'"), 'E');
}

TEST(Sql92Eval, BooleansFollowJava) {
  // String vs boolean literal: Boolean.valueOf(string), "true" in any case.
  EXPECT_EQ(outcome("a = TRUE", {{"a", "true"}}), 'T');
  EXPECT_EQ(outcome("a = TRUE", {{"a", "TRUE"}}), 'T');
  EXPECT_EQ(outcome("a = TRUE", {{"a", "yes"}}), 'F');
  EXPECT_EQ(outcome("a = FALSE", {{"a", "yes"}}), 'T');
  EXPECT_EQ(outcome("a <> FALSE", {{"a", "True"}}), 'T');
  // Java casts a Boolean on the left of a string to String: ClassCastException.
  EXPECT_EQ(outcome("TRUE = a", {{"a", "true"}}), 'E');
  EXPECT_EQ(outcome("NOT a = 'x'", {{"a", "x"}}), 'E');  // (NOT a) = 'x'
  EXPECT_EQ(outcome("NOT a = 'x'", {}), 'N');
  EXPECT_EQ(outcome("(a = 'x') = TRUE", {{"a", "x"}}), 'T');
  EXPECT_EQ(outcome("TRUE = FALSE"), 'F');
  EXPECT_EQ(outcome("1 = TRUE"), 'F');  // number vs boolean: never equal, no error
  EXPECT_EQ(outcome("'true' = TRUE"), 'T');
}

TEST(Sql92Eval, BetweenIsInclusive) {
  for (const char* v : {"2", "3", "6"}) EXPECT_EQ(outcome("a BETWEEN 2 AND 6", {{"a", v}}), 'T');
  for (const char* v : {"1", "7", "-3"}) EXPECT_EQ(outcome("a BETWEEN 2 AND 6", {{"a", v}}), 'F');
  EXPECT_EQ(outcome("a NOT BETWEEN 2 AND 6", {{"a", "7"}}), 'T');
  EXPECT_EQ(outcome("a NOT BETWEEN 2 AND 6", {{"a", "6"}}), 'F');
  EXPECT_EQ(outcome("a BETWEEN 2 AND 6.5", {{"a", "6.5"}}), 'E');  // Integer.valueOf("6.5")
  EXPECT_EQ(outcome("a BETWEEN 2.0 AND 6.5", {{"a", "6.5"}}), 'T');
  EXPECT_EQ(outcome("a BETWEEN -5 AND -1", {{"a", "-3"}}), 'T');
  // Negative bounds are unary minus expressions, so Java does not check their order.
  EXPECT_EQ(outcome("a BETWEEN -1 AND -5", {{"a", "-3"}}), 'F');
  EXPECT_EQ(outcome("a NOT BETWEEN 5 AND 1", {{"a", "3"}}), 'T');  // NOT BETWEEN: no check
  EXPECT_EQ(outcome("a BETWEEN b AND c", {{"a", "2"}, {"b", "1"}, {"c", "3"}}), 'T');
  EXPECT_EQ(outcome("a BETWEEN b AND c", {{"a", "2"}, {"c", "3"}}), 'N');
  EXPECT_EQ(outcome("a BETWEEN b AND c", {{"a", "5"}, {"c", "3"}}), 'F');
  EXPECT_EQ(outcome("a NOT BETWEEN b AND c", {{"a", "5"}, {"c", "3"}}), 'T');
  // Short-circuit inside BETWEEN: a failing low bound ends it before the high bound.
  EXPECT_EQ(outcome("a BETWEEN 5 AND c", {{"a", "1"}, {"c", "x"}}), 'F');
  EXPECT_EQ(outcome("a BETWEEN 0 AND c", {{"a", "1"}, {"c", "x"}}), 'E');
}

TEST(Sql92Eval, DeepButValidExpressionsEvaluate) {
  std::string chain = "a = 0";
  for (int i = 1; i < 5000; ++i) chain += " OR a = " + std::to_string(i);
  EXPECT_EQ(outcome(chain, {{"a", "4999"}}), 'T');
  EXPECT_EQ(outcome(chain, {{"a", "5000"}}), 'F');
  std::string nested = "a = 1";
  // "NOT (" is two levels (a prefix and a parenthesis): 49 of them stay within the limit.
  for (int i = 0; i < kMaxNestingDepth / 2 - 1; ++i) nested = "NOT (" + nested + ")";
  EXPECT_EQ(outcome(nested, {{"a", "1"}}), 'F');  // 49 NOTs
  // Nested BETWEENs of a shared operand evaluate it once per level (no exponential blow-up).
  std::string between = "a";
  for (int i = 0; i < 40; ++i) between = "-(" + between + " BETWEEN 1 AND 2)";
  EXPECT_EQ(outcome(between + " IS NULL", {{"a", "1"}}), 'T');
}

}  // namespace
}  // namespace rmq::broker::sql92
