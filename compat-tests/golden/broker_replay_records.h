// The record comparison of the broker golden replay: the message records of PULL_MESSAGE,
// QUERY_MESSAGE and VIEW_MESSAGE_BY_ID bodies, decoded and compared field by field. What may
// differ (our store time, a replay socket's port, the properties' HashMap order) is reported as
// a note naming the reason (broker_replay_captures.h kTolerated*); everything else is a Diff.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "compat-tests/golden/replay_support.h"
#include "store/host_address.h"
#include "store/message_record.h"

namespace rmq::compat::brokerreplay {

struct Records {
  std::vector<store::DecodedRecord> list;
  std::string error;
};

// The records of a body (views into it); `error` names the first undecodable one.
Records decodeRecords(std::string_view body);

std::string hexOf(std::span<const uint8_t> b);

// What the record comparison needs to know about the environment.
struct RecordContext {
  // recorded client port -> the local port our replay socket for that connection got
  std::map<int32_t, int32_t> clientPorts;
  store::HostAddress ourStoreHost;
  store::HostAddress javaStoreHost;
  std::string ourHostHex, javaHostHex;  // first 16 hex chars of an offset msgId
};

// `s` with our store host's msgId prefix replaced by Java's; `changed` is set if it was there.
std::string normalizeHost(std::string s, const RecordContext& ctx, bool& changed);

// Compares two lists of records field by field (the first `limit` of them).
void compareRecordLists(const Records& ours, const Records& java, const RecordContext& ctx,
                        std::vector<Diff>& diffs, std::vector<std::string>& notes,
                        size_t limit = std::numeric_limits<size_t>::max());

}  // namespace rmq::compat::brokerreplay
