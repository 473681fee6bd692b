#include "store/batch_body.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/byte_io.h"

namespace rmq::store {
namespace {

// Appends one entry the way the Java client packs it (TOTALSIZE, MAGIC 0, CRC 0, ...).
void appendEntry(std::vector<uint8_t>& out, int32_t flag, const std::string& body,
                 const std::string& props) {
  size_t at = out.size();
  out.resize(at + 22 + body.size() + props.size());
  uint8_t* p = out.data() + at;
  storeI32(p, static_cast<int32_t>(22 + body.size() + props.size()));
  storeI32(p + 4, 0);
  storeI32(p + 8, 0);
  storeI32(p + 12, flag);
  storeI32(p + 16, static_cast<int32_t>(body.size()));
  std::copy(body.begin(), body.end(), p + 20);
  storeI16(p + 20 + body.size(), static_cast<int16_t>(props.size()));
  std::copy(props.begin(), props.end(), p + 22 + body.size());
}

// Entry sizes of sampleBatch(): 48, 22, 41.
constexpr size_t kFirstEnd = 48;
constexpr size_t kSecondEnd = 70;

std::vector<uint8_t> sampleBatch() {
  std::vector<uint8_t> b;
  appendEntry(b, 1, "body-0",
              "UNIQ_KEY\x01"
              "A\x02WAIT\x01true");
  appendEntry(b, 2, "", "");
  appendEntry(b, 3, "body-2", "TAGS\x01TagBatch");
  return b;
}

TEST(BatchBody, DecodesEveryEntryAsViews) {
  auto body = sampleBatch();
  std::vector<BatchEntry> entries;
  Status s = decodeBatchBody(body, entries);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].flag, 1);
  EXPECT_EQ(std::string(entries[0].body.begin(), entries[0].body.end()), "body-0");
  EXPECT_EQ(entries[0].properties,
            "UNIQ_KEY\x01"
            "A\x02WAIT\x01true");
  EXPECT_EQ(entries[0].declaredTotalSize, 22 + 6 + 20);
  EXPECT_EQ(entries[0].body.data(), body.data() + 20);
  EXPECT_TRUE(entries[1].body.empty());
  EXPECT_TRUE(entries[1].properties.empty());
  EXPECT_EQ(entries[2].flag, 3);
  EXPECT_EQ(entries[2].properties, "TAGS\x01TagBatch");
  BatchDecodeOptions strict;
  strict.checkDeclaredTotalSize = true;
  EXPECT_TRUE(decodeBatchBody(body, entries, strict).ok());
}

TEST(BatchBody, IgnoresTotalSizeMagicAndCrcLikeJava) {
  auto body = sampleBatch();
  storeI32(body.data(), 999);
  storeI32(body.data() + 4, -1);
  storeI32(body.data() + 8, 12345);
  std::vector<BatchEntry> entries;
  ASSERT_TRUE(decodeBatchBody(body, entries).ok());
  EXPECT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].magicCode, -1);
  BatchDecodeOptions strict;
  strict.checkDeclaredTotalSize = true;
  EXPECT_FALSE(decodeBatchBody(body, entries, strict).ok());
  EXPECT_TRUE(entries.empty());
}

void expectBad(const std::vector<uint8_t>& body) {
  std::vector<BatchEntry> entries(1);
  EXPECT_FALSE(decodeBatchBody(body, entries).ok());
  EXPECT_TRUE(entries.empty());  // all or nothing
}

TEST(BatchBody, RejectsMalformedBodies) {
  expectBad({});
  const auto good = sampleBatch();
  // Every truncation except at an entry boundary fails.
  ASSERT_EQ(good.size(), kSecondEnd + 41);
  std::vector<size_t> boundaries = {0, kFirstEnd, kSecondEnd, good.size()};
  for (size_t n = 1; n < good.size(); ++n) {
    if (std::find(boundaries.begin(), boundaries.end(), n) != boundaries.end()) continue;
    expectBad(std::vector<uint8_t>(good.begin(), good.begin() + n));
  }
  auto bad = good;
  storeI32(bad.data() + 16, -1);  // negative body length
  expectBad(bad);
  bad = good;
  storeI32(bad.data() + 16, INT32_MAX);
  expectBad(bad);
  bad = good;
  storeI16(bad.data() + 26, -2);  // negative properties length
  expectBad(bad);
  bad = good;
  storeI16(bad.data() + 26, 0x7FFF);
  expectBad(bad);
  bad = good;
  bad.push_back(0);  // trailing bytes too short for another entry
  expectBad(bad);
}

TEST(BatchBody, AcceptsEntryBoundaryPrefixes) {
  const auto good = sampleBatch();
  std::vector<BatchEntry> entries;
  ASSERT_TRUE(decodeBatchBody(std::span(good).first(kFirstEnd), entries).ok());
  EXPECT_EQ(entries.size(), 1u);
  ASSERT_TRUE(decodeBatchBody(std::span(good).first(kSecondEnd), entries).ok());
  EXPECT_EQ(entries.size(), 2u);
}

}  // namespace
}  // namespace rmq::store
