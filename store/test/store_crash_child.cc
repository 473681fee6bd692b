// The process store_crash_test kills with SIGKILL: opens the store (recovering whatever the
// previous child left), then appends from several threads until it is killed, writing an Ack to
// stdout for every message the store completed with PUT_OK.
//
//   store_crash_child <storeDir> <threads> <cycle>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <future>
#include <random>
#include <thread>
#include <vector>

#include "common/logging.h"
#include "store/message_store.h"
#include "store/test/store_crash_protocol.h"

namespace rmq::store::crashtest {
namespace {

void writeAck(const Ack& a) {
  // One write(2) of 40 bytes into a pipe is atomic; the parent may be slow, never gone (we die
  // with it).
  if (::write(STDOUT_FILENO, &a, sizeof(a)) != static_cast<ssize_t>(sizeof(a))) std::_Exit(4);
}

void appendLoop(MessageStore& store, uint64_t cycle, uint64_t thread) {
  std::mt19937_64 rng(cycle * 1000003 + thread);
  for (uint64_t seq = 0;; ++seq) {
    const int32_t topic = static_cast<int32_t>(rng() % kTopics);
    const int32_t queueId = static_cast<int32_t>(rng() % kQueues);
    const size_t count = rng() % 16 == 0 ? 2 + rng() % 3 : 1;  // some batches
    const std::string topicText = topicName(topic);
    std::vector<std::string> bodies, props;
    std::vector<uint64_t> ids;
    for (size_t i = 0; i < count; ++i) {
      ids.push_back((cycle << 40) | (thread << 32) | (seq << 3) | i);
      bodies.push_back(makeBody(ids.back(), 20 + rng() % 1200));
      props.push_back(propertiesFor(ids.back()));
    }
    std::vector<MessageToStore> batch;
    for (size_t i = 0; i < count; ++i) {
      batch.push_back(message(topic, queueId, topicText, bodies[i], props[i]));
    }
    std::promise<PutMessageResult> done;
    store.putMessages(batch, [&done](const PutMessageResult& r) { done.set_value(r); });
    const PutMessageResult r = done.get_future().get();
    if (r.status != PutMessageStatus::PUT_OK) {
      std::fprintf(stderr, "put: %s\n", putMessageStatusName(r.status));
      continue;
    }
    int64_t offset = r.wroteOffset;
    for (size_t i = 0; i < count; ++i) {
      Ack a;
      a.commitLogOffset = offset;
      a.queueOffset = r.logicsOffset + static_cast<int64_t>(i);
      a.topic = topic;
      a.queueId = queueId;
      a.size = static_cast<int32_t>(recordLength(batch[i]));
      a.bodyHash = bodyHash(asBytes(bodies[i]));
      writeAck(a);
      offset += a.size;
    }
  }
}

int run(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <storeDir> <threads> <cycle>\n", argv[0]);
    return 2;
  }
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test
  log::setLevel(log::Level::WARN);
  const int threads = std::atoi(argv[2]);
  const uint64_t cycle = std::strtoull(argv[3], nullptr, 10);
  MessageStore store(storeConfig(argv[1]));
  Status s = store.load();
  if (s.ok()) s = store.start();
  if (!s.ok()) {
    std::fprintf(stderr, "cannot open the store: %s\n", s.message().c_str());
    return 3;
  }
  Ack ready;
  ready.topic = kReady;
  writeAck(ready);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back(appendLoop, std::ref(store), cycle, static_cast<uint64_t>(t));
  }
  for (auto& w : workers) w.join();
  return 0;
}

}  // namespace
}  // namespace rmq::store::crashtest

int main(int argc, char** argv) {
  return rmq::store::crashtest::run(argc, argv);
}
