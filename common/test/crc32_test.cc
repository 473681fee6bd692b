// The folded CRC must equal zlib's for every length (bulk + tail split points), alignment and
// starting value.
#include "common/crc32.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace rmq {
namespace {

TEST(Crc32, KnownValues) {
  EXPECT_EQ(crc32(0, "", 0), 0u);
  EXPECT_EQ(crc32(0, "123456789", 9), 0xCBF43926u);  // the CRC-32/IEEE check value
  std::string a(1000, 'a');
  EXPECT_EQ(crc32(0, a.data(), a.size()), crc32Portable(0, a.data(), a.size()));
}

TEST(Crc32, MatchesZlibForEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::vector<uint8_t> buf(4096 + 64);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  for (size_t len = 0; len <= 4096; ++len) {
    const size_t align = len % 13;
    const uint32_t seed = len % 3 == 0 ? 0 : static_cast<uint32_t>(rng());
    ASSERT_EQ(crc32(seed, buf.data() + align, len), crc32Portable(seed, buf.data() + align, len))
        << "length " << len << " offset " << align;
  }
}

TEST(Crc32, ContinuesAcrossCalls) {
  std::vector<uint8_t> buf(100000);
  std::mt19937 rng(11);
  for (auto& b : buf) b = static_cast<uint8_t>(rng());
  uint32_t whole = crc32(0, buf.data(), buf.size());
  uint32_t parts = crc32(0, buf.data(), 777);
  parts = crc32(parts, buf.data() + 777, buf.size() - 777);
  EXPECT_EQ(whole, parts);
  EXPECT_EQ(whole, crc32Portable(0, buf.data(), buf.size()));
}

}  // namespace
}  // namespace rmq
