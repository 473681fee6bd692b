#include "store/message_id.h"

#include <gtest/gtest.h>

namespace rmq::store {
namespace {

TEST(OffsetMsgId, EncodesIpv4StoreHostAndOffsetAsUpperHex) {
  // As the Java broker answers for 127.0.0.1:42911 at offsets 0 and 2366.
  HostAddress h = HostAddress::ipv4(127, 0, 0, 1, 42911);
  EXPECT_EQ(offsetMsgId(h, 0), "7F0000010000A79F0000000000000000");
  EXPECT_EQ(offsetMsgId(h, 2366), "7F0000010000A79F000000000000093E");
  char buf[56];
  EXPECT_EQ(writeOffsetMsgId(h, 2366, buf), 32u);
}

TEST(OffsetMsgId, DecodesBothCasesAndBothFamilies) {
  HostAddress h;
  int64_t off = 0;
  ASSERT_TRUE(decodeOffsetMsgId("7f0000010000a79f000000000011ca27", h, off).ok());
  EXPECT_EQ(h, HostAddress::ipv4(127, 0, 0, 1, 42911));
  EXPECT_EQ(off, 1165863);

  std::array<uint8_t, 16> v6{};
  v6[0] = 0xFE, v6[1] = 0x80, v6[15] = 0x42;
  HostAddress h6 = HostAddress::ipv6Address(v6, 10911);
  std::string id = offsetMsgId(h6, INT64_MAX);
  EXPECT_EQ(id.size(), 56u);
  EXPECT_EQ(id,
            "FE800000000000000000000000000042"
            "00002A9F"
            "7FFFFFFFFFFFFFFF");
  ASSERT_TRUE(decodeOffsetMsgId(id, h, off).ok());
  EXPECT_EQ(h, h6);
  EXPECT_EQ(off, INT64_MAX);
}

TEST(OffsetMsgId, RejectsBadIds) {
  HostAddress h;
  int64_t off = 0;
  EXPECT_FALSE(decodeOffsetMsgId("", h, off).ok());
  EXPECT_FALSE(decodeOffsetMsgId("7F0000010000A79F000000000000093", h, off).ok());
  EXPECT_FALSE(decodeOffsetMsgId("7F0000010000A79F000000000000093EE", h, off).ok());
  EXPECT_FALSE(decodeOffsetMsgId("7G0000010000A79F000000000000093E", h, off).ok());
}

TEST(UniqKey, DecodesTheJavaClientLayout) {
  UniqKeyFields f;
  ASSERT_TRUE(decodeUniqKey("C00002026B1630946E0979B469DE0007", f).ok());
  EXPECT_FALSE(f.ipv6);
  EXPECT_EQ(f.ip[0], 192);
  EXPECT_EQ(f.ip[1], 0);
  EXPECT_EQ(f.ip[2], 2);
  EXPECT_EQ(f.ip[3], 2);
  EXPECT_EQ(f.pid, 0x6B16);
  EXPECT_EQ(f.classLoaderHash, 0x30946E09);
  EXPECT_EQ(f.millisInMonth, 0x79B469DE);
  EXPECT_EQ(f.counter, 7);

  std::string v6(32, '0');
  v6[1] = '1';
  v6 +=
      "FFFF"
      "80000000"
      "00000001"
      "FFFF";
  ASSERT_TRUE(decodeUniqKey(v6, f).ok());
  EXPECT_TRUE(f.ipv6);
  EXPECT_EQ(f.ip[0], 0x01);
  EXPECT_EQ(f.pid, 0xFFFF);
  EXPECT_EQ(f.classLoaderHash, INT32_MIN);
  EXPECT_EQ(f.millisInMonth, 1);
  EXPECT_EQ(f.counter, 0xFFFF);
}

TEST(UniqKey, RejectsOtherLayouts) {
  UniqKeyFields f;
  EXPECT_FALSE(decodeUniqKey("", f).ok());
  EXPECT_FALSE(decodeUniqKey("my-own-id", f).ok());
  EXPECT_FALSE(decodeUniqKey("C00002026B1630946E0979B469DE000", f).ok());
  EXPECT_FALSE(decodeUniqKey("Z00002026B1630946E0979B469DE0007", f).ok());
}

TEST(HostAddressText, FormatsAndParses) {
  HostAddress h = HostAddress::ipv4(127, 0, 0, 1, 37074);
  EXPECT_EQ(formatHostAddress(h), "127.0.0.1:37074");
  EXPECT_EQ(parseHostAddress("127.0.0.1:37074"), h);
  std::array<uint8_t, 16> v6{};
  v6[15] = 1;
  HostAddress h6 = HostAddress::ipv6Address(v6, 10911);
  EXPECT_EQ(formatHostAddress(h6), "[::1]:10911");
  EXPECT_EQ(parseHostAddress("[::1]:10911"), h6);
  EXPECT_FALSE(parseHostAddress("127.0.0.1").has_value());
  EXPECT_FALSE(parseHostAddress("::1:10911").has_value());
  EXPECT_FALSE(parseHostAddress("127.0.0.1:x").has_value());
}

}  // namespace
}  // namespace rmq::store
