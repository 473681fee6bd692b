// One stored message as the JSON object `mqstore dump` prints (one per line).
#pragma once

#include <cstdint>
#include <string>

#include "store/message_record.h"

namespace rmq::tools::mqstore {

// Keys: topic, queueId, queueOffset, commitLogOffset, offsetMsgId, uniqKey, tags, keys,
// properties (object; a repeated name keeps its last value, as Java does), bodyLength,
// bodySha256 (of the body bytes as stored, i.e. still compressed when the producer compressed
// it), storeTimestamp, bornTimestamp, sysFlag, reconsumeTimes. uniqKey/tags/keys are null when
// the message has none.
std::string recordJson(const store::DecodedRecord& r, int64_t commitLogOffset);

std::string sha256Hex(std::span<const uint8_t> bytes);

}  // namespace rmq::tools::mqstore
