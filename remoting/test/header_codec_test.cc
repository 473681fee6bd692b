#include "remoting/header_codec.h"

#include <gtest/gtest.h>

#include "remoting/frame_codec.h"

namespace rmq::remoting {
namespace {

std::string hex(const std::string& bytes) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(d[c >> 4]);
    out.push_back(d[c & 15]);
  }
  return out;
}

RemotingCommand routeRequest(SerializeType type) {
  RemotingCommand cmd;
  cmd.code = 105;
  cmd.language = LanguageCode::JAVA;
  cmd.version = 409;
  cmd.opaque = 1;
  cmd.serializeType = type;
  cmd.addExt("topic", "T");
  return cmd;
}

// The worked example of shared protocol remoting.md section 2.
TEST(HeaderCodec, RocketMQExampleIsByteExact) {
  std::string frame = encodeFrame(routeRequest(SerializeType::ROCKETMQ));
  EXPECT_EQ(hex(frame),
            "00000025"
            "01000021"
            "0069"
            "00"
            "0199"
            "00000001"
            "00000000"
            "00000000"
            "0000000c"
            "0005"
            "746f706963"
            "00000001"
            "54");
}

TEST(HeaderCodec, JsonExampleMatchesJava) {
  std::string frame = encodeFrame(routeRequest(SerializeType::JSON));
  EXPECT_EQ(hex(frame.substr(0, 8)), "0000007f0000007b");
  EXPECT_EQ(
      frame.substr(8),
      R"({"code":105,"extFields":{"topic":"T"},"flag":0,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON","version":409})");
}

TEST(HeaderCodec, JsonAcceptsUnquotedValuesAndAnyOrder) {
  // ali-ons style: numbers and booleans unquoted in extFields, its own key order.
  RemotingCommand cmd;
  ASSERT_TRUE(
      decodeJsonHeader(
          R"({"code":11,"language":"JAVA","opaque":7,"flag":0,"version":121,"extFields":{"queueId":0,"unitMode":false,"commitOffset":1700000000000,"n":null,"s":"a\u0001b\ud83d\ude00"}})",
          cmd)
          .ok());
  EXPECT_EQ(cmd.code, 11);
  EXPECT_EQ(cmd.opaque, 7);
  EXPECT_EQ(cmd.version, 121);
  EXPECT_EQ(cmd.ext.get("queueId").value(), "0");
  EXPECT_EQ(cmd.ext.get("unitMode").value(), "false");
  EXPECT_EQ(cmd.ext.get("commitOffset").value(), "1700000000000");
  EXPECT_FALSE(cmd.ext.contains("n"));
  EXPECT_EQ(cmd.ext.get("s").value(),
            "a\x01"
            "b\xf0\x9f\x98\x80");
  EXPECT_FALSE(cmd.remark.has_value());
}

TEST(HeaderCodec, JsonToleratesMissingMembersAndUnknownOnes) {
  RemotingCommand cmd;
  ASSERT_TRUE(decodeJsonHeader(R"({"code":105,"x":{"y":[1,{"z":2}]},"remark":null})", cmd).ok());
  EXPECT_EQ(cmd.code, 105);
  EXPECT_EQ(cmd.flag, 0);
  EXPECT_EQ(cmd.version, 0);
  EXPECT_FALSE(cmd.hasExtFields);
  EXPECT_EQ(cmd.language, LanguageCode::JAVA);
  ASSERT_TRUE(decodeJsonHeader(R"({"code":1,"language":"KLINGON"})", cmd).ok());
  EXPECT_EQ(cmd.language, LanguageCode::OTHER);
}

TEST(HeaderCodec, JsonRejectsMalformed) {
  RemotingCommand cmd;
  EXPECT_FALSE(decodeJsonHeader("", cmd).ok());
  EXPECT_FALSE(decodeJsonHeader("[1]", cmd).ok());
  EXPECT_FALSE(decodeJsonHeader("{\"code\":", cmd).ok());
  EXPECT_FALSE(decodeJsonHeader("{\"code\":1.5}", cmd).ok());
  EXPECT_FALSE(decodeJsonHeader("{\"flag\":0}", cmd).ok());
  EXPECT_FALSE(decodeJsonHeader("{\"code\":1} x", cmd).ok());
}

// Java decodes the header bytes leniently (an invalid UTF-8 sequence becomes U+FFFD) and serves
// the request; we accept it too and pass the bytes through unchanged rather than drop the
// connection.
TEST(HeaderCodec, JsonPassesInvalidUtf8Through) {
  RemotingCommand cmd;
  ASSERT_TRUE(
      decodeJsonHeader("{\"code\":1,\"remark\":\"a\xff\",\"extFields\":{\"k\":\"\xc3\"}}", cmd)
          .ok());
  EXPECT_EQ(cmd.remark.value(), "a\xff");
  EXPECT_EQ(cmd.ext.get("k").value_or(""), "\xc3");
}

TEST(HeaderCodec, RocketMQRoundTripAndDuplicates) {
  RemotingCommand cmd = routeRequest(SerializeType::ROCKETMQ);
  cmd.remark = "hello";
  cmd.opaque = -3;
  cmd.flag = 3;
  cmd.addExt("k2", "");
  std::string header;
  encodeRocketMQHeader(cmd, header);
  RemotingCommand back;
  ASSERT_TRUE(decodeRocketMQHeader(header, back).ok());
  EXPECT_EQ(back.code, 105);
  EXPECT_EQ(back.opaque, -3);
  EXPECT_EQ(back.flag, 3);
  EXPECT_EQ(back.remark.value(), "hello");
  EXPECT_TRUE(back.ext == cmd.ext);

  // The same key twice: the last occurrence wins.
  std::string dup = header.substr(0, 13) + std::string("\0\0\0\0", 4);  // no remark
  std::string entries;
  auto entry = [&](const std::string& k, const std::string& v) {
    entries.push_back(0);
    entries.push_back(static_cast<char>(k.size()));
    entries += k;
    entries += std::string("\0\0\0", 3);
    entries.push_back(static_cast<char>(v.size()));
    entries += v;
  };
  entry("a", "1");
  entry("a", "2");
  dup += std::string("\0\0\0", 3);
  dup.push_back(static_cast<char>(entries.size()));
  dup += entries;
  ASSERT_TRUE(decodeRocketMQHeader(dup, back).ok());
  EXPECT_EQ(back.ext.size(), 1u);
  EXPECT_EQ(back.ext.get("a").value(), "2");
}

TEST(HeaderCodec, RocketMQRejectsBadLengths) {
  RemotingCommand cmd = routeRequest(SerializeType::ROCKETMQ);
  std::string header;
  encodeRocketMQHeader(cmd, header);
  RemotingCommand back;
  EXPECT_FALSE(decodeRocketMQHeader(header.substr(0, 20), back).ok());
  EXPECT_FALSE(decodeRocketMQHeader(header.substr(0, header.size() - 1), back).ok());
  std::string badRemark = header;
  badRemark[13] = '\x7f';  // remark length far beyond the header
  EXPECT_FALSE(decodeRocketMQHeader(badRemark, back).ok());
  std::string negative = header;
  negative[13] = '\xff';
  EXPECT_FALSE(decodeRocketMQHeader(negative, back).ok());
  std::string badKey = header;
  badKey[21] = '\x7f';
  EXPECT_FALSE(decodeRocketMQHeader(badKey, back).ok());
}

}  // namespace
}  // namespace rmq::remoting

namespace rmq::remoting {
namespace {

// A key repeated in extFields keeps its last value (Java's HashMap), whether or not other keys
// share its first byte; escapes are decoded in place.
TEST(HeaderCodec, JsonRepeatedExtKeysKeepTheLastValue) {
  RemotingCommand cmd;
  ASSERT_TRUE(
      decodeJsonHeader(
          R"({"code":10,"extFields":{"a":"1","ab":"x","a":"22","b":"\u0001\n\"","ab":"y","a":"333"}})",
          cmd)
          .ok());
  EXPECT_EQ(cmd.ext.size(), 3u);
  EXPECT_EQ(cmd.ext.get("a").value_or(""), "333");
  EXPECT_EQ(cmd.ext.get("ab").value_or(""), "y");
  EXPECT_EQ(cmd.ext.get("b").value_or(""), std::string("\x01\n\"", 3));
  // A second decode into the same command starts from scratch.
  ASSERT_TRUE(decodeJsonHeader(R"({"code":11,"extFields":{"a":"9"}})", cmd).ok());
  EXPECT_EQ(cmd.ext.size(), 1u);
  EXPECT_EQ(cmd.ext.get("a").value_or(""), "9");
}

}  // namespace
}  // namespace rmq::remoting

namespace rmq::remoting {
namespace {

// The JSON grammar the header decoder accepts is strict JSON (what rapidjson accepted before).
TEST(HeaderCodec, JsonGrammarEdges) {
  RemotingCommand cmd;
  // Escapes, a surrogate pair, a raw UTF-8 byte sequence, nested members that are ignored.
  ASSERT_TRUE(
      decodeJsonHeader(
          R"( {"code":1, "x":{"a":[1,{"b":null}],"c":"\u00e9"}, "extFields":{"k":"a\/b\\c\td\u00e9\ud83d\ude00","n":-1.5e+3,"t":true,"z":null,"o":{"deep":[[]]}},"remark":"caf)"
          "\xc3\xa9"
          R"("} )",
          cmd)
          .ok());
  EXPECT_EQ(cmd.ext.get("k").value_or(""), "a/b\\c\td\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(cmd.ext.get("n").value_or(""), "-1.5e+3");
  EXPECT_EQ(cmd.ext.get("t").value_or(""), "true");
  EXPECT_FALSE(cmd.ext.contains("z"));
  EXPECT_FALSE(cmd.ext.contains("o"));
  EXPECT_EQ(cmd.remark.value_or(""), "caf\xc3\xa9");
  // Trailing NUL padding is accepted, other trailing bytes are not.
  EXPECT_TRUE(decodeJsonHeader(std::string("{\"code\":1}\0\0", 12), cmd).ok());
  const char* bad[] = {
      R"({"code":01})",                            // leading zero
      R"({"code":1,})",                            // trailing comma
      R"({"code":1 "flag":0})",                    // missing comma
      R"({"code":-})",                             // bare minus
      R"({"code":1.})",                            // fraction without digits
      R"({"code":1e})",                            // exponent without digits
      R"({"code":1,"extFields":{"k":"\x"}})",      // unknown escape
      R"({"code":1,"extFields":{"k":"\ud83d"}})",  // high surrogate alone
      R"({"code":1,"extFields":{"k":"\u12"}})",    // short \u escape
      R"({"code":1,"extFields":{"k":tru}})",       // broken literal
      R"({"code":1,"extFields":{k:"v"}})",         // unquoted name
      R"({"code":1,"extFields":{"k":"v"})",        // unclosed object
      R"({"code":1,"extFields":{"k":"v)",          // unclosed string
      R"({"code":1,"x":[1,2})",                    // mismatched bracket
  };
  for (const char* b : bad) EXPECT_FALSE(decodeJsonHeader(b, cmd).ok()) << b;
  // A raw control byte inside a string is refused.
  EXPECT_FALSE(decodeJsonHeader(std::string("{\"code\":1,\"remark\":\"a\x01\"}"), cmd).ok());
  // Nesting deeper than any header has is refused rather than recursed into without bound.
  std::string deep = "{\"code\":1,\"x\":" + std::string(200, '[') + std::string(200, ']') + "}";
  EXPECT_FALSE(decodeJsonHeader(deep, cmd).ok());
  std::string shallow = "{\"code\":1,\"x\":" + std::string(20, '[') + std::string(20, ']') + "}";
  EXPECT_TRUE(decodeJsonHeader(shallow, cmd).ok());
}

}  // namespace
}  // namespace rmq::remoting
