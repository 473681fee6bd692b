// SQL92 filter against outcomes recorded from the Java 4.9.8 filter itself: hand-picked edge
// cases plus a random sample of generated expressions (valid and mutated). Java-only divergence:
// Java ignores tokens after a complete expression ("a = 1 b" parses as "a = 1"); here they are a
// syntax error, so such cases are not in the table (see Sql92Parser tests).
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "broker/test/sql92_test_util.h"

namespace rmq::broker::sql92 {
namespace {

struct JavaCase {
  const char* expr;
  std::vector<std::pair<const char*, const char*>> props;
  char expected;
};

const std::vector<JavaCase>& javaCases() {
  static const std::vector<JavaCase> cases{
#include "broker/test/sql92_java_cases.inc"
  };
  return cases;
}

TEST(Sql92JavaCases, SameOutcomeAsJava) {
  ASSERT_GT(javaCases().size(), 500u);
  int failures = 0;
  for (const JavaCase& c : javaCases()) {
    testing::Props props;
    for (const auto& [k, v] : c.props) props[k] = v;
    char got = testing::outcome(c.expr, props);
    if (got != c.expected && ++failures <= 20) {
      ADD_FAILURE() << "expr: " << c.expr << "\n java: " << c.expected << " here: " << got << " ("
                    << testing::tree(c.expr) << ")";
    }
  }
  EXPECT_EQ(failures, 0);
}

}  // namespace
}  // namespace rmq::broker::sql92
