#include "common/json.h"

#include <gtest/gtest.h>

namespace rmq::json {
namespace {

TEST(JsonWriter, WritesCompactJsonWithBareKeys) {
  std::string out;
  JsonWriter w(out);
  w.beginObject();
  w.key("brokerAddrs").beginObject().rawKey("0").value("127.0.0.1:10911").endObject();
  w.member("n", int64_t{-5}).member("ok", true);
  w.key("list").beginArray().value("a").value("b").endArray();
  w.endObject();
  EXPECT_EQ(out, R"({"brokerAddrs":{0:"127.0.0.1:10911"},"n":-5,"ok":true,"list":["a","b"]})");
}

TEST(JsonWriter, EscapesLikeFastjson) {
  std::string out;
  appendQuoted(out, std::string("a\x01"
                                "b\"\\\n\x7f",
                                7));
  EXPECT_EQ(out, "\"a\\u0001b\\\"\\\\\\n\\u007f\"");
  out.clear();
  appendQuoted(out, "\xc3\xa9\xf0\x9f\x98\x80", true);
  EXPECT_EQ(out, "\"\\u00e9\\ud83d\\ude00\"");
}

TEST(LenientJson, AcceptsBareNumericAndObjectKeys) {
  rapidjson::Document doc;
  ASSERT_TRUE(
      parseLenientJson(
          R"({"offsetTable":{{"brokerName":"b","queueId":0,"topic":"t"}:12},"m":{0:"x",-1:'y'}})",
          doc)
          .ok());
  const auto& table = doc["offsetTable"];
  ASSERT_TRUE(table.IsObject());
  auto it = table.MemberBegin();
  EXPECT_EQ(std::string(it->name.GetString()), R"({"brokerName":"b","queueId":0,"topic":"t"})");
  EXPECT_EQ(it->value.GetInt(), 12);
  EXPECT_STREQ(doc["m"]["0"].GetString(), "x");
  EXPECT_STREQ(doc["m"]["-1"].GetString(), "y");
}

TEST(LenientJson, RejectsGarbage) {
  rapidjson::Document doc;
  EXPECT_FALSE(parseLenientJson("{\"a\":", doc).ok());
  EXPECT_FALSE(parseLenientJson("{\"a\":1}}", doc).ok());
  EXPECT_FALSE(parseLenientJson("{\"a\" 1}", doc).ok());
  std::string deep(1000, '[');
  EXPECT_FALSE(parseLenientJson(deep, doc).ok());
}

TEST(LenientJson, LooseTypedAccessors) {
  rapidjson::Document doc;
  ASSERT_TRUE(parseLenientJson(R"({"a":"12","b":7,"c":"true","d":false})", doc).ok());
  int64_t v = 0;
  EXPECT_TRUE(getInt64(doc, "a", v));
  EXPECT_EQ(v, 12);
  EXPECT_TRUE(getInt64(doc, "b", v));
  EXPECT_EQ(v, 7);
  bool b = false;
  EXPECT_TRUE(getBool(doc, "c", b));
  EXPECT_TRUE(b);
  EXPECT_TRUE(getBool(doc, "d", b));
  EXPECT_FALSE(b);
  EXPECT_FALSE(getInt64(doc, "missing", v));
}

}  // namespace
}  // namespace rmq::json
