// The two header serializations of the remoting protocol (shared protocol remoting.md
// sections 4 and 5): JSON (type 0) and the ROCKETMQ binary layout (type 1).
//
// Decoders are bounds-checked and never throw: malformed input yields an error Status whose
// message says what was wrong. Encoders append to `out` so callers can reuse one buffer.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "remoting/remoting_command.h"

namespace rmq::remoting {

// Java's fixed part of the binary header: code(2) language(1) version(2) opaque(4) flag(4)
// remarkLength(4) extFieldsLength(4).
constexpr size_t kRocketMQFixedHeaderSize = 21;

void encodeJsonHeader(const RemotingCommand& cmd, std::string& out);
void encodeRocketMQHeader(const RemotingCommand& cmd, std::string& out);

// Decode `header` into the header members of `cmd` (body untouched). `cmd.serializeType` is set.
Status decodeJsonHeader(std::string_view header, RemotingCommand& cmd);
Status decodeRocketMQHeader(std::string_view header, RemotingCommand& cmd);

}  // namespace rmq::remoting
