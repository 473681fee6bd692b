// Java String -> number conversions used by the SQL92 filter (Integer/Long/Double/Boolean
// .valueOf), expected values taken from OpenJDK 17.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "broker/filter/sql92/java_number.h"
#include "broker/filter/sql92/value.h"

namespace rmq::broker::sql92 {
namespace {

TEST(Sql92JavaNumber, ParseInt) {
  EXPECT_EQ(javaParseInt("0"), 0);
  EXPECT_EQ(javaParseInt("-0"), 0);
  EXPECT_EQ(javaParseInt("+7"), 7);
  EXPECT_EQ(javaParseInt("0007"), 7);
  EXPECT_EQ(javaParseInt("2147483647"), 2147483647);
  EXPECT_EQ(javaParseInt("-2147483648"), std::numeric_limits<int32_t>::min());
  EXPECT_EQ(javaParseInt("\xEF\xBC\x91\xEF\xBC\x92"), 12);  // fullwidth digits
  EXPECT_EQ(javaParseInt("\xD9\xA1"
                         "5"),
            15);  // Arabic-Indic one, then 5
  for (const char* bad : {"", "+", "-", "2147483648", "-2147483649", " 1", "1 ", "1.0", "1e2",
                          "0x1", "1L", "one", "--1", "\xC0\xB1", "\xF0\x9D\x9F\x8F"}) {
    EXPECT_EQ(javaParseInt(bad), std::nullopt) << bad;
  }
}

TEST(Sql92JavaNumber, ParseLong) {
  EXPECT_EQ(javaParseLong("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(javaParseLong("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(javaParseLong("3000000000"), 3000000000LL);
  EXPECT_EQ(javaParseLong("9223372036854775808"), std::nullopt);
  EXPECT_EQ(javaParseLong("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(javaParseLong("12345678901234567890123"), std::nullopt);
}

TEST(Sql92JavaNumber, ParseDouble) {
  EXPECT_EQ(javaParseDouble("1.5"), 1.5);
  EXPECT_EQ(javaParseDouble("  1.5\t\n"), 1.5);
  EXPECT_EQ(javaParseDouble("+.5"), 0.5);
  EXPECT_EQ(javaParseDouble("5."), 5.0);
  EXPECT_EQ(javaParseDouble("1e3"), 1000.0);
  EXPECT_EQ(javaParseDouble("1E+3"), 1000.0);
  EXPECT_EQ(javaParseDouble("1.5f"), 1.5);
  EXPECT_EQ(javaParseDouble("2D"), 2.0);
  EXPECT_EQ(javaParseDouble("0x1p3"), 8.0);
  EXPECT_EQ(javaParseDouble("-0X1.8P1"), -3.0);
  EXPECT_EQ(javaParseDouble("0x.8p1d"), 1.0);
  EXPECT_EQ(javaParseDouble("Infinity"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(javaParseDouble("-Infinity"), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(*javaParseDouble("NaN")));
  EXPECT_TRUE(std::signbit(*javaParseDouble("-0")));
  EXPECT_EQ(javaParseDouble("1e400"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(javaParseDouble("-1e400"), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(javaParseDouble("1e-400"), 0.0);
  EXPECT_EQ(javaParseDouble("1e99999999999999999999"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(javaParseDouble("4.9e-324"), std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(javaParseDouble("2e-324"), 0.0);
  EXPECT_EQ(javaParseDouble(std::string(400, '1')), std::numeric_limits<double>::infinity());
  for (const char* bad : {"", " ", ".", "e5", "1e", "1e+", "1.2.3", "1ff", "0x1", "0x1.8", "0xp1",
                          "nan", "infinity", "+-1", "1_000", "1 2", "\xD9\xA1"}) {
    EXPECT_EQ(javaParseDouble(bad), std::nullopt) << bad;
  }
}

TEST(Sql92JavaNumber, ParseBoolean) {
  EXPECT_TRUE(javaParseBoolean("true"));
  EXPECT_TRUE(javaParseBoolean("TRUE"));
  EXPECT_TRUE(javaParseBoolean("tRuE"));
  EXPECT_FALSE(javaParseBoolean("true "));
  EXPECT_FALSE(javaParseBoolean("yes"));
  EXPECT_FALSE(javaParseBoolean(""));
}

TEST(Sql92JavaNumber, CompareFollowsJavaPromotion) {
  EXPECT_EQ(javaCompare(Value::ofInt(1), Value::ofLong(1)), 0);
  EXPECT_EQ(javaCompare(Value::ofLong(3000000000LL), Value::ofInt(1)), 1);
  EXPECT_EQ(javaCompare(Value::ofInt(1), Value::ofDouble(1.5)), -1);
  EXPECT_EQ(javaCompare(Value::ofString("7"), Value::ofInt(5)), 1);
  EXPECT_EQ(javaCompare(Value::ofString("7.5"), Value::ofInt(5)), std::nullopt);
  EXPECT_EQ(javaCompare(Value::ofInt(5), Value::ofString("7")), -1);
  EXPECT_EQ(javaCompare(Value::ofString("x"), Value::ofBool(false)), 0);
  EXPECT_EQ(javaCompare(Value::ofBool(true), Value::ofString("true")), std::nullopt);
  EXPECT_EQ(javaCompare(Value::ofBool(true), Value::ofInt(1)), -1);
  EXPECT_EQ(javaCompare(Value::ofInt(1), Value::ofBool(true)), -1);
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(javaDoubleCompare(nan, nan), 0);
  EXPECT_EQ(javaDoubleCompare(nan, std::numeric_limits<double>::infinity()), 1);
  EXPECT_EQ(javaDoubleCompare(-0.0, 0.0), -1);
  EXPECT_TRUE(javaEquals(Value::ofDouble(nan), Value::ofDouble(nan)));
  EXPECT_FALSE(javaEquals(Value::ofDouble(0.0), Value::ofDouble(-0.0)));
  EXPECT_FALSE(javaEquals(Value::ofInt(1), Value::ofLong(1)));
}

}  // namespace
}  // namespace rmq::broker::sql92
