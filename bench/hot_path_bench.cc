// Micro-benchmarks of the per-send pieces the profile of the broker's I/O thread points at:
// decoding a SEND_MESSAGE_V2 JSON header as the Java client writes it, encoding the send
// response header, encoding a 1 KB CommitLog record (CRC included), the body CRC alone, and
// editing the properties string. Run: build/bin/hot_path_bench (Google Benchmark flags apply).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "broker/properties_editor.h"
#include "common/crc32.h"
#include "remoting/header_codec.h"
#include "remoting/remoting_command.h"
#include "store/message_record.h"

namespace {

using rmq::remoting::RemotingCommand;

const std::string kProperties = std::string("UNIQ_KEY\x01") + "7F000001A2B418B4AAC2123456780000" +
                                "\x02WAIT\x01true\x02TAGS\x01TagA\x02KEYS\x01order-12345";

RemotingCommand sendRequest() {
  RemotingCommand r = RemotingCommand::createRequest(310);
  r.addExt("a", "benchmark_producer").addExt("b", "BenchmarkTest").addExt("c", "TBW102");
  r.addExt("d", "4").addExt("e", "3").addExt("f", "0").addExt("g", "1764633600123");
  r.addExt("h", "0").addExt("i", kProperties).addExt("j", "0").addExt("k", "false");
  r.addExt("m", "false");
  return r;
}

void BM_DecodeSendHeaderJson(benchmark::State& state) {
  std::string header;
  rmq::remoting::encodeJsonHeader(sendRequest(), header);
  RemotingCommand out;
  for (auto _ : state) {
    auto s = rmq::remoting::decodeJsonHeader(header, out);
    benchmark::DoNotOptimize(s);
  }
  state.SetLabel(std::to_string(header.size()) + " header bytes");
}
BENCHMARK(BM_DecodeSendHeaderJson);

void BM_EncodeSendResponseJson(benchmark::State& state) {
  RemotingCommand resp = RemotingCommand::createResponse(sendRequest(), 0);
  resp.addExt("msgId", "7F00000100002A9F0000000000001234").addExt("queueId", "3");
  resp.addExt("queueOffset", "12345").addExt("MSG_REGION", "DefaultRegion");
  resp.addExt("TRACE_ON", "true");
  std::string out;
  for (auto _ : state) {
    out.clear();
    rmq::remoting::encodeJsonHeader(resp, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_EncodeSendResponseJson);

void BM_EncodeRecord1K(benchmark::State& state) {
  std::vector<uint8_t> body(1024, 'x');
  rmq::store::MessageToStore m;
  m.topic = "BenchmarkTest";
  m.queueId = 3;
  m.body = body;
  m.properties = kProperties;
  m.bornTimestamp = 1764633600123;
  m.bornHost = rmq::store::HostAddress::ipv4(127, 0, 0, 1, 40000);
  m.storeHost = rmq::store::HostAddress::ipv4(127, 0, 0, 1, 10911);
  std::vector<uint8_t> out(rmq::store::recordLength(m));
  for (auto _ : state) {
    size_t written = 0;
    auto s = rmq::store::encodeRecord(m, {1, 2, 3}, out, &written);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_EncodeRecord1K);

void BM_Crc32(benchmark::State& state) {
  std::vector<uint8_t> body(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(rmq::crc32(0, body.data(), body.size()));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Crc32)->Arg(1024)->Arg(16384);

void BM_Crc32Zlib(benchmark::State& state) {
  std::vector<uint8_t> body(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) benchmark::DoNotOptimize(rmq::crc32Portable(0, body.data(), body.size()));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Crc32Zlib)->Arg(1024)->Arg(16384);

void BM_EditSendProperties(benchmark::State& state) {
  for (auto _ : state) {
    rmq::broker::PropertiesEditor props(kProperties);
    props.set("CLUSTER", "DefaultCluster");
    props.remove("WAIT");
    std::string text = props.str();
    benchmark::DoNotOptimize(text.data());
  }
}
BENCHMARK(BM_EditSendProperties);

}  // namespace

BENCHMARK_MAIN();
