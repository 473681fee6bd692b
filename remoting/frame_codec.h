// Frame layout (shared protocol remoting.md section 2):
//   int32 length (= 4 + headerLength + bodyLength, big-endian)
//   int32 (serializeType << 24) | headerLength
//   header bytes, body bytes
//
// parseFrame is the incremental decoder: given the bytes received so far it reports a complete
// frame (as views into those bytes), that more bytes are needed, or a protocol error. It never
// reads past `data` and rejects frames above `maxFrameSize` (total size including the length
// prefix, Java's com.rocketmq.remoting.frameMaxLength, 16 MiB by default).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "remoting/remoting_command.h"

namespace rmq::remoting {

constexpr size_t kDefaultMaxFrameSize = 16 * 1024 * 1024;
constexpr size_t kFramePrefixSize = 8;  // length + serialize/header-length word

struct FrameView {
  SerializeType serializeType = SerializeType::JSON;
  std::string_view header;
  std::string_view body;
  size_t totalSize = 0;  // bytes consumed, including the length prefix
};

enum class FrameParse { kFrame, kNeedMore, kError };

FrameParse parseFrame(std::string_view data, size_t maxFrameSize, FrameView& frame,
                      std::string& error);

// Decodes the header of `frame` into `cmd` and borrows its body (valid while `frame`'s bytes are).
Status decodeCommand(const FrameView& frame, RemotingCommand& cmd);

// Appends the 8-byte prefix and the encoded header for a frame whose body has `bodySize` bytes.
void encodeFrameHead(const RemotingCommand& cmd, size_t bodySize, std::string& out);

// The whole frame (prefix, header, body) as one string; for tools and tests.
std::string encodeFrame(const RemotingCommand& cmd);

}  // namespace rmq::remoting
