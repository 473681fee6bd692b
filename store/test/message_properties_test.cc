#include "store/message_properties.h"

#include <gtest/gtest.h>

namespace rmq::store {
namespace {

using namespace std::string_literals;

TEST(PropertiesParse, SplitsNameValuePairs) {
  auto props = parseProperties(
      "KEYS\x01k1 k2\x02TAGS\x01TagA\x02UNIQ_KEY\x01"
      "ABC");
  ASSERT_EQ(props.size(), 3u);
  EXPECT_EQ(props[0], (Property{"KEYS", "k1 k2"}));
  EXPECT_EQ(props[1], (Property{"TAGS", "TagA"}));
  EXPECT_EQ(props[2], (Property{"UNIQ_KEY", "ABC"}));
}

TEST(PropertiesParse, FollowsJavaRulesForBrokenSegments) {
  // Empty string, lone separators, a trailing 0x02.
  EXPECT_TRUE(parseProperties("").empty());
  EXPECT_TRUE(parseProperties("\x02\x02").empty());
  EXPECT_EQ(parseProperties("a\x01"
                            "b\x02")
                .size(),
            1u);
  // Empty value and empty name are dropped; so is a segment without 0x01.
  auto props = parseProperties(
      "e\x01\x02\x01v\x02noseparator\x02ok\x01"
      "1");
  ASSERT_EQ(props.size(), 1u);
  EXPECT_EQ(props[0], (Property{"ok", "1"}));
  // The first 0x01 splits; the value keeps later ones.
  props = parseProperties("n\x01v\x01w");
  ASSERT_EQ(props.size(), 1u);
  EXPECT_EQ(props[0].value, "v\x01w");
  // A 0x01 of a later segment must not pair with an earlier segment.
  props = parseProperties(
      "abc\x02"
      "d\x01"
      "e");
  ASSERT_EQ(props.size(), 1u);
  EXPECT_EQ(props[0], (Property{"d", "e"}));
  // A segment that is only "n\x01" (value empty) is dropped even at the end.
  EXPECT_TRUE(parseProperties("n\x01").empty());
}

TEST(PropertiesParse, DuplicatesAreKeptAndTheLastWinsOnLookup) {
  std::string s =
      "WAIT\x01true\x02TAGS\x01t\x02WAIT\x01"
      "false";
  EXPECT_EQ(parseProperties(s).size(), 3u);
  EXPECT_EQ(findProperty(s, "WAIT"), "false");
  EXPECT_EQ(findProperty(s, "TAGS"), "t");
  EXPECT_FALSE(findProperty(s, "KEYS").has_value());
  EXPECT_FALSE(findProperty(s, "WAI").has_value());
}

TEST(PropertiesEncode, WritesJavaLayoutWithoutTrailingSeparator) {
  std::vector<Property> props = {{"a", "1"}, {"b", ""}, {"c", "3"}};
  std::string s = encodeProperties(props);
  EXPECT_EQ(s,
            "a\x01"
            "1\x02"
            "b\x01\x02"
            "c\x01"
            "3"s);
  EXPECT_EQ(encodedPropertiesLength(props), s.size());
  EXPECT_EQ(encodeProperties({}), "");
  EXPECT_EQ(encodedPropertiesLength({}), 0u);
  // The empty value is written but not read back (Java behaviour).
  EXPECT_EQ(parseProperties(s).size(), 2u);
}

TEST(PropertiesJoin, InsertsOneSeparatorOnlyWhenNeeded) {
  auto joined = [](std::string_view a, std::string_view b) {
    std::string out(joinedPropertiesLength(a, b), '?');
    writeJoinedProperties(a, b, out.data());
    return out;
  };
  EXPECT_EQ(joined("a\x01"
                   "1",
                   "b\x01"
                   "2"),
            "a\x01"
            "1\x02"
            "b\x01"
            "2");
  EXPECT_EQ(joined("a\x01"
                   "1\x02",
                   "b\x01"
                   "2"),
            "a\x01"
            "1\x02"
            "b\x01"
            "2");
  EXPECT_EQ(joined("",
                   "b\x01"
                   "2"),
            "b\x01"
            "2");
  EXPECT_EQ(joined("a\x01"
                   "1",
                   ""),
            "a\x01"
            "1");
  EXPECT_EQ(joined("", ""), "");
}

TEST(Tags, ExtractsTagsAndComputesTagsCode) {
  EXPECT_EQ(tagsOf("TAGS\x01TagA\x02KEYS\x01k"), "TagA");
  EXPECT_EQ(tagsOf("KEYS\x01k"), "");
  EXPECT_EQ(tagsCodeOf(""), 0);
  EXPECT_EQ(tagsCodeOf("TagA"), 2598919);
  // A negative hash is sign-extended, as Java's (long) int conversion does.
  EXPECT_EQ(tagsCodeOf("TagBatch"), -726516768LL);
  // The whole TAGS value is hashed, even if it looks like an expression.
  EXPECT_EQ(tagsCodeOf("TagA || TagB"), 1359775119);
}

TEST(Keys, SplitsOnSpacesAndDropsEmptyTokens) {
  EXPECT_EQ(splitKeys("A-1 KA1"), (std::vector<std::string_view>{"A-1", "KA1"}));
  EXPECT_EQ(splitKeys("  a  b "), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_TRUE(splitKeys("").empty());
  EXPECT_TRUE(splitKeys("   ").empty());
}

}  // namespace
}  // namespace rmq::store
