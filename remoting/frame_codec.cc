#include "remoting/frame_codec.h"

#include "remoting/header_codec.h"

namespace rmq::remoting {

namespace {
inline uint32_t readU32(const char* p) {
  auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t(u[0]) << 24) | (uint32_t(u[1]) << 16) | (uint32_t(u[2]) << 8) | uint32_t(u[3]);
}
inline void writeU32(char* p, uint32_t v) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}
}  // namespace

FrameParse parseFrame(std::string_view data, size_t maxFrameSize, FrameView& frame,
                      std::string& error) {
  if (data.size() < 4) return FrameParse::kNeedMore;
  const uint32_t length = readU32(data.data());
  const uint64_t total = uint64_t(length) + 4;
  if (length > 0x7FFFFFFFu || total > maxFrameSize) {
    error = "frame length " + std::to_string(length) + " exceeds the limit of " +
            std::to_string(maxFrameSize) + " bytes";
    return FrameParse::kError;
  }
  if (length < 4) {
    error = "frame length " + std::to_string(length) + " is too small for a header length";
    return FrameParse::kError;
  }
  if (data.size() < kFramePrefixSize) return FrameParse::kNeedMore;
  const uint32_t word = readU32(data.data() + 4);
  const uint32_t type = (word >> 24) & 0xFF;
  const uint32_t headerLength = word & 0x00FFFFFF;
  if (type > 1) {
    error = "unknown serialize type " + std::to_string(type);
    return FrameParse::kError;
  }
  if (headerLength > length - 4) {
    error = "header length " + std::to_string(headerLength) + " exceeds frame length " +
            std::to_string(length);
    return FrameParse::kError;
  }
  if (headerLength == 0) {
    error = "empty header";
    return FrameParse::kError;
  }
  if (data.size() < total) return FrameParse::kNeedMore;
  frame.serializeType = static_cast<SerializeType>(type);
  frame.header = data.substr(kFramePrefixSize, headerLength);
  frame.body = data.substr(kFramePrefixSize + headerLength, length - 4 - headerLength);
  frame.totalSize = static_cast<size_t>(total);
  return FrameParse::kFrame;
}

Status decodeCommand(const FrameView& frame, RemotingCommand& cmd) {
  Status s = frame.serializeType == SerializeType::ROCKETMQ
                 ? decodeRocketMQHeader(frame.header, cmd)
                 : decodeJsonHeader(frame.header, cmd);
  if (!s.ok()) return s;
  cmd.borrowBody(frame.body);
  return Status::Ok();
}

void encodeFrameHead(const RemotingCommand& cmd, size_t bodySize, std::string& out) {
  const size_t start = out.size();
  out.resize(start + kFramePrefixSize);
  if (cmd.serializeType == SerializeType::ROCKETMQ) {
    encodeRocketMQHeader(cmd, out);
  } else {
    encodeJsonHeader(cmd, out);
  }
  const size_t headerLength = out.size() - start - kFramePrefixSize;
  writeU32(out.data() + start, static_cast<uint32_t>(4 + headerLength + bodySize));
  writeU32(out.data() + start + 4, (uint32_t(static_cast<uint8_t>(cmd.serializeType)) << 24) |
                                       static_cast<uint32_t>(headerLength & 0x00FFFFFF));
}

std::string encodeFrame(const RemotingCommand& cmd) {
  std::string out;
  encodeFrameHead(cmd, cmd.bodySize(), out);
  if (cmd.hasChunks()) {
    for (const auto& c : cmd.chunks()) out.append(c.data, c.size);
  } else {
    out.append(cmd.body());
  }
  return out;
}

}  // namespace rmq::remoting
