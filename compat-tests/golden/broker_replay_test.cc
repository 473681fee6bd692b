// Golden replay of the broker: the requests that the recorded Java 4.9.8 clients sent to the
// Java broker (shared/compat/captures, the captures of broker_replay_captures.cc) are re-sent,
// byte for byte, to an in-process broker configured as the capture broker, and each of our
// answers is compared with the recorded Java answer field by field. The parts:
//  * broker_replay_captures: which captures, what is left out, every tolerated difference and
//    known broker bug;
//  * broker_replay_plan: which connections and frames, in which order;
//  * broker_replay_time: the replay clock and the mapping of Java's timestamps to ours;
//  * broker_replay_broker: the broker under test and the commit log padding that makes Java's
//    offsets reproducible;
//  * broker_replay_records: the record-by-record comparison of message bodies;
//  * broker_replay_bodies: properties bodies key by key, values compared by shape;
//  * broker_replay_runner / broker_replay_compare: the replay of one capture and the comparison
//    of each answer;
//  * this file: the tests, and the tests of the machinery itself.
//
// Every adaptation of the input or the environment is counted and printed per capture ("input
// adapted"), every tolerated difference with its reason ("allowed"); a capture whose only
// failures are known broker bugs is skipped with GTEST_SKIP() naming them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <iostream>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "common/logging.h"
#include "compat-tests/golden/broker_replay_bodies.h"
#include "compat-tests/golden/broker_replay_captures.h"
#include "compat-tests/golden/broker_replay_plan.h"
#include "compat-tests/golden/broker_replay_records.h"
#include "compat-tests/golden/broker_replay_runner.h"
#include "compat-tests/golden/broker_replay_time.h"
#include "compat-tests/golden/capture_reader.h"
#include "compat-tests/golden/replay_support.h"
#include "store/host_address.h"
#include "store/message_id.h"
#include "store/message_record.h"
#include "store/store_format.h"

// PrintTo must be found by argument-dependent lookup, so it lives in the namespace of
// ReplayedCapture.
namespace rmq::compat::brokerreplay {

void PrintTo(const ReplayedCapture& c, std::ostream* os) {
  *os << c.file;
}

namespace {

namespace fs = std::filesystem;

class BrokerGoldenReplay : public ::testing::TestWithParam<ReplayedCapture> {};

TEST_P(BrokerGoldenReplay, AnswersAsJavaDid) {
  const ReplayedCapture& rcap = GetParam();
  CompatDataLocation loc = locateCompatData();
  const fs::path dir = capturesDir(loc);
  if (!fs::exists(dir / rcap.file)) {
    GTEST_SKIP() << noCaptureDataMessage(dir / rcap.file, loc);
  }
  LogLevelGuard quiet(log::Level::ERROR);
  CaptureFile cf;
  ASSERT_TRUE(loadCapture(dir / rcap.file, cf).ok());
  Summary s;
  BrokerReplay(cf, rcap, s).run();
  printSummary(s);
  EXPECT_GT(s.compared, 0u);
  if (s.failures == 0 && !s.bugs.empty()) {
    std::string list;
    for (const auto& b : s.bugs) list += "\n  " + b;
    GTEST_SKIP() << "broker bug: " << s.bugs.size()
                 << " difference(s) from known broker bugs:" << list;
  }
}

std::string captureName(const ::testing::TestParamInfo<ReplayedCapture>& info) {
  std::string n = info.param.file;
  n = n.substr(0, n.find('.'));
  for (char& c : n) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Captures, BrokerGoldenReplay, ::testing::ValuesIn(replayedCaptures()),
                         captureName);

TEST(BrokerGoldenReplayLeftOut, IsListed) {
  for (const std::string& s : leftOut()) std::cout << "[ left out ] " << s << "\n";
  SUCCEED();
}

// ---- the comparison machinery itself (no capture data needed) ----

std::string makeRecord(
    const std::function<void(store::MessageToStore&, store::RecordPlacement&)>& change) {
  store::MessageToStore m;
  m.topic = "T";
  m.queueId = 1;
  const std::string body = "hello";
  m.body = store::asBytes(body);
  const std::string props = std::string("TAGS\x01") + "a\x02" + "KEYS\x01" + "k";
  m.properties = props;
  m.bornTimestamp = 1000;
  m.bornHost = *store::parseHostAddress("127.0.0.1:50000");
  m.storeHost = *store::parseHostAddress(kJavaBrokerAddr);
  store::RecordPlacement p;
  p.queueOffset = 3;
  p.physicalOffset = 4096;
  p.storeTimestamp = 2000;
  change(m, p);
  std::string out(store::recordLength(m), '\0');
  size_t written = 0;
  EXPECT_TRUE(
      store::encodeRecord(
          m, p, std::span<uint8_t>(reinterpret_cast<uint8_t*>(out.data()), out.size()), &written)
          .ok());
  return out;
}

std::set<std::string> recordDiffFields(const std::string& ours, const std::string& java,
                                       std::vector<std::string>* notes = nullptr) {
  RecordContext ctx;
  ctx.javaStoreHost = *store::parseHostAddress(kJavaBrokerAddr);
  ctx.ourStoreHost = ctx.javaStoreHost;
  ctx.ourHostHex = ctx.javaHostHex = store::offsetMsgId(ctx.javaStoreHost, 0).substr(0, 16);
  ctx.clientPorts[50000] = 50001;
  std::vector<Diff> diffs;
  std::vector<std::string> n;
  Records o = decodeRecords(ours), j = decodeRecords(java);
  compareRecordLists(o, j, ctx, diffs, n);
  if (notes) *notes = n;
  std::set<std::string> out;
  for (const Diff& d : diffs) out.insert(d.field);
  return out;
}

TEST(BrokerReplayRecords, ReportsEachDifferingField) {
  using Fields = std::set<std::string>;
  const std::string java = makeRecord([](auto&, auto&) {});
  EXPECT_EQ(recordDiffFields(java, java), Fields{});
  EXPECT_EQ(recordDiffFields(makeRecord([](auto& m, auto&) { m.queueId = 2; }), java),
            Fields{"body.record[0].queueId"});
  EXPECT_EQ(recordDiffFields(makeRecord([](auto&, auto& p) { p.physicalOffset = 1; }), java),
            Fields{"body.record[0].physicalOffset"});
  EXPECT_EQ(recordDiffFields(makeRecord([](auto& m, auto&) { m.reconsumeTimes = 1; }), java),
            Fields{"body.record[0].reconsumeTimes"});
  EXPECT_EQ(recordDiffFields(makeRecord([](auto& m, auto&) { m.topic = "U"; }), java),
            Fields{"body.record[0].topic"});
  static const std::string other = "hellO";
  EXPECT_EQ(
      recordDiffFields(makeRecord([](auto& m, auto&) { m.body = store::asBytes(other); }), java),
      (Fields{"body.record[0].body", "body.record[0].bodyCrc"}));
  static const std::string props2 = std::string("TAGS\x01") + "b\x02" + "KEYS\x01" + "k";
  EXPECT_EQ(recordDiffFields(makeRecord([](auto& m, auto&) { m.properties = props2; }), java),
            Fields{"body.record[0].properties.TAGS"});
  // Tolerated: the store time, the same entries in another order, the replay socket's port.
  std::vector<std::string> notes;
  EXPECT_EQ(
      recordDiffFields(makeRecord([](auto&, auto& p) { p.storeTimestamp = 9; }), java, &notes),
      Fields{});
  EXPECT_EQ(notes, std::vector<std::string>{kToleratedStoreTime});
  static const std::string reordered = std::string("KEYS\x01") + "k\x02" + "TAGS\x01" + "a";
  EXPECT_EQ(
      recordDiffFields(makeRecord([](auto& m, auto&) { m.properties = reordered; }), java, &notes),
      Fields{});
  EXPECT_EQ(notes, std::vector<std::string>{kToleratedPropertiesOrder});
  EXPECT_EQ(recordDiffFields(makeRecord([](auto& m, auto&) {
                               m.bornHost = *store::parseHostAddress("127.0.0.1:50001");
                             }),
                             java, &notes),
            Fields{});
  EXPECT_EQ(notes, std::vector<std::string>{kToleratedBornHostPort});
  // Another port than the one our socket got, or another IP, is a difference.
  EXPECT_EQ(recordDiffFields(makeRecord([](auto& m, auto&) {
                               m.bornHost = *store::parseHostAddress("127.0.0.1:50002");
                             }),
                             java),
            Fields{"body.record[0].bornHost"});
  // A trailing separator is not an order difference (and makes the record longer).
  static const std::string trailing = std::string("TAGS\x01") + "a\x02" + "KEYS\x01" + "k\x02";
  EXPECT_EQ(recordDiffFields(makeRecord([](auto& m, auto&) { m.properties = trailing; }), java),
            (Fields{"body.record[0].properties", "body.record[0].totalSize"}));
  EXPECT_EQ(recordDiffFields(java + java, java), Fields{"body record count"});
}

TEST(BrokerReplayBodies, PropertiesTextsComparedKeyByKey) {
  std::vector<Diff> diffs;
  std::vector<std::string> notes;
  comparePropertiesBodies("a=1\nb=2\n", "b=2\na=1\n", diffs, notes);
  EXPECT_TRUE(diffs.empty());
  EXPECT_EQ(notes.size(), 1u);  // Hashtable order
  diffs.clear();
  comparePropertiesBodies("a=1\nc=3\n", "a=2\nb=2\n", diffs, notes);
  std::set<std::string> fields;
  for (const Diff& d : diffs) fields.insert(d.field + "|" + d.ours + "|" + d.java);
  EXPECT_EQ(fields,
            (std::set<std::string>{"body.a|1|2", "body.b|<absent>|2", "body.c|3|<absent>"}));
}

TEST(BrokerReplayBodies, ShapesAndEarlierRuns) {
  EXPECT_TRUE(sameShape(Shape::kNumbers, "[ 0 days, 4 seconds ]", "[ 2 days, 10 seconds ]"));
  EXPECT_TRUE(sameShape(Shape::kNumbers, "0.0 1.5", "2.25 -3"));
  EXPECT_FALSE(sameShape(Shape::kNumbers, "  ", "0.0 1.8 "));
  EXPECT_FALSE(sameShape(Shape::kNumbers, "12", "<absent>"));
  EXPECT_FALSE(sameShape(Shape::kNumbers, "x1", "y1"));
  EXPECT_TRUE(sameShape(Shape::kText, "/tmp/x", "/opt/rocketmq"));
  EXPECT_TRUE(sameShape(Shape::kOnlyOurs, "v", "<absent>"));
  EXPECT_FALSE(sameShape(Shape::kOnlyOurs, "<absent>", "v"));
  EXPECT_EQ(captureRunId({R"({"topic":"JC_MWUTE0WEY9_admin2"})"}), "MWUTE0WEY9");
  EXPECT_TRUE(namesOtherRun("body.subscriptionGroupTable.JCG_MWUTCB9W4Z_orderly", "MWUTE0WEY9"));
  EXPECT_FALSE(namesOtherRun("body.subscriptionGroupTable.JCG_MWUTE0WEY9_admin", "MWUTE0WEY9"));
  EXPECT_FALSE(namesOtherRun("body.subscriptionGroupTable.TOOLS_CONSUMER", "MWUTE0WEY9"));
  EXPECT_FALSE(namesOtherRun("body.x.JCG_MWUTCB9W4Z_orderly", ""));
}

TEST(BrokerReplayTime, MapsBetweenAndAroundKnownMessages) {
  const std::vector<std::pair<int64_t, int64_t>> pairs = {
      {1000, 50000}, {2000, 50200}, {2000, 50200}, {4000, 50600}};
  EXPECT_EQ(TimeMap::map(1000, pairs), 50000);
  EXPECT_EQ(TimeMap::map(1500, pairs), 50100);
  EXPECT_EQ(TimeMap::map(3000, pairs), 50400);
  EXPECT_EQ(TimeMap::map(900, pairs), 49900);
  EXPECT_EQ(TimeMap::map(4500, pairs), 51100);
  EXPECT_EQ(TimeMap::map(0, pairs), 0);
  EXPECT_EQ(TimeMap::map(std::numeric_limits<int64_t>::max(), pairs),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(TimeMap::map(1234, {}), 1234);
  // Range bounds keep their distance to the messages inside the range.
  EXPECT_EQ(TimeMap::mapBound(1500, pairs, true), 50200 - 500);
  EXPECT_EQ(TimeMap::mapBound(1500, pairs, false), 50000 + 500);
  EXPECT_EQ(TimeMap::mapBound(500, pairs, true), 49500);
  EXPECT_EQ(TimeMap::mapBound(500, pairs, false), 49500);
  EXPECT_EQ(TimeMap::mapBound(5000, pairs, true), 51600);
  EXPECT_EQ(TimeMap::mapBound(5000, pairs, false), 51600);
  EXPECT_EQ(TimeMap::mapBound(std::numeric_limits<int64_t>::max(), pairs, false),
            std::numeric_limits<int64_t>::max());
}

// The planner on a recorded race: in scenario_send_sync the pull of queue 1 (line 238) was sent
// before the heartbeat at line 240 but served with its subscription; the pulls of queues 2 and 0
// (lines 237, 239) got SUBSCRIPTION_NOT_LATEST.
TEST(BrokerReplayPlan, OrdersPullsAsJavaProcessedThem) {
  CompatDataLocation loc = locateCompatData();
  const fs::path file = capturesDir(loc) / "scenario_send_sync.jsonl";
  if (!fs::exists(file)) GTEST_SKIP() << noCaptureDataMessage(file, loc);
  CaptureFile cf;
  ASSERT_TRUE(loadCapture(file, cf).ok());
  Plan plan = makePlan(cf, ReplayedCapture{"scenario_send_sync.jsonl", {}});
  std::vector<size_t> sendLines;
  for (const Step& s : plan.steps) {
    if (s.kind == StepKind::kSend) sendLines.push_back(cf.frames[s.frame].line);
  }
  auto pos = [&](size_t line) {
    return std::find(sendLines.begin(), sendLines.end(), line) - sendLines.begin();
  };
  EXPECT_LT(pos(237), pos(240));
  EXPECT_LT(pos(239), pos(240));
  EXPECT_GT(pos(238), pos(240));
}

// The planner on a recorded store race: in scenario_request_reply the requester answered the
// push of the reply at line 77 (line 79) just before its next send (line 80), and Java stored
// that send first; the second reply (line 85) was stored before its requester's send.
TEST(BrokerReplayPlan, AnswersPushedRepliesWhereJavaStoredThem) {
  CompatDataLocation loc = locateCompatData();
  const fs::path file = capturesDir(loc) / "scenario_request_reply.jsonl";
  if (!fs::exists(file)) GTEST_SKIP() << noCaptureDataMessage(file, loc);
  CaptureFile cf;
  ASSERT_TRUE(loadCapture(file, cf).ok());
  Plan plan = makePlan(cf, ReplayedCapture{"scenario_request_reply.jsonl", {}});
  auto pos = [&](StepKind kind, size_t line) {
    for (size_t i = 0; i < plan.steps.size(); ++i) {
      const Step& s = plan.steps[i];
      if (s.kind == kind && cf.frames[s.frame].line == line) return static_cast<long>(i);
    }
    return -1L;
  };
  ASSERT_GE(pos(StepKind::kRespond, 79), 0);
  EXPECT_GT(pos(StepKind::kRespond, 79), pos(StepKind::kAwait, 80));  // await of line 80's answer
  EXPECT_LT(pos(StepKind::kRespond, 87), pos(StepKind::kSend, 88));
}

}  // namespace
}  // namespace rmq::compat::brokerreplay
