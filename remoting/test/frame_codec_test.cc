#include "remoting/frame_codec.h"

#include <gtest/gtest.h>

namespace rmq::remoting {
namespace {

std::string sampleFrame(SerializeType type, std::string body) {
  RemotingCommand cmd = RemotingCommand::createRequest(310);
  cmd.serializeType = type;
  cmd.opaque = 42;
  cmd.addExt("b", "TopicTest").addExtInt("e", 1);
  cmd.setBody(std::move(body));
  return encodeFrame(cmd);
}

TEST(FrameCodec, DecodesPartialAndCoalescedFrames) {
  std::string a = sampleFrame(SerializeType::JSON, "hello");
  std::string b = sampleFrame(SerializeType::ROCKETMQ, std::string(1000, 'x'));
  std::string stream = a + b;
  // Feed byte by byte: kNeedMore until each whole frame is there.
  size_t offset = 0;
  std::vector<std::string> bodies;
  for (size_t end = 1; end <= stream.size(); ++end) {
    FrameView f;
    std::string err;
    auto r = parseFrame(std::string_view(stream).substr(offset, end - offset), kDefaultMaxFrameSize,
                        f, err);
    ASSERT_NE(r, FrameParse::kError) << err;
    if (r == FrameParse::kFrame) {
      RemotingCommand cmd;
      ASSERT_TRUE(decodeCommand(f, cmd).ok());
      EXPECT_EQ(cmd.code, 310);
      EXPECT_EQ(cmd.opaque, 42);
      EXPECT_EQ(cmd.ext.get("b").value(), "TopicTest");
      bodies.emplace_back(cmd.body());
      offset += f.totalSize;
    }
  }
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[0], "hello");
  EXPECT_EQ(bodies[1], std::string(1000, 'x'));
}

TEST(FrameCodec, RejectsOversizedAndInconsistentFrames) {
  FrameView f;
  std::string err;
  // Length beyond the 16 MiB limit.
  std::string big("\x01\x00\x00\x00\x00\x00\x00\x10", 8);
  EXPECT_EQ(parseFrame(big, kDefaultMaxFrameSize, f, err), FrameParse::kError);
  // A TLS ClientHello read as plaintext announces a huge frame.
  std::string tls("\x16\x03\x01\x02\x00\x01\x00\x00", 8);
  EXPECT_EQ(parseFrame(tls, kDefaultMaxFrameSize, f, err), FrameParse::kError);
  // Header length larger than the frame.
  std::string inconsistent("\x00\x00\x00\x08\x00\x00\x00\x10", 8);
  EXPECT_EQ(parseFrame(inconsistent, kDefaultMaxFrameSize, f, err), FrameParse::kError);
  EXPECT_NE(err.find("header length"), std::string::npos);
  // Unknown serialize type.
  std::string type("\x00\x00\x00\x08\x05\x00\x00\x02{}", 10);
  EXPECT_EQ(parseFrame(type, kDefaultMaxFrameSize, f, err), FrameParse::kError);
  // Too small for the header-length word.
  std::string tiny("\x00\x00\x00\x02", 4);
  EXPECT_EQ(parseFrame(tiny, kDefaultMaxFrameSize, f, err), FrameParse::kError);
  // A configurable lower limit applies.
  std::string ok = sampleFrame(SerializeType::JSON, std::string(100, 'y'));
  EXPECT_EQ(parseFrame(ok, 64, f, err), FrameParse::kError);
  EXPECT_EQ(parseFrame(ok, kDefaultMaxFrameSize, f, err), FrameParse::kFrame);
}

TEST(FrameCodec, ChunkedBodyEncodesLikeContiguous) {
  RemotingCommand a = RemotingCommand::createRequest(11);
  a.setBody("abcdef");
  RemotingCommand b = RemotingCommand::createRequest(11);
  auto store = std::make_shared<std::string>("abcdef");
  b.addChunk(BodyChunk{store->data(), 3, store});
  b.addChunk(BodyChunk{store->data() + 3, 3, store});
  EXPECT_EQ(encodeFrame(a), encodeFrame(b));
  EXPECT_EQ(b.bodySize(), 6u);
  EXPECT_EQ(b.bodyBytes(), "abcdef");
}

TEST(RemotingCommand, CopiesKeepOwnedBodies) {
  RemotingCommand a;
  a.setBody("short");
  RemotingCommand b = a;
  RemotingCommand c = std::move(a);
  EXPECT_EQ(b.body(), "short");
  EXPECT_EQ(c.body(), "short");
  std::string borrowed = "borrowed";
  RemotingCommand d;
  d.borrowBody(borrowed);
  d.ownBody();
  borrowed[0] = 'X';
  EXPECT_EQ(d.body(), "borrowed");
}

}  // namespace
}  // namespace rmq::remoting
