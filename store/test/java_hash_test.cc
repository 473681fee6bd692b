#include "store/java_hash.h"

#include <gtest/gtest.h>

#include "store/config/java_map_order.h"

namespace rmq::store {
namespace {

// Expected values are what Java's "...".hashCode() returns.
TEST(JavaStringHashCode, MatchesJavaForAscii) {
  EXPECT_EQ(javaStringHashCode(""), 0);
  EXPECT_EQ(javaStringHashCode("a"), 97);
  EXPECT_EQ(javaStringHashCode("hello"), 99162322);
  EXPECT_EQ(javaStringHashCode("TagA"), 2598919);
  EXPECT_EQ(javaStringHashCode("TagBatch"), -726516768);
  EXPECT_EQ(javaStringHashCode("polygenelubricants"), INT32_MIN);  // wraps to MIN_VALUE
  EXPECT_EQ(javaStringHashCode("Aa"), javaStringHashCode("BB"));   // the classic collision
}

TEST(JavaStringHashCode, HashesUtf16CodeUnitsNotUtf8Bytes) {
  EXPECT_EQ(javaStringHashCode("\xc3\xa9"), 233);  // U+00E9 is one code unit
  EXPECT_EQ(javaStringHashCode("h\xc3\xa9llo w\xc3\xb6rld"), 1628148953);
  // U+1F600 is the surrogate pair D83D DE00.
  EXPECT_EQ(javaStringHashCode("\xf0\x9f\x98\x80"), 1772899);
}

TEST(JavaStringHashCode, MalformedUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(javaStringHashCode("\xff"), 65533);
  EXPECT_EQ(javaStringHashCode("\xe2\x82"), 65533);        // truncated 3-byte sequence: one U+FFFD
  EXPECT_EQ(javaStringHashCode("\xe2\x82\x41"), 2031588);  // "\xe2\x82" then 'A'
  EXPECT_EQ(javaStringHashCode("\x41\xc0\x42"), 2094054);  // C0 is never valid
  // An encoded surrogate is one U+FFFD for the whole sequence (JDK behaviour), also when cut.
  EXPECT_EQ(javaStringHashCode("\xed\xa0\x80"), 65533);
  EXPECT_EQ(javaStringHashCode("\xed\xa0"), 65533);
  // A lead byte whose next byte cannot continue it covers only itself.
  EXPECT_EQ(javaStringHashCode("\xe0\x80"), static_cast<int32_t>(65533u * 31u + 65533u));
}

TEST(JavaMapOrder, TableGrowsAtThreeQuarters) {
  using config::javaHashTableSize;
  EXPECT_EQ(javaHashTableSize(0, 16), 16u);
  EXPECT_EQ(javaHashTableSize(11, 16), 16u);
  EXPECT_EQ(javaHashTableSize(12, 16), 32u);
  EXPECT_EQ(javaHashTableSize(1535, 2048), 2048u);
  EXPECT_EQ(javaHashTableSize(1536, 2048), 4096u);
}

TEST(JavaMapOrder, SortsByBucketAndKeepsInsertionOrderInsideABucket) {
  // Buckets with table 16: 17 -> 1, 1 -> 1, 3 -> 3, 0 -> 0. 17 and 1 share bucket 1.
  std::vector<int32_t> hashes = {3, 17, 0, 1};
  auto order = config::javaHashIterationOrder(hashes, 16);
  EXPECT_EQ(order, (std::vector<size_t>{2, 1, 3, 0}));
  // The high half is folded in: 0x10000 spreads to 0x10001, bucket 1 of 16.
  hashes = {2, 0x10000};
  EXPECT_EQ(config::javaHashIterationOrder(hashes, 16), (std::vector<size_t>{1, 0}));
}

}  // namespace
}  // namespace rmq::store
