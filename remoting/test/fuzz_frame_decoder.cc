// libFuzzer target: the frame decoder and both header decoders must reject or accept any input
// without crashing, and an accepted command must re-encode and decode to the same command.
#include <cstddef>
#include <cstdint>
#include <string>

#include "remoting/frame_codec.h"
#include "remoting/header_codec.h"

using namespace rmq::remoting;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t offset = 0;
  while (offset < input.size()) {
    FrameView frame;
    std::string error;
    FrameParse r = parseFrame(input.substr(offset), kDefaultMaxFrameSize, frame, error);
    if (r != FrameParse::kFrame) break;
    RemotingCommand cmd;
    if (decodeCommand(frame, cmd).ok()) {
      std::string again = encodeFrame(cmd);
      FrameView f2;
      if (parseFrame(again, kDefaultMaxFrameSize, f2, error) != FrameParse::kFrame)
        __builtin_trap();
      RemotingCommand cmd2;
      if (!decodeCommand(f2, cmd2).ok()) __builtin_trap();
      if (cmd2.code != cmd.code || cmd2.opaque != cmd.opaque || !(cmd2.ext == cmd.ext) ||
          cmd2.body() != cmd.body()) {
        __builtin_trap();
      }
    }
    offset += frame.totalSize;
  }
  // The header decoders on raw bytes too.
  RemotingCommand cmd;
  (void)decodeJsonHeader(input, cmd);
  (void)decodeRocketMQHeader(input, cmd);
  return 0;
}
