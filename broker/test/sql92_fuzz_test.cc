// SQL92 filter robustness: random bytes, random token soup and mutated valid expressions must
// compile or fail cleanly (never crash, hang or recurse unboundedly), and whatever compiles must
// evaluate without crashing.
#include <gtest/gtest.h>

#include <iterator>
#include <random>
#include <string>

#include "broker/test/sql92_test_util.h"

namespace rmq::broker::sql92 {
namespace {

const testing::Props& fuzzProps() {
  static const testing::Props props{{"a", "5"},   {"b", "abc"},  {"TAGS", "TagA"}, {"s", "1.5"},
                                    {"n", "NaN"}, {"t", "true"}, {"x", "-0"}};
  return props;
}

// Compiles and, if that works, evaluates; returns whether it compiled.
bool exercise(const std::string& expr) {
  std::unique_ptr<Expression> e;
  Status st = compile(expr, e);
  if (!st.ok()) {
    EXPECT_FALSE(st.message().empty());
    EXPECT_NE(st.message().find("line "), std::string::npos) << st.message();
    return false;
  }
  EXPECT_NE(e, nullptr);
  EXPECT_LE(e->height, kMaxTreeHeight);
  (void)evaluate(*e, testing::lookupIn(fuzzProps()));
  (void)describe(*e);
  return true;
}

TEST(Sql92Fuzz, RandomBytes) {
  std::mt19937 rng(12345);
  for (int i = 0; i < 20000; ++i) {
    std::string s(rng() % 64, '\0');
    for (char& c : s) c = static_cast<char>(rng() & 0xFF);
    exercise(s);
  }
}

TEST(Sql92Fuzz, RandomTokens) {
  static constexpr const char* kTokens[] = {
      "a",   "b",  "TAGS",    "s",  "n",    "t",    "x",     "'TagA'",     "'it''s'", "''",
      "1",   "5",  "-",       "+",  "1.5",  ".5",   "1E3",   "2147483648", "0",       "(",
      ")",   ",",  "=",       "<>", ">",    ">=",   "<",     "<=",         "AND",     "OR",
      "NOT", "IN", "BETWEEN", "IS", "NULL", "TRUE", "FALSE", "--",         "/**/"};
  std::mt19937 rng(777);
  int compiled = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string s;
    size_t n = 1 + rng() % 14;
    for (size_t k = 0; k < n; ++k) {
      s += kTokens[rng() % std::size(kTokens)];
      s += (rng() % 4 == 0) ? "" : " ";
    }
    compiled += exercise(s);
  }
  EXPECT_GT(compiled, 100);  // the soup does produce valid expressions too
}

TEST(Sql92Fuzz, MutatedValidExpressions) {
  static constexpr const char* kSeeds[] = {
      "TAGS = 'TagA' AND a BETWEEN 2 AND 6 AND s IS NOT NULL",
      "(a > 1 OR b IN ('x', 'y''z')) AND NOT (s <= 2.5E1) OR t IS NULL",
      "a NOT BETWEEN -1 AND 10 AND x NOT IN ('q') AND n = TRUE",
      "NOT NOT (a = 5) AND -a < -4 AND +a >= +5 /* c */ -- d\n",
      "a <> b OR (a = 1 AND (b = 2 OR (s = 3 AND (t = 4))))",
      "TAGS IN ('TagA','TagB','TagC','TagD','TagE') OR a BETWEEN 0.5 AND 9223372036854775807"};
  std::mt19937 rng(4242);
  for (int i = 0; i < 30000; ++i) {
    std::string s = kSeeds[rng() % std::size(kSeeds)];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !s.empty(); ++k) {
      size_t at = rng() % s.size();
      switch (rng() % 4) {
        case 0:
          s.erase(at, 1 + rng() % 3);
          break;
        case 1:
          s.insert(at, 1, "()',=<>-+.# \n'*/"[rng() % 17]);
          break;
        case 2:
          s[at] = static_cast<char>(rng() & 0xFF);
          break;
        default:
          s.insert(at, s.substr(rng() % s.size(), rng() % 12));
          break;
      }
    }
    exercise(s);
  }
}

TEST(Sql92Fuzz, PathologicalShapes) {
  // Huge but flat, huge and deep, unbalanced, long literals and identifiers.
  std::string flat;
  for (int i = 0; i < 20000; ++i) flat += (i ? " AND a <> " : "a <> ") + std::to_string(i);
  EXPECT_TRUE(exercise(flat));
  EXPECT_FALSE(exercise(std::string(1 << 20, '(')));
  EXPECT_FALSE(exercise(std::string(1 << 20, ')')));
  // A long identifier, then a run of '-' that reads as an unterminated trailing comment.
  EXPECT_TRUE(exercise(std::string(1 << 20, 'N') + " = 1 " + std::string(1 << 16, '-')));
  EXPECT_FALSE(exercise(std::string(1 << 20, 'N') + " = 1 " + std::string(1 << 16, '+')));
  EXPECT_FALSE(exercise("a = '" + std::string(1 << 20, 'x')));
  EXPECT_TRUE(exercise("a = '" + std::string(1 << 20, 'x') + "'"));
  EXPECT_TRUE(exercise(std::string(1 << 16, 'v') + " IS NULL"));
  EXPECT_FALSE(exercise("a > 1" + std::string(100000, '0') + ".5"));  // float too large
  std::string notChain;
  for (int i = 0; i < 100000; ++i) notChain += "NOT ";
  EXPECT_FALSE(exercise(notChain + "a"));
  std::string bigIn = "a IN ('0'";
  for (int i = 1; i < 50000; ++i) bigIn += ", '" + std::to_string(i) + "'";
  EXPECT_TRUE(exercise(bigIn + ")"));
}

}  // namespace
}  // namespace rmq::broker::sql92
