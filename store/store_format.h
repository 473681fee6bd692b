// Every on-disk constant of the RocketMQ 4.9 store, in one place, so that the CommitLog,
// ConsumeQueue, IndexFile and checkpoint code cannot drift apart from each other or from the Java
// broker's files. Prose description: docs/store-format.md. All integers on disk are big-endian,
// two's complement (Java ByteBuffer); the fixed-size types below say how wide each field is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rmq::store {

// ---------------------------------------------------------------------------------------------
// CommitLog record ("message record"), format v1.
// ---------------------------------------------------------------------------------------------
namespace record {

// Magic codes (field MAGICCODE). Stored big-endian, so the first bytes read DA A3 20 A7 etc.
inline constexpr int32_t kMagicV1 = -626843481;       // 0xDAA320A7: normal record, 1-byte topic len
inline constexpr int32_t kMagicV2 = -626843477;       // 0xDAA320AB: 5.x only, 2-byte topic length
inline constexpr int32_t kBlankMagic = -875286124;    // 0xCBD43194: end-of-file filler marker
inline constexpr uint32_t kBodyCrcMask = 0x7FFFFFFF;  // Java clears the CRC's sign bit

// The end-of-file marker is only TOTALSIZE (= bytes left in the file) + kBlankMagic; Java always
// keeps this many bytes free at the end of a file so the marker fits.
inline constexpr int32_t kBlankMarkerLength = 8;
inline constexpr int32_t kEndOfFileMinFree = kBlankMarkerLength;

// Socket address fields (BORNHOST, STOREHOSTADDRESS): raw IP bytes followed by an int32 port.
inline constexpr int32_t kIpv4Length = 4;
inline constexpr int32_t kIpv6Length = 16;
inline constexpr int32_t kPortLength = 4;
inline constexpr int32_t kIpv4HostLength = kIpv4Length + kPortLength;  // 8
inline constexpr int32_t kIpv6HostLength = kIpv6Length + kPortLength;  // 20

// Offsets of the fields that precede BORNHOST; they never move.
inline constexpr int32_t kTotalSizeOffset = 0;        // int32 length of whole record
inline constexpr int32_t kMagicOffset = 4;            // int32 magic code
inline constexpr int32_t kBodyCrcOffset = 8;          // int32 masked CRC32 of BODY
inline constexpr int32_t kQueueIdOffset = 12;         // int32 queue id
inline constexpr int32_t kFlagOffset = 16;            // int32 opaque producer flag
inline constexpr int32_t kQueueOffsetOffset = 20;     // int64 consume-queue index
inline constexpr int32_t kPhysicalOffsetOffset = 28;  // int64 CommitLog offset of record
inline constexpr int32_t kSysFlagOffset = 36;         // int32 sysFlag bits (below)
inline constexpr int32_t kBornTimestampOffset = 40;   // int64 producer time, ms
inline constexpr int32_t kBornHostOffset = 48;        // 8 or 20 bytes

// Offsets of the later fields depend on the two host lengths (8 or 20 each).
constexpr int32_t storeTimestampOffset(int32_t bornHostLen) {  // int64 broker time, ms
  return kBornHostOffset + bornHostLen;
}
constexpr int32_t storeHostOffset(int32_t bornHostLen) {  // 8 or 20 bytes
  return storeTimestampOffset(bornHostLen) + 8;
}
constexpr int32_t reconsumeTimesOffset(int32_t bornHostLen, int32_t storeHostLen) {  // int32
  return storeHostOffset(bornHostLen) + storeHostLen;
}
constexpr int32_t preparedTransactionOffsetOffset(int32_t bornHostLen,
                                                  int32_t storeHostLen) {  // int64
  return reconsumeTimesOffset(bornHostLen, storeHostLen) + 4;
}
constexpr int32_t bodyLengthOffset(int32_t bornHostLen, int32_t storeHostLen) {  // int32
  return preparedTransactionOffsetOffset(bornHostLen, storeHostLen) + 8;
}
constexpr int32_t bodyOffset(int32_t bornHostLen, int32_t storeHostLen) {  // BODY bytes
  return bodyLengthOffset(bornHostLen, storeHostLen) + 4;
}
// After BODY: TOPICLENGTH (v1: int8, v2: int16), TOPIC, PROPERTIESLENGTH (int16), PROPERTIES.
inline constexpr int32_t kTopicLengthSizeV1 = 1;
inline constexpr int32_t kTopicLengthSizeV2 = 2;
inline constexpr int32_t kPropertiesLengthSize = 2;

// TOTALSIZE = kFixedLength + bornHostLen + storeHostLen + body + topic + properties. The fixed
// part is every field except the hosts and the three variable byte strings.
inline constexpr int32_t kFixedLengthV1 = 75;
inline constexpr int32_t kFixedLengthV2 = 76;  // one more byte for the 2-byte topic length
inline constexpr int32_t kMinRecordLength = kFixedLengthV1 + 2 * kIpv4HostLength;  // 91

// Size limits. The v1 length fields are signed in Java, which is what bounds topic/properties.
inline constexpr int32_t kMaxTopicLength = 127;             // signed int8 TOPICLENGTH
inline constexpr int32_t kMaxPropertiesLength = 32767;      // signed int16 PROPERTIESLENGTH
inline constexpr int32_t kDefaultMaxMessageSize = 4194304;  // broker maxMessageSize (body limit)

// The offsets above and the length formula describe the same layout (message-format.md 2).
static_assert(bodyOffset(kIpv4HostLength, kIpv4HostLength) == 88);
static_assert(bodyOffset(kIpv4HostLength, kIpv4HostLength) + kTopicLengthSizeV1 +
                  kPropertiesLengthSize ==
              kMinRecordLength);
static_assert(bodyOffset(kIpv6HostLength, kIpv6HostLength) + kTopicLengthSizeV1 +
                  kPropertiesLengthSize ==
              kFixedLengthV1 + 2 * kIpv6HostLength);

}  // namespace record

// ---------------------------------------------------------------------------------------------
// SYSFLAG bits (record field SYSFLAG, also the SEND header sysFlag).
// ---------------------------------------------------------------------------------------------
namespace sysflag {

inline constexpr int32_t kCompressed = 0x1;             // BODY is compressed (producer did it)
inline constexpr int32_t kMultiTags = 0x2;              // topic is MULTI_TAG; no effect on tagsCode
inline constexpr int32_t kTransactionMask = 0xC;        // bits 2-3: transaction type
inline constexpr int32_t kTransactionNot = 0x0;         // ordinary message (gets a CQ unit)
inline constexpr int32_t kTransactionPrepared = 0x4;    // prepared: CommitLog only, no CQ unit
inline constexpr int32_t kTransactionCommit = 0x8;      // committed transaction (gets a CQ unit)
inline constexpr int32_t kTransactionRollback = 0xC;    // rollback: no CQ unit, not indexed
inline constexpr int32_t kBornHostV6 = 0x10;            // BORNHOST is 20 bytes
inline constexpr int32_t kStoreHostV6 = 0x20;           // STOREHOSTADDRESS is 20 bytes
inline constexpr int32_t kNeedUnwrap = 0x40;            // 5.x inner batch only; 4.9 never sets it
inline constexpr int32_t kInnerBatch = 0x80;            // 5.x inner batch only; 4.9 never sets it
inline constexpr int32_t kCompressionTypeMask = 0x700;  // bits 8-10: algorithm when compressed
inline constexpr int32_t kCompressionLz4 = 0x100;
inline constexpr int32_t kCompressionZstd = 0x200;
inline constexpr int32_t kCompressionZlib = 0x300;  // value 0 with kCompressed also means zlib

}  // namespace sysflag

// ---------------------------------------------------------------------------------------------
// PROPERTIES string: name 0x01 value 0x02 name 0x01 value (no trailing 0x02).
// ---------------------------------------------------------------------------------------------
namespace property {

inline constexpr char kNameValueSeparator = '\x01';
inline constexpr char kPropertySeparator = '\x02';
inline constexpr char kKeySeparator = ' ';  // separates the business keys inside KEYS

// Well-known keys (message-format.md 5.1); exact spelling matters, they are compared as bytes.
inline constexpr std::string_view kKeys = "KEYS";
inline constexpr std::string_view kTags = "TAGS";
inline constexpr std::string_view kWaitStoreMsgOk = "WAIT";
inline constexpr std::string_view kDelayTimeLevel = "DELAY";
inline constexpr std::string_view kRetryTopic = "RETRY_TOPIC";
inline constexpr std::string_view kRealTopic = "REAL_TOPIC";
inline constexpr std::string_view kRealQueueId = "REAL_QID";
inline constexpr std::string_view kTransactionPrepared = "TRAN_MSG";
inline constexpr std::string_view kProducerGroup = "PGROUP";
inline constexpr std::string_view kMinOffset = "MIN_OFFSET";
inline constexpr std::string_view kMaxOffset = "MAX_OFFSET";
inline constexpr std::string_view kBuyerId = "BUYER_ID";
inline constexpr std::string_view kOriginMessageId = "ORIGIN_MESSAGE_ID";
inline constexpr std::string_view kTransferFlag = "TRANSFER_FLAG";
inline constexpr std::string_view kCorrectionFlag = "CORRECTION_FLAG";
inline constexpr std::string_view kMq2Flag = "MQ2_FLAG";
inline constexpr std::string_view kReconsumeTime = "RECONSUME_TIME";
inline constexpr std::string_view kMsgRegion = "MSG_REGION";
inline constexpr std::string_view kTraceSwitch = "TRACE_ON";
inline constexpr std::string_view kUniqClientMessageIdKeyIdx = "UNIQ_KEY";
inline constexpr std::string_view kMaxReconsumeTimes = "MAX_RECONSUME_TIMES";
inline constexpr std::string_view kConsumeStartTimestamp = "CONSUME_START_TIME";
inline constexpr std::string_view kTransactionPreparedQueueOffset = "TRAN_PREPARED_QUEUE_OFFSET";
inline constexpr std::string_view kTransactionCheckTimes = "TRANSACTION_CHECK_TIMES";
inline constexpr std::string_view kCheckImmunityTimeInSeconds = "CHECK_IMMUNITY_TIME_IN_SECONDS";
inline constexpr std::string_view kInstanceId = "INSTANCE_ID";
inline constexpr std::string_view kCorrelationId = "CORRELATION_ID";
inline constexpr std::string_view kMessageReplyToClient = "REPLY_TO_CLIENT";
inline constexpr std::string_view kMessageTtl = "TTL";
inline constexpr std::string_view kReplyMessageArriveTime = "ARRIVE_TIME";
inline constexpr std::string_view kPushReplyTime = "PUSH_REPLY_TIME";
inline constexpr std::string_view kCluster = "CLUSTER";
inline constexpr std::string_view kMessageType = "MSG_TYPE";
inline constexpr std::string_view kInnerMultiDispatch = "INNER_MULTI_DISPATCH";
inline constexpr std::string_view kInnerMultiQueueOffset = "INNER_MULTI_QUEUE_OFFSET";

}  // namespace property

// Topic whose consume-queue tagsCode is a delivery timestamp instead of a tag hash.
inline constexpr std::string_view kScheduleTopic = "SCHEDULE_TOPIC_XXXX";

// ---------------------------------------------------------------------------------------------
// Batch body entry (SEND_BATCH_MESSAGE request body): one entry per message, back to back.
// ---------------------------------------------------------------------------------------------
namespace batch {

inline constexpr int32_t kTotalSizeOffset = 0;    // int32, written by the client, not trusted
inline constexpr int32_t kMagicOffset = 4;        // int32, client writes 0, ignored
inline constexpr int32_t kBodyCrcOffset = 8;      // int32, client writes 0, ignored
inline constexpr int32_t kFlagOffset = 12;        // int32 per-message flag
inline constexpr int32_t kBodyLengthOffset = 16;  // int32, then BODY
inline constexpr int32_t kBodyOffset = 20;
inline constexpr int32_t kPropertiesLengthSize = 2;  // int16 after BODY, then PROPERTIES
inline constexpr int32_t kMinEntryLength = kBodyOffset + kPropertiesLengthSize;  // 22

}  // namespace batch

// ---------------------------------------------------------------------------------------------
// Message ids rendered as upper-case hex.
// ---------------------------------------------------------------------------------------------
namespace msgid {

// Offset msgId: store host IP + int32 port + int64 CommitLog offset.
inline constexpr size_t kOffsetIdBytesV4 = 16;
inline constexpr size_t kOffsetIdBytesV6 = 28;
inline constexpr size_t kOffsetIdHexV4 = 2 * kOffsetIdBytesV4;  // 32; decoders pick v4 by length
inline constexpr size_t kOffsetIdHexV6 = 2 * kOffsetIdBytesV6;  // 56
// Client UNIQ_KEY: IP (4/16) + int16 pid + int32 class-loader hash + int32 ms-in-month + int16
// counter.
inline constexpr size_t kUniqKeyTailBytes = 2 + 4 + 4 + 2;
inline constexpr size_t kUniqKeyBytesV4 = 4 + kUniqKeyTailBytes;   // 16
inline constexpr size_t kUniqKeyBytesV6 = 16 + kUniqKeyTailBytes;  // 28

}  // namespace msgid

// ---------------------------------------------------------------------------------------------
// File names and default sizes.
// ---------------------------------------------------------------------------------------------
namespace files {

inline constexpr int kOffsetFileNameDigits = 20;  // CommitLog/CQ/CQExt: %020d of start offset
inline constexpr int kIndexFileNameDigits = 17;   // index: yyyyMMddHHmmssSSS, local time
inline constexpr int64_t kDefaultCommitLogFileSize = 1073741824;      // mappedFileSizeCommitLog
inline constexpr int64_t kDefaultConsumeQueueFileSize = 6000000;      // 300000 units
inline constexpr int64_t kDefaultConsumeQueueExtFileSize = 50331648;  // 48 MiB

}  // namespace files

// ---------------------------------------------------------------------------------------------
// ConsumeQueue unit: 20 bytes per logical queue offset; unit i lives at logical byte i * 20.
// ---------------------------------------------------------------------------------------------
namespace cq {

inline constexpr int32_t kUnitSize = 20;
inline constexpr int32_t kCommitLogOffsetOffset = 0;  // int64 CommitLog offset of the record
inline constexpr int32_t kSizeOffset = 8;             // int32 record TOTALSIZE
inline constexpr int32_t kTagsCodeOffset = 12;        // int64 tagsCode (or ext address)
// Filler written before the first unit of a queue that does not start at offset 0; counts as
// valid during recovery, so it must not look like the zero end-of-data unit.
inline constexpr int64_t kFillerCommitLogOffset = 0;
inline constexpr int32_t kFillerSize = 0x7FFFFFFF;
inline constexpr int64_t kFillerTagsCode = 0;
// A tagsCode at or below this is an address into ConsumeQueueExt (realOffset + INT64_MIN).
inline constexpr int64_t kMaxExtAddress = static_cast<int64_t>(INT32_MIN) - 1;

// ConsumeQueueExt unit (optional, off by default): int16 unit size, int64 tagsCode, int64 store
// timestamp, int16 bitmap size, bitmap bytes. 4 bytes at the end of each file stay free; an int16
// -1 marks the end of a full file.
inline constexpr int32_t kExtUnitSizeOffset = 0;
inline constexpr int32_t kExtTagsCodeOffset = 2;
inline constexpr int32_t kExtStoreTimestampOffset = 10;
inline constexpr int32_t kExtBitmapSizeOffset = 18;
inline constexpr int32_t kExtBitmapOffset = 20;
inline constexpr int32_t kExtMinUnitSize = 20;
inline constexpr int32_t kExtMaxUnitSize = 32767;
inline constexpr int32_t kExtEndBlankLength = 4;
inline constexpr int16_t kExtEndMarker = -1;

}  // namespace cq

// ---------------------------------------------------------------------------------------------
// IndexFile: [40-byte header][hashSlotNum x 4-byte slots][indexNum x 20-byte items].
// ---------------------------------------------------------------------------------------------
namespace index {

inline constexpr int32_t kHeaderSize = 40;
inline constexpr int32_t kBeginTimestampOffset = 0;   // int64 store time of first indexed msg
inline constexpr int32_t kEndTimestampOffset = 8;     // int64 store time of last indexed msg
inline constexpr int32_t kBeginPhyOffsetOffset = 16;  // int64 CommitLog offset of first msg
inline constexpr int32_t kEndPhyOffsetOffset = 24;    // int64 start (not end) of last msg
inline constexpr int32_t kHashSlotCountOffset = 32;   // int32 number of non-empty slots
inline constexpr int32_t kIndexCountOffset = 36;      // int32 next item number; starts at 1

inline constexpr int32_t kSlotSize = 4;      // int32 newest item number of the bucket; 0 = empty
inline constexpr int32_t kInvalidIndex = 0;  // item 0 is never used, so 0 means "none"

inline constexpr int32_t kItemSize = 20;
inline constexpr int32_t kItemKeyHashOffset = 0;     // int32 abs(String.hashCode(topic#key))
inline constexpr int32_t kItemPhyOffsetOffset = 4;   // int64 CommitLog offset of the message
inline constexpr int32_t kItemTimeDiffOffset = 12;   // int32 seconds since beginTimestamp
inline constexpr int32_t kItemPrevIndexOffset = 16;  // int32 previous item in bucket, 0 = none

inline constexpr int32_t kDefaultHashSlotNum = 5000000;  // maxHashSlotNum
inline constexpr int32_t kDefaultIndexNum = 20000000;    // maxIndexNum
inline constexpr char kKeyJoiner = '#';                  // index key = topic + '#' + key

// The file length is not checked by Java, so callers must verify it against the configuration.
constexpr int64_t fileSize(int64_t hashSlotNum, int64_t indexNum) {
  return kHeaderSize + hashSlotNum * kSlotSize + indexNum * kItemSize;
}
constexpr int64_t slotPosition(int64_t slot) {
  return kHeaderSize + slot * kSlotSize;
}
constexpr int64_t itemPosition(int64_t hashSlotNum, int64_t item) {
  return kHeaderSize + hashSlotNum * kSlotSize + item * kItemSize;
}

}  // namespace index

// ---------------------------------------------------------------------------------------------
// checkpoint: fixed 4096-byte file; unused bytes are zero.
// ---------------------------------------------------------------------------------------------
namespace checkpoint {

inline constexpr int32_t kFileSize = 4096;
inline constexpr int32_t kPhysicMsgTimestampOffset = 0;    // int64 newest fully flushed msg
inline constexpr int32_t kLogicsMsgTimestampOffset = 8;    // int64 newest dispatched msg
inline constexpr int32_t kIndexMsgTimestampOffset = 16;    // int64 end time of last full index
inline constexpr int32_t kMasterFlushedOffsetOffset = 24;  // int64, 5.x controller mode only
inline constexpr int32_t kConfirmPhyOffsetOffset = 32;     // int64, 5.x only
// Recovery starts from min(physic, logics) minus this margin (ms).
inline constexpr int64_t kRecoveryTimestampMarginMs = 3000;

}  // namespace checkpoint

}  // namespace rmq::store
