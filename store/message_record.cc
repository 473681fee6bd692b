#include "store/message_record.h"

#include <climits>
#include <cstring>
#include <string>

#include "common/crc32.h"
#include "store/byte_io.h"
#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::store {
namespace {

using namespace record;

// Host field = raw address bytes + int32 port.
void writeHost(uint8_t* p, const HostAddress& h) {
  std::memcpy(p, h.ip.data(), static_cast<size_t>(h.addressLength()));
  storeI32(p + h.addressLength(), h.port);
}

HostAddress readHost(const uint8_t* p, bool ipv6) {
  HostAddress h;
  h.ipv6 = ipv6;
  std::memcpy(h.ip.data(), p, static_cast<size_t>(h.addressLength()));
  h.port = loadI32(p + h.addressLength());
  return h;
}

Status corrupt(DecodedRecord& out, Corruption why, const std::string& what) {
  out.kind = RecordKind::kCorrupt;
  out.corruption = why;
  return Status::Error("corrupt CommitLog record: " + what);
}

bool allZero(std::span<const uint8_t> b) {
  for (uint8_t c : b)
    if (c != 0) return false;
  return true;
}

}  // namespace

int32_t bodyCrc(std::span<const uint8_t> body) {
  return static_cast<int32_t>(rmq::crc32(0, body.data(), body.size()) & kBodyCrcMask);
}

int32_t storedSysFlag(const MessageToStore& m) {
  int32_t f = m.sysFlag & ~(sysflag::kBornHostV6 | sysflag::kStoreHostV6);
  if (m.bornHost.ipv6) f |= sysflag::kBornHostV6;
  if (m.storeHost.ipv6) f |= sysflag::kStoreHostV6;
  return f;
}

size_t recordLength(const MessageToStore& m) {
  return static_cast<size_t>(kFixedLengthV1) + static_cast<size_t>(m.bornHost.encodedLength()) +
         static_cast<size_t>(m.storeHost.encodedLength()) + m.body.size() + m.topic.size() +
         joinedPropertiesLength(m.properties, m.batchProperties);
}

Status validateRecord(const MessageToStore& m) {
  if (m.topic.size() > static_cast<size_t>(kMaxTopicLength)) {
    return Status::Error("topic longer than 127 bytes: " + std::to_string(m.topic.size()));
  }
  size_t props = joinedPropertiesLength(m.properties, m.batchProperties);
  if (props > static_cast<size_t>(kMaxPropertiesLength)) {
    return Status::Error("properties longer than 32767 bytes: " + std::to_string(props));
  }
  if (m.body.size() > static_cast<size_t>(INT32_MAX) ||
      recordLength(m) > static_cast<size_t>(INT32_MAX)) {
    return Status::Error("record longer than INT32_MAX");
  }
  return Status::Ok();
}

Status encodeRecord(const MessageToStore& m, const RecordPlacement& placement,
                    std::span<uint8_t> out, size_t* written) {
  Status s = validateRecord(m);
  if (!s.ok()) return s;
  const size_t total = recordLength(m);
  if (out.size() < total) {
    return Status::Error("buffer too small for record: " + std::to_string(out.size()) + " < " +
                         std::to_string(total));
  }
  const int32_t born = m.bornHost.encodedLength();
  const int32_t store = m.storeHost.encodedLength();
  const size_t propsLen = joinedPropertiesLength(m.properties, m.batchProperties);
  uint8_t* p = out.data();

  storeI32(p + kTotalSizeOffset, static_cast<int32_t>(total));
  storeI32(p + kMagicOffset, kMagicV1);
  storeI32(p + kBodyCrcOffset, bodyCrc(m.body));
  storeI32(p + kQueueIdOffset, m.queueId);
  storeI32(p + kFlagOffset, m.flag);
  storeI64(p + kQueueOffsetOffset, placement.queueOffset);
  storeI64(p + kPhysicalOffsetOffset, placement.physicalOffset);
  storeI32(p + kSysFlagOffset, storedSysFlag(m));
  storeI64(p + kBornTimestampOffset, m.bornTimestamp);
  writeHost(p + kBornHostOffset, m.bornHost);
  storeI64(p + storeTimestampOffset(born), placement.storeTimestamp);
  writeHost(p + storeHostOffset(born), m.storeHost);
  storeI32(p + reconsumeTimesOffset(born, store), m.reconsumeTimes);
  storeI64(p + preparedTransactionOffsetOffset(born, store), m.preparedTransactionOffset);
  storeI32(p + bodyLengthOffset(born, store), static_cast<int32_t>(m.body.size()));
  uint8_t* q = p + bodyOffset(born, store);
  if (!m.body.empty()) std::memcpy(q, m.body.data(), m.body.size());
  q += m.body.size();
  *q++ = static_cast<uint8_t>(m.topic.size());
  if (!m.topic.empty()) std::memcpy(q, m.topic.data(), m.topic.size());
  q += m.topic.size();
  storeI16(q, static_cast<int16_t>(propsLen));
  q += kPropertiesLengthSize;
  writeJoinedProperties(m.properties, m.batchProperties, reinterpret_cast<char*>(q));
  if (written) *written = total;
  return Status::Ok();
}

Status patchRecordPlacement(std::span<uint8_t> rec, const RecordPlacement& placement) {
  if (rec.size() < static_cast<size_t>(kMinRecordLength)) {
    return Status::Error("record too short to patch");
  }
  uint8_t* p = rec.data();
  const int32_t flags = loadI32(p + kSysFlagOffset);
  const int32_t born = (flags & sysflag::kBornHostV6) ? kIpv6HostLength : kIpv4HostLength;
  if (rec.size() < static_cast<size_t>(storeTimestampOffset(born) + 8)) {
    return Status::Error("record too short to patch");
  }
  storeI64(p + kQueueOffsetOffset, placement.queueOffset);
  storeI64(p + kPhysicalOffsetOffset, placement.physicalOffset);
  storeI64(p + storeTimestampOffset(born), placement.storeTimestamp);
  return Status::Ok();
}

Status encodeBlankMarker(std::span<uint8_t> out, int32_t remainingInFile) {
  if (out.size() < static_cast<size_t>(kBlankMarkerLength)) {
    return Status::Error("buffer too small for the end-of-file marker");
  }
  storeI32(out.data() + kTotalSizeOffset, remainingInFile);
  storeI32(out.data() + kMagicOffset, kBlankMagic);
  return Status::Ok();
}

Status decodeRecord(std::span<const uint8_t> in, DecodedRecord& out, const DecodeOptions& options) {
  out = DecodedRecord();
  if (in.size() < static_cast<size_t>(kBlankMarkerLength)) {
    // Java always leaves 8 bytes for the marker, so a shorter tail holds no record; it is only
    // acceptable when nothing was ever written there.
    if (allZero(in)) {
      out.kind = RecordKind::kEndOfData;
      return Status::Ok();
    }
    return corrupt(out, Corruption::kTruncated, "fewer than 8 bytes left");
  }
  const uint8_t* p = in.data();
  out.totalSize = loadI32(p + kTotalSizeOffset);
  out.magicCode = loadI32(p + kMagicOffset);

  if (out.magicCode == kBlankMagic) {
    out.kind = RecordKind::kBlank;
    out.bytes = in.first(static_cast<size_t>(kBlankMarkerLength));
    return Status::Ok();
  }
  if (out.totalSize == 0 && out.magicCode == 0) {
    out.kind = RecordKind::kEndOfData;
    return Status::Ok();
  }
  const bool v2 = out.magicCode == kMagicV2;
  if (out.magicCode != kMagicV1 && !(v2 && options.acceptV2)) {
    return corrupt(out, Corruption::kBadMagic,
                   "unknown magic code " + std::to_string(out.magicCode));
  }
  const int32_t fixed = v2 ? kFixedLengthV2 : kFixedLengthV1;
  if (out.totalSize < fixed + 2 * kIpv4HostLength) {
    return corrupt(out, Corruption::kBadTotalSize,
                   "total size " + std::to_string(out.totalSize) + " below the minimum");
  }
  if (static_cast<size_t>(out.totalSize) > in.size()) {
    return corrupt(out, Corruption::kTruncated,
                   "total size " + std::to_string(out.totalSize) + " exceeds the " +
                       std::to_string(in.size()) + " bytes available");
  }
  const size_t total = static_cast<size_t>(out.totalSize);

  out.bodyCrc = loadI32(p + kBodyCrcOffset);
  out.queueId = loadI32(p + kQueueIdOffset);
  out.flag = loadI32(p + kFlagOffset);
  out.queueOffset = loadI64(p + kQueueOffsetOffset);
  out.physicalOffset = loadI64(p + kPhysicalOffsetOffset);
  out.sysFlag = loadI32(p + kSysFlagOffset);
  out.bornTimestamp = loadI64(p + kBornTimestampOffset);
  const bool bornV6 = (out.sysFlag & sysflag::kBornHostV6) != 0;
  const bool storeV6 = (out.sysFlag & sysflag::kStoreHostV6) != 0;
  const int32_t born = bornV6 ? kIpv6HostLength : kIpv4HostLength;
  const int32_t store = storeV6 ? kIpv6HostLength : kIpv4HostLength;
  // The IPv6 hosts make the fixed fields longer; the minimum check above assumed IPv4.
  if (total < static_cast<size_t>(fixed + born + store)) {
    return corrupt(out, Corruption::kBadTotalSize, "total size too small for IPv6 hosts");
  }
  out.bornHost = readHost(p + kBornHostOffset, bornV6);
  out.storeTimestamp = loadI64(p + storeTimestampOffset(born));
  out.storeHost = readHost(p + storeHostOffset(born), storeV6);
  out.reconsumeTimes = loadI32(p + reconsumeTimesOffset(born, store));
  out.preparedTransactionOffset = loadI64(p + preparedTransactionOffsetOffset(born, store));

  // Variable part: every length is checked against what is left inside TOTALSIZE.
  size_t pos = static_cast<size_t>(bodyLengthOffset(born, store));
  const int32_t bodyLen = loadI32(p + pos);
  pos += 4;
  if (bodyLen < 0 || static_cast<size_t>(bodyLen) > total - pos) {
    return corrupt(out, Corruption::kBadLength, "body length " + std::to_string(bodyLen));
  }
  out.body = in.subspan(pos, static_cast<size_t>(bodyLen));
  pos += static_cast<size_t>(bodyLen);

  const size_t topicLenSize = v2 ? kTopicLengthSizeV2 : kTopicLengthSizeV1;
  if (total - pos < topicLenSize) return corrupt(out, Corruption::kBadLength, "no topic length");
  // Java reads the length as a signed byte (v1) or short (v2); negative means corrupt.
  const int32_t topicLen = v2 ? loadI16(p + pos) : static_cast<int8_t>(p[pos]);
  pos += topicLenSize;
  if (topicLen < 0 || static_cast<size_t>(topicLen) > total - pos) {
    return corrupt(out, Corruption::kBadLength, "topic length " + std::to_string(topicLen));
  }
  out.topic = asText(in.subspan(pos, static_cast<size_t>(topicLen)));
  pos += static_cast<size_t>(topicLen);

  if (total - pos < static_cast<size_t>(kPropertiesLengthSize)) {
    return corrupt(out, Corruption::kBadLength, "no properties length");
  }
  const int32_t propsLen = loadI16(p + pos);
  pos += kPropertiesLengthSize;
  if (propsLen < 0 || static_cast<size_t>(propsLen) > total - pos) {
    return corrupt(out, Corruption::kBadLength, "properties length " + std::to_string(propsLen));
  }
  out.properties = asText(in.subspan(pos, static_cast<size_t>(propsLen)));
  pos += static_cast<size_t>(propsLen);

  // Java recomputes the length from the fields and rejects any mismatch (e.g. trailing bytes).
  if (pos != total) {
    return corrupt(
        out, Corruption::kBadTotalSize,
        "total size " + std::to_string(total) + " but fields end at " + std::to_string(pos));
  }
  if (options.checkCrc && bodyCrc(out.body) != out.bodyCrc) {
    return corrupt(out, Corruption::kBadCrc, "body CRC mismatch");
  }
  out.bytes = in.first(total);
  out.kind = RecordKind::kMessage;
  return Status::Ok();
}

MessageToStore toMessageToStore(const DecodedRecord& r) {
  MessageToStore m;
  m.topic = r.topic;
  m.queueId = r.queueId;
  m.flag = r.flag;
  m.body = r.body;
  m.properties = r.properties;
  m.sysFlag = r.sysFlag;
  m.bornTimestamp = r.bornTimestamp;
  m.bornHost = r.bornHost;
  m.storeHost = r.storeHost;
  m.reconsumeTimes = r.reconsumeTimes;
  m.preparedTransactionOffset = r.preparedTransactionOffset;
  m.tagsCode = tagsCodeOf(tagsOf(r.properties));
  return m;
}

RecordPlacement placementOf(const DecodedRecord& r) {
  return RecordPlacement{r.queueOffset, r.physicalOffset, r.storeTimestamp};
}

}  // namespace rmq::store
