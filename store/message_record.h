// One CommitLog message record (message-format.md 2), v1 layout: the exact bytes Java writes,
// the size formula, and a bounds-checked decoder that hands out views into the input.
//
// The encoder never allocates: it writes into a caller-provided buffer after the caller sized it
// with recordLength(). That lets a CommitLog writer check whether a record still fits in the
// current file (recordLength + 8 <= remaining, see record::kEndOfFileMinFree) before encoding
// straight into the mapped file, or encode outside its lock and patch the placement fields
// (queue offset, physical offset, store time) under the lock with patchRecordPlacement().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/status.h"
#include "store/host_address.h"

namespace rmq::store {

// A message about to be stored. Views only: the bytes stay owned by the caller (typically the
// request buffer) until encodeRecord() returns.
struct MessageToStore {
  std::string_view topic;
  int32_t queueId = 0;
  int32_t flag = 0;
  std::span<const uint8_t> body;  // as stored (still compressed if the producer compressed it)
  // Encoded properties string (message-format.md 5; build one with encodeProperties()).
  std::string_view properties;
  // Batch records only: the batch-level part, appended after `properties` with Java's join rule
  // (see joinedPropertiesLength). Empty for single messages.
  std::string_view batchProperties;
  // Bits 4-5 (IPv6 hosts) are ignored and rewritten from the host families, so the record can
  // never claim a host length it does not have; every other bit is stored as given.
  int32_t sysFlag = 0;
  int64_t bornTimestamp = 0;
  HostAddress bornHost;
  HostAddress storeHost;
  int32_t reconsumeTimes = 0;
  int64_t preparedTransactionOffset = 0;
  // Not part of the record: the consume-queue tagsCode the dispatcher will write for it
  // (tagsCodeOf(TAGS), or the delivery time for SCHEDULE_TOPIC_XXXX).
  int64_t tagsCode = 0;
};

// Fields that are only known once the record's place in the log is fixed.
struct RecordPlacement {
  int64_t queueOffset = 0;
  int64_t physicalOffset = 0;
  int64_t storeTimestamp = 0;
};

// Masked zlib CRC32 of the body, as stored in BODYCRC.
int32_t bodyCrc(std::span<const uint8_t> body);

// sysFlag as it will be stored: bits 4-5 set from the host families.
int32_t storedSysFlag(const MessageToStore& m);

// TOTALSIZE per the length formula; pure arithmetic, no validation (see validateRecord).
size_t recordLength(const MessageToStore& m);

// Rejects what the v1 layout cannot represent: topic > 127 bytes, joined properties > 32767
// bytes, or a total length above INT32_MAX. Body size policy (maxMessageSize) is the caller's.
Status validateRecord(const MessageToStore& m);

// Writes the record into out[0, recordLength(m)). Validates first; fails if `out` is too small.
// *written receives the record length on success.
Status encodeRecord(const MessageToStore& m, const RecordPlacement& placement,
                    std::span<uint8_t> out, size_t* written);

// Overwrites QUEUEOFFSET, PHYSICALOFFSET and STORETIMESTAMP of an encoded record in place.
Status patchRecordPlacement(std::span<uint8_t> record, const RecordPlacement& placement);

// The 8-byte end-of-file marker: TOTALSIZE = bytes left in the file, MAGIC = blank magic.
Status encodeBlankMarker(std::span<uint8_t> out, int32_t remainingInFile);

// ---------------------------------------------------------------------------------------------
// Decoding

enum class RecordKind : uint8_t {
  kMessage,    // a complete, consistent message record
  kBlank,      // end-of-file marker: continue at the start of the next file
  kEndOfData,  // zero bytes (TOTALSIZE 0 and MAGIC 0, or an all-zero tail): nothing written here
  kCorrupt,    // anything else; recovery treats it as the end of valid data
};

enum class Corruption : uint8_t {
  kNone,
  kTruncated,     // the input ends before the record (or its 8-byte prefix) does
  kBadMagic,      // unknown magic code
  kBadTotalSize,  // TOTALSIZE below the minimum or not matching the field lengths
  kBadLength,     // a negative or out-of-record body/topic/properties length
  kBadCrc,        // BODYCRC does not match the body
};

struct DecodedRecord {
  RecordKind kind = RecordKind::kCorrupt;
  Corruption corruption = Corruption::kNone;
  int32_t totalSize = 0;  // for kBlank: the marker's TOTALSIZE (bytes left in the file)
  int32_t magicCode = 0;
  int32_t bodyCrc = 0;
  int32_t queueId = 0;
  int32_t flag = 0;
  int64_t queueOffset = 0;
  int64_t physicalOffset = 0;
  int32_t sysFlag = 0;
  int64_t bornTimestamp = 0;
  HostAddress bornHost;
  int64_t storeTimestamp = 0;
  HostAddress storeHost;
  int32_t reconsumeTimes = 0;
  int64_t preparedTransactionOffset = 0;
  std::span<const uint8_t> body;  // views into the decoded input
  std::string_view topic;
  std::string_view properties;
  std::span<const uint8_t> bytes;  // the whole record (kMessage) or marker (kBlank)
};

struct DecodeOptions {
  bool checkCrc = true;  // Java's checkCRCOnRecover defaults to true
  bool acceptV2 = true;  // 5.x records with a 2-byte topic length (a migration reader reads them)
};

// Decodes the record at the start of `in`. OK with kind kMessage / kBlank / kEndOfData, or an
// error Status with kind kCorrupt and `corruption` saying why. Never reads outside `in`.
Status decodeRecord(std::span<const uint8_t> in, DecodedRecord& out,
                    const DecodeOptions& options = {});

// The message of a decoded record and its placement, e.g. to re-encode it.
MessageToStore toMessageToStore(const DecodedRecord& r);
RecordPlacement placementOf(const DecodedRecord& r);

inline std::span<const uint8_t> asBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view asText(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace rmq::store
