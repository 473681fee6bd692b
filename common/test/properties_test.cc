#include "common/properties.h"

#include <gtest/gtest.h>

namespace rmq {
namespace {

TEST(Properties, ParsesJavaSyntax) {
  Properties p;
  ASSERT_TRUE(Properties::parse("# comment\n! other\nbrokerName = broker-a\nlistenPort:10911\n"
                                "  spaced value with\\\n   continuation\nesc=a\\tb\\u0041\n"
                                "empty=\nnoValue\n",
                                p)
                  .ok());
  EXPECT_EQ(p.get("brokerName").value(), "broker-a");
  EXPECT_EQ(p.get("listenPort").value(), "10911");
  EXPECT_EQ(p.get("spaced").value(), "value withcontinuation");
  EXPECT_EQ(p.get("esc").value(), "a\tbA");
  EXPECT_EQ(p.get("empty").value(), "");
  EXPECT_EQ(p.get("noValue").value(), "");
  EXPECT_FALSE(p.get("missing").has_value());
}

TEST(Properties, RoundTripsThroughToString) {
  Properties p;
  p.set("b", "2");
  p.set("a", "1");
  EXPECT_EQ(p.toString(), "a=1\nb=2\n");
  Properties q;
  ASSERT_TRUE(Properties::parse(p.toString(), q).ok());
  EXPECT_EQ(q.entries(), p.entries());
}

TEST(Properties, JavaScalarParsing) {
  EXPECT_EQ(parseJavaLong("-42").value(), -42);
  EXPECT_EQ(parseJavaLong("+7").value(), 7);
  EXPECT_FALSE(parseJavaLong("1.5").has_value());
  EXPECT_FALSE(parseJavaLong("").has_value());
  EXPECT_FALSE(parseJavaInt("2147483648").has_value());
  EXPECT_TRUE(parseJavaBoolean("TRUE"));
  EXPECT_FALSE(parseJavaBoolean("yes"));
}

}  // namespace
}  // namespace rmq
