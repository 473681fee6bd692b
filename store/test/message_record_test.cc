#include "store/message_record.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "store/byte_io.h"
#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::store {
namespace {

using namespace std::string_literals;

const std::string kBody = "hello body";
const std::string kTopic = "TopicTest";
const std::string kProps =
    "KEYS\x01k1\x02TAGS\x01TagA\x02UNIQ_KEY\x01"
    "C0A80001";

MessageToStore sampleMessage() {
  MessageToStore m;
  m.topic = kTopic;
  m.queueId = 3;
  m.flag = 7;
  m.body = asBytes(kBody);
  m.properties = kProps;
  m.sysFlag = sysflag::kCompressed | sysflag::kCompressionZlib;
  m.bornTimestamp = 1700000000123;
  m.bornHost = HostAddress::ipv4(10, 0, 0, 1, 54321);
  m.storeHost = HostAddress::ipv4(127, 0, 0, 1, 10911);
  m.reconsumeTimes = 2;
  m.preparedTransactionOffset = 4242;
  return m;
}

const RecordPlacement kPlacement{5, 1048576, 1700000000456};

std::vector<uint8_t> encode(const MessageToStore& m, const RecordPlacement& p = kPlacement) {
  std::vector<uint8_t> buf(recordLength(m));
  size_t written = 0;
  Status s = encodeRecord(m, p, buf, &written);
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(written, buf.size());
  return buf;
}

TEST(BodyCrc, IsZlibCrc32WithTheSignBitCleared) {
  // CRC-32 check value of "123456789" is 0xCBF43926; Java stores it masked with 0x7FFFFFFF.
  EXPECT_EQ(bodyCrc(asBytes("123456789")), 0x4BF43926);
  EXPECT_EQ(bodyCrc({}), 0);
}

TEST(RecordEncode, LengthFormulaAndFixedOffsets) {
  MessageToStore m = sampleMessage();
  EXPECT_EQ(recordLength(m), 91 + kBody.size() + kTopic.size() + kProps.size());
  auto buf = encode(m);
  const uint8_t* p = buf.data();
  EXPECT_EQ(loadI32(p + 0), static_cast<int32_t>(buf.size()));
  // The magic is stored big-endian: DA A3 20 A7.
  EXPECT_EQ(p[4], 0xDA);
  EXPECT_EQ(p[5], 0xA3);
  EXPECT_EQ(p[6], 0x20);
  EXPECT_EQ(p[7], 0xA7);
  EXPECT_EQ(loadI32(p + 8), bodyCrc(asBytes(kBody)));
  EXPECT_EQ(loadI32(p + 12), 3);
  EXPECT_EQ(loadI32(p + 16), 7);
  EXPECT_EQ(loadI64(p + 20), 5);
  EXPECT_EQ(loadI64(p + 28), 1048576);
  EXPECT_EQ(loadI32(p + 36), 0x301);
  EXPECT_EQ(loadI64(p + 40), 1700000000123);
  EXPECT_EQ(p[48], 10);
  EXPECT_EQ(loadI32(p + 52), 54321);
  EXPECT_EQ(loadI64(p + 56), 1700000000456);
  EXPECT_EQ(p[64], 127);
  EXPECT_EQ(loadI32(p + 68), 10911);
  EXPECT_EQ(loadI32(p + 72), 2);
  EXPECT_EQ(loadI64(p + 76), 4242);
  EXPECT_EQ(loadI32(p + 84), static_cast<int32_t>(kBody.size()));
  EXPECT_EQ(std::string(buf.begin() + 88, buf.begin() + 88 + kBody.size()), kBody);
  size_t t = 88 + kBody.size();
  EXPECT_EQ(p[t], kTopic.size());
  EXPECT_EQ(std::string(buf.begin() + t + 1, buf.begin() + t + 1 + kTopic.size()), kTopic);
  size_t pl = t + 1 + kTopic.size();
  EXPECT_EQ(loadI16(p + pl), static_cast<int16_t>(kProps.size()));
  EXPECT_EQ(std::string(buf.begin() + pl + 2, buf.end()), kProps);
}

TEST(RecordEncode, RoundTripsThroughTheDecoderWithViews) {
  auto buf = encode(sampleMessage());
  DecodedRecord r;
  Status s = decodeRecord(buf, r);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(r.kind, RecordKind::kMessage);
  EXPECT_EQ(r.totalSize, static_cast<int32_t>(buf.size()));
  EXPECT_EQ(r.magicCode, record::kMagicV1);
  EXPECT_EQ(r.queueId, 3);
  EXPECT_EQ(r.flag, 7);
  EXPECT_EQ(r.queueOffset, 5);
  EXPECT_EQ(r.physicalOffset, 1048576);
  EXPECT_EQ(r.sysFlag, 0x301);
  EXPECT_EQ(r.bornTimestamp, 1700000000123);
  EXPECT_EQ(r.bornHost, HostAddress::ipv4(10, 0, 0, 1, 54321));
  EXPECT_EQ(r.storeTimestamp, 1700000000456);
  EXPECT_EQ(r.storeHost, HostAddress::ipv4(127, 0, 0, 1, 10911));
  EXPECT_EQ(r.reconsumeTimes, 2);
  EXPECT_EQ(r.preparedTransactionOffset, 4242);
  EXPECT_EQ(asText(r.body), kBody);
  EXPECT_EQ(r.topic, kTopic);
  EXPECT_EQ(r.properties, kProps);
  // Views, not copies.
  EXPECT_EQ(r.body.data(), buf.data() + 88);
  EXPECT_EQ(r.bytes.data(), buf.data());
  EXPECT_EQ(r.bytes.size(), buf.size());
  // Re-encoding the decoded record reproduces the bytes.
  EXPECT_EQ(encode(toMessageToStore(r), placementOf(r)), buf);
  EXPECT_EQ(toMessageToStore(r).tagsCode, tagsCodeOf("TagA"));
}

TEST(RecordEncode, Ipv6HostsGrowTheRecordAndSetTheirFlags) {
  MessageToStore m = sampleMessage();
  std::array<uint8_t, 16> v6{};
  v6[0] = 0x20, v6[1] = 0x01, v6[15] = 0x01;
  m.bornHost = HostAddress::ipv6Address(v6, 1234);
  EXPECT_EQ(recordLength(m), 91 + 12 + kBody.size() + kTopic.size() + kProps.size());
  m.storeHost = HostAddress::ipv6Address(v6, 10911);
  EXPECT_EQ(recordLength(m), 91 + 24 + kBody.size() + kTopic.size() + kProps.size());
  auto buf = encode(m);
  EXPECT_EQ(loadI32(buf.data() + 36), 0x301 | sysflag::kBornHostV6 | sysflag::kStoreHostV6);
  // Store timestamp moves to 48 + 20.
  EXPECT_EQ(loadI64(buf.data() + record::storeTimestampOffset(20)), kPlacement.storeTimestamp);
  DecodedRecord r;
  ASSERT_TRUE(decodeRecord(buf, r).ok());
  EXPECT_TRUE(r.bornHost.ipv6);
  EXPECT_TRUE(r.storeHost.ipv6);
  EXPECT_EQ(r.bornHost.port, 1234);
  EXPECT_EQ(r.storeHost.ip, v6);
  EXPECT_EQ(asText(r.body), kBody);
  EXPECT_EQ(encode(toMessageToStore(r), placementOf(r)), buf);
}

TEST(RecordEncode, HostFlagsComeFromTheAddressesNotTheCaller) {
  MessageToStore m = sampleMessage();
  m.sysFlag = sysflag::kBornHostV6 | sysflag::kStoreHostV6 | sysflag::kTransactionCommit;
  EXPECT_EQ(storedSysFlag(m), sysflag::kTransactionCommit);
  auto buf = encode(m);
  DecodedRecord r;
  ASSERT_TRUE(decodeRecord(buf, r).ok());
  EXPECT_EQ(r.sysFlag, sysflag::kTransactionCommit);
}

TEST(RecordEncode, EmptyBodyTopicAndProperties) {
  MessageToStore m;
  EXPECT_EQ(recordLength(m), 91u);
  auto buf = encode(m);
  DecodedRecord r;
  ASSERT_TRUE(decodeRecord(buf, r).ok());
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(r.topic.empty());
  EXPECT_TRUE(r.properties.empty());
}

TEST(RecordEncode, JoinsBatchProperties) {
  MessageToStore m = sampleMessage();
  m.batchProperties =
      "CLUSTER\x01"
      "c\x02WAIT\x01true";
  auto buf = encode(m);
  DecodedRecord r;
  ASSERT_TRUE(decodeRecord(buf, r).ok());
  EXPECT_EQ(r.properties, kProps +
                              "\x02"
                              "CLUSTER\x01"
                              "c\x02WAIT\x01true");
}

TEST(RecordEncode, RejectsWhatV1CannotRepresent) {
  MessageToStore m = sampleMessage();
  std::string topic(128, 't');
  m.topic = topic;
  EXPECT_FALSE(validateRecord(m).ok());
  std::vector<uint8_t> buf(recordLength(m));
  EXPECT_FALSE(encodeRecord(m, kPlacement, buf, nullptr).ok());
  topic.resize(127);
  m.topic = topic;
  EXPECT_TRUE(validateRecord(m).ok());

  std::string props(32768, 'p');
  m.properties = props;
  EXPECT_FALSE(validateRecord(m).ok());
  props.resize(32767);
  m.properties = props;
  EXPECT_TRUE(validateRecord(m).ok());
  // The joined batch part counts against the same limit.
  m.batchProperties = "x";
  EXPECT_FALSE(validateRecord(m).ok());
}

TEST(RecordEncode, FailsOnASmallBuffer) {
  MessageToStore m = sampleMessage();
  std::vector<uint8_t> buf(recordLength(m) - 1);
  size_t written = 99;
  EXPECT_FALSE(encodeRecord(m, kPlacement, buf, &written).ok());
  EXPECT_EQ(written, 99u);
}

TEST(RecordEncode, PatchesPlacementInPlace) {
  MessageToStore m = sampleMessage();
  auto buf = encode(m, RecordPlacement{});
  RecordPlacement p{77, 123456789, 1700000009999};
  ASSERT_TRUE(patchRecordPlacement(buf, p).ok());
  EXPECT_EQ(buf, encode(m, p));
  // Same with an IPv6 born host, which moves the store timestamp.
  std::array<uint8_t, 16> v6{};
  v6[15] = 1;
  m.bornHost = HostAddress::ipv6Address(v6, 1);
  buf = encode(m, RecordPlacement{});
  ASSERT_TRUE(patchRecordPlacement(buf, p).ok());
  EXPECT_EQ(buf, encode(m, p));
  std::vector<uint8_t> tiny(10);
  EXPECT_FALSE(patchRecordPlacement(tiny, p).ok());
}

TEST(RecordDecode, BlankMarker) {
  std::vector<uint8_t> buf(64, 0);
  ASSERT_TRUE(encodeBlankMarker(buf, 64).ok());
  EXPECT_EQ(buf[4], 0xCB);
  EXPECT_EQ(buf[7], 0x94);
  DecodedRecord r;
  ASSERT_TRUE(decodeRecord(buf, r).ok());
  EXPECT_EQ(r.kind, RecordKind::kBlank);
  EXPECT_EQ(r.totalSize, 64);
  EXPECT_EQ(r.bytes.size(), 8u);
  std::vector<uint8_t> small(7);
  EXPECT_FALSE(encodeBlankMarker(small, 7).ok());
}

TEST(RecordDecode, ZeroBytesAreTheEndOfData) {
  DecodedRecord r;
  std::vector<uint8_t> zeros(100, 0);
  ASSERT_TRUE(decodeRecord(zeros, r).ok());
  EXPECT_EQ(r.kind, RecordKind::kEndOfData);
  ASSERT_TRUE(decodeRecord({}, r).ok());
  EXPECT_EQ(r.kind, RecordKind::kEndOfData);
  ASSERT_TRUE(decodeRecord(std::span(zeros).first(5), r).ok());
  EXPECT_EQ(r.kind, RecordKind::kEndOfData);
  // A short tail that is not zero cannot be anything Java wrote.
  zeros[2] = 1;
  EXPECT_FALSE(decodeRecord(std::span(zeros).first(5), r).ok());
  EXPECT_EQ(r.kind, RecordKind::kCorrupt);
  EXPECT_EQ(r.corruption, Corruption::kTruncated);
}

void expectCorrupt(std::span<const uint8_t> in, Corruption why, const DecodeOptions& o = {}) {
  DecodedRecord r;
  Status s = decodeRecord(in, r, o);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(r.kind, RecordKind::kCorrupt);
  EXPECT_EQ(r.corruption, why) << s.message();
}

TEST(RecordDecode, RejectsBadMagic) {
  auto buf = encode(sampleMessage());
  storeI32(buf.data() + 4, 0x12345678);
  expectCorrupt(buf, Corruption::kBadMagic);
  storeI32(buf.data() + 4, 0);  // zero magic with a non-zero size is not "end of data"
  expectCorrupt(buf, Corruption::kBadMagic);
}

TEST(RecordDecode, RejectsBadTotalSizes) {
  auto buf = encode(sampleMessage());
  auto bad = buf;
  storeI32(bad.data(), -5);
  expectCorrupt(bad, Corruption::kBadTotalSize);
  storeI32(bad.data(), 90);
  expectCorrupt(bad, Corruption::kBadTotalSize);
  // Larger than the input: truncated.
  storeI32(bad.data(), static_cast<int32_t>(buf.size()) + 1);
  expectCorrupt(bad, Corruption::kTruncated);
  storeI32(bad.data(), INT32_MAX);
  expectCorrupt(bad, Corruption::kTruncated);
  // Larger than the fields: Java's length check fails.
  bad = buf;
  bad.push_back(0);
  storeI32(bad.data(), static_cast<int32_t>(bad.size()));
  expectCorrupt(bad, Corruption::kBadTotalSize);
  // Smaller than the fields.
  bad = buf;
  storeI32(bad.data(), static_cast<int32_t>(buf.size()) - 1);
  expectCorrupt(bad, Corruption::kBadLength);
}

TEST(RecordDecode, RejectsEveryTruncation) {
  auto buf = encode(sampleMessage());
  // The first bytes of TOTALSIZE are zero; a 1-3 byte prefix looks like an unwritten tail.
  ASSERT_EQ(buf[0] | buf[1] | buf[2], 0);
  for (size_t n = 1; n < 4; ++n) {
    DecodedRecord r;
    EXPECT_TRUE(decodeRecord(std::span(buf).first(n), r).ok());
    EXPECT_EQ(r.kind, RecordKind::kEndOfData);
  }
  for (size_t n = 4; n < buf.size(); ++n) {
    DecodedRecord r;
    EXPECT_FALSE(decodeRecord(std::span(buf).first(n), r).ok()) << n;
    EXPECT_EQ(r.kind, RecordKind::kCorrupt);
  }
}

TEST(RecordDecode, RejectsNegativeAndOversizedFieldLengths) {
  const auto base = encode(sampleMessage());
  const size_t bodyLenPos = 84;
  const size_t topicLenPos = 88 + kBody.size();
  const size_t propsLenPos = topicLenPos + 1 + kTopic.size();
  auto bad = base;
  storeI32(bad.data() + bodyLenPos, -1);
  expectCorrupt(bad, Corruption::kBadLength);
  bad = base;
  storeI32(bad.data() + bodyLenPos, static_cast<int32_t>(base.size()));
  expectCorrupt(bad, Corruption::kBadLength);
  bad = base;
  bad[topicLenPos] = 0x80;  // signed byte: -128
  expectCorrupt(bad, Corruption::kBadLength);
  bad = base;
  bad[topicLenPos] = 0x7F;
  expectCorrupt(bad, Corruption::kBadLength);
  bad = base;
  storeI16(bad.data() + propsLenPos, -1);
  expectCorrupt(bad, Corruption::kBadLength);
  bad = base;
  storeI16(bad.data() + propsLenPos, static_cast<int16_t>(kProps.size() + 1));
  expectCorrupt(bad, Corruption::kBadLength);
  // Claiming IPv6 hosts shifts every later field.
  bad = base;
  storeI32(bad.data() + 36, sysflag::kBornHostV6);
  DecodedRecord r;
  EXPECT_FALSE(decodeRecord(bad, r).ok());
}

TEST(RecordDecode, ChecksTheBodyCrcUnlessDisabled) {
  auto buf = encode(sampleMessage());
  buf[88] ^= 0x01;
  expectCorrupt(buf, Corruption::kBadCrc);
  DecodedRecord r;
  DecodeOptions noCrc;
  noCrc.checkCrc = false;
  EXPECT_TRUE(decodeRecord(buf, r, noCrc).ok());
  auto good = encode(sampleMessage());
  storeI32(good.data() + 8, bodyCrc(asBytes(kBody)) ^ 1);
  expectCorrupt(good, Corruption::kBadCrc);
}

TEST(RecordDecode, AcceptsV2RecordsOnRequest) {
  // v2 differs only in a 2-byte topic length: build one from a v1 record.
  auto v1 = encode(sampleMessage());
  const size_t topicLenPos = 88 + kBody.size();
  std::vector<uint8_t> v2(v1.begin(), v1.begin() + topicLenPos);
  v2.push_back(0);
  v2.push_back(static_cast<uint8_t>(kTopic.size()));
  v2.insert(v2.end(), v1.begin() + topicLenPos + 1, v1.end());
  storeI32(v2.data(), static_cast<int32_t>(v2.size()));
  storeI32(v2.data() + 4, record::kMagicV2);
  DecodedRecord r;
  Status s = decodeRecord(v2, r);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(r.magicCode, record::kMagicV2);
  EXPECT_EQ(r.topic, kTopic);
  EXPECT_EQ(r.properties, kProps);
  DecodeOptions v1Only;
  v1Only.acceptV2 = false;
  expectCorrupt(v2, Corruption::kBadMagic, v1Only);
}

TEST(RecordDecode, SurvivesRandomDamage) {
  // Every mutated record must decode to a clean result or a clean error, never out of bounds
  // (run under RMQ_SANITIZE to catch stray reads).
  const auto base = encode(sampleMessage());
  std::mt19937 rng(12345);
  for (int i = 0; i < 20000; ++i) {
    auto bad = base;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) bad[rng() % bad.size()] = static_cast<uint8_t>(rng());
    DecodedRecord r;
    Status s = decodeRecord(bad, r);
    if (s.ok()) {
      EXPECT_NE(r.kind, RecordKind::kCorrupt);
      if (r.kind == RecordKind::kMessage) {
        EXPECT_LE(r.bytes.size(), bad.size());
      }
    } else {
      EXPECT_EQ(r.kind, RecordKind::kCorrupt);
    }
  }
}

}  // namespace
}  // namespace rmq::store
