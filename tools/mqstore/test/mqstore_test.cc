// Runs the built mqstore binary on the Java 4.9.8 store samples (in place: the tool must not
// change a byte) and on damaged and C++-extended copies of them.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>

#include "common/logging.h"
#include "store/byte_io.h"
#include "store/message_properties.h"
#include "store/message_store.h"
#include "store/store_format.h"
#include "store/test/java_store_samples.h"
#include "store/test/manifest_model.h"
#include "store/test/store_test_util.h"

namespace rmq::store {
namespace {

namespace fs = std::filesystem;
using testing::jnum;
using testing::jstr;

struct ToolRun {
  int exitCode = -1;
  std::string out;
  std::string err;
};

ToolRun mqstore(const std::string& args) {
  testing::TempDir tmp;
  const std::string errPath = tmp.path() + "/stderr";
  const std::string cmd = std::string(MQSTORE_BIN) + " " + args + " 2>'" + errPath + "'";
  ToolRun r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  testing::readWholeFile(errPath, r.err);
  return r;
}

// Content and modification time of every file: what "read-only" has to keep.
std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::string data;
    if (e.is_regular_file()) testing::readWholeFile(e.path(), data);
    struct stat st {};
    ::stat(e.path().c_str(), &st);
    out[e.path()] = testing::sha256Hex(asBytes(data)) + " " + std::to_string(st.st_mtim.tv_sec) +
                    "." + std::to_string(st.st_mtim.tv_nsec);
  }
  return out;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

const char* const kKeys[] = {"topic",         "queueId",    "queueOffset",   "commitLogOffset",
                             "offsetMsgId",   "uniqKey",    "tags",          "keys",
                             "properties",    "bodyLength", "bodySha256",    "storeTimestamp",
                             "bornTimestamp", "sysFlag",    "reconsumeTimes"};

class MqstoreOnJavaSamples : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    log::setLevel(log::Level::WARN);
    std::string why;
    sample_ = testing::loadJavaStoreSample(GetParam(), why);
    if (!sample_) GTEST_SKIP() << why;
    model_ = testing::buildManifestModel(*sample_);
    dir_ = sample_->storeDir;
    conf_ = dir_ + "/../conf/broker.conf";
  }

  // Parses a dump; every line is one object with exactly the documented keys.
  std::map<int64_t, rapidjson::Document> parseDump(const std::string& out,
                                                   std::vector<int64_t>* order = nullptr) {
    std::map<int64_t, rapidjson::Document> byOffset;
    for (const auto& line : lines(out)) {
      rapidjson::Document d;
      d.Parse(line.data(), line.size());
      EXPECT_FALSE(d.HasParseError()) << line;
      if (d.HasParseError() || !d.IsObject()) continue;
      EXPECT_EQ(d.MemberCount(), std::size(kKeys)) << line;
      for (const char* k : kKeys) EXPECT_TRUE(d.HasMember(k)) << k << " in " << line;
      const int64_t offset = d["commitLogOffset"].GetInt64();
      if (order) order->push_back(offset);
      EXPECT_TRUE(byOffset.emplace(offset, std::move(d)).second) << "twice: " << offset;
    }
    return byOffset;
  }

  void expectLineMatches(const rapidjson::Value& line, const testing::ManifestRecord& m) {
    SCOPED_TRACE(m.label);
    const auto& view = *m.view;
    const auto& raw = view["raw"];
    EXPECT_EQ(jstr(line, "topic"), m.topic);
    EXPECT_EQ(jnum(line, "queueId"), m.queueId);
    EXPECT_EQ(jnum(line, "queueOffset"), m.queueOffset);
    EXPECT_EQ(jstr(line, "offsetMsgId"), jstr(view, "offsetMsgId"));
    EXPECT_EQ(jstr(line, "uniqKey"), m.uniqKey);
    EXPECT_EQ(jstr(line, "tags"), jstr(view, "tags"));
    EXPECT_EQ(line["tags"].IsNull(), view["tags"].IsNull());
    EXPECT_EQ(jstr(line, "keys"), jstr(view, "keys"));
    EXPECT_EQ(line["keys"].IsNull(), view["keys"].IsNull());
    EXPECT_TRUE(line["properties"] == raw["properties"]);
    EXPECT_EQ(jnum(line, "bodyLength"), jnum(raw, "storedBodyLength"));
    EXPECT_EQ(jstr(line, "bodySha256"), jstr(raw, "storedBodySha256"));
    for (const char* k : {"storeTimestamp", "bornTimestamp", "sysFlag", "reconsumeTimes"}) {
      EXPECT_EQ(jnum(line, k), jnum(view, k)) << k;
    }
  }

  const testing::JavaStoreSample* sample_ = nullptr;
  testing::ManifestModel model_;
  std::string dir_, conf_;
};

TEST_P(MqstoreOnJavaSamples, DumpOfTheCommitLogHasEveryManifestRecord) {
  const auto before = snapshot(dir_ + "/..");
  const ToolRun r = mqstore("dump '" + dir_ + "' -c '" + conf_ + "'");
  EXPECT_EQ(snapshot(dir_ + "/.."), before) << "mqstore changed the store";
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.err, "");
  std::vector<int64_t> order;
  const auto dump = parseDump(r.out, &order);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
  EXPECT_EQ(dump.size(), model_.records.size() + 2);  // + the two transaction op records
  for (const auto& m : model_.records) {
    auto it = dump.find(m.offset);
    ASSERT_NE(it, dump.end()) << m.label;
    expectLineMatches(it->second, m);
  }
  // Inferred sizes give the same dump.
  EXPECT_EQ(mqstore("dump '" + dir_ + "'").out, r.out);
}

TEST_P(MqstoreOnJavaSamples, DumpOfATopicWalksItsConsumeQueuesInOrder) {
  for (const std::string& topic : model_.dataTopics) {
    SCOPED_TRACE(topic);
    const ToolRun r = mqstore("dump '" + dir_ + "' --topic " + topic + " -c '" + conf_ + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::vector<int64_t> order, want;
    const auto dump = parseDump(r.out, &order);
    for (const auto& [key, units] : model_.queues) {
      if (key.first != topic) continue;
      for (const auto& [qo, index] : units) {
        want.push_back(model_.records[index].offset);
        expectLineMatches(dump.at(want.back()), model_.records[index]);
      }
    }
    EXPECT_EQ(order, want);
    // One queue only.
    const ToolRun q0 = mqstore("dump '" + dir_ + "' --topic " + topic + " --queue 0");
    ASSERT_EQ(q0.exitCode, 0) << q0.err;
    const auto one = parseDump(q0.out);
    const auto queue0 = model_.queues.find({topic, 0});
    EXPECT_EQ(one.size(), queue0 == model_.queues.end() ? 0 : queue0->second.size());
    for (const auto& [offset, line] : one) EXPECT_EQ(jnum(line, "queueId"), 0);
  }
  EXPECT_EQ(mqstore("dump '" + dir_ + "' --topic NO_SUCH_TOPIC").exitCode, 1);
}

TEST_P(MqstoreOnJavaSamples, CheckFindsNoProblem) {
  const auto before = snapshot(dir_ + "/..");
  const ToolRun r = mqstore("check '" + dir_ + "' -c '" + conf_ + "'");
  EXPECT_EQ(snapshot(dir_ + "/.."), before) << "mqstore changed the store";
  EXPECT_EQ(r.exitCode, 0) << r.out;
  EXPECT_NE(r.out.find("summary: 0 problem(s), 0 warning(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::to_string(model_.records.size() + 2) + " records"), std::string::npos)
      << r.out;
  if (GetParam() == "crash") {
    EXPECT_NE(r.out.find("data [0, 1161304), 1 empty file(s) after it"), std::string::npos)
        << r.out;
  }
  // Without broker.conf the sizes come from the files; the index needs the settings.
  const ToolRun inferred = mqstore("check '" + dir_ + "'");
  EXPECT_EQ(inferred.exitCode, 0) << inferred.out;
  EXPECT_NE(inferred.out.find("pass -c broker.conf"), std::string::npos) << inferred.out;
}

// Damaged copies: each damage is found and named.
TEST_P(MqstoreOnJavaSamples, CheckReportsDamage) {
  const auto& first = model_.records.front();  // a record in the middle of the first file
  size_t mid = model_.records.size() / 2;
  while (jnum((*model_.records[mid].view)["raw"], "storedBodyLength") < 10) ++mid;
  const auto& middle = model_.records[mid];  // its body starts at byte 88 (IPv4 hosts)
  struct Damage {
    const char* what;
    std::function<Status(const std::string& root)> apply;
    std::string mentions;
  };
  const std::string oneq = GetParam() == "crash" ? "CRASH_ONEQ" : "SAMPLE_ONEQ";
  const std::vector<Damage> damages = {
      {"flipped body byte",
       [&](const std::string& root) {
         return testing::flipByte(
             root + "/commitlog/" + offsetToFileName(middle.offset / 1048576 * 1048576),
             middle.offset % 1048576 + 90);
       },
       "PROBLEM: unreadable record at " + std::to_string(middle.offset)},
      {"second ConsumeQueue file of the one-queue topic removed",
       [&](const std::string& root) {
         std::error_code ec;
         fs::remove(root + "/consumequeue/" + oneq + "/0/" + offsetToFileName(6000), ec);
         return ec ? Status::Error(ec.message()) : Status::Ok();
       },
       "queue offset 300) has no consume-queue unit"},
      {"tagsCode of a unit changed",
       [&](const std::string& root) {
         return testing::flipByte(root + "/consumequeue/" + first.topic + "/" +
                                      std::to_string(first.queueId) + "/" + offsetToFileName(0),
                                  first.queueOffset * 20 + 19);
       },
       "unit " + std::to_string(first.queueOffset) + ": tagsCode"},
      {"index file cut",
       [&](const std::string& root) {
         const std::string index = root + "/index/" + testing::listDirectory(root + "/index")[0];
         return testing::resizeFile(index, 20000);
       },
       "has length 20000, expected 40 + 4*maxHashSlotNum(100) + 20*maxIndexNum(1000) = 20440"},
  };
  for (const auto& d : damages) {
    SCOPED_TRACE(d.what);
    testing::TempDir tmp;
    const std::string root = tmp.path() + "/store";
    ASSERT_TRUE(testing::copyTree(dir_, root).ok());
    Status s = d.apply(root);
    ASSERT_TRUE(s.ok()) << s.message();
    const ToolRun r = mqstore("check '" + root + "' -c '" + conf_ + "'");
    EXPECT_EQ(r.exitCode, 1) << r.out;
    EXPECT_NE(r.out.find(d.mentions), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("summary: 0 problem(s)"), std::string::npos) << r.out;
  }
}

// Our MessageStore recovers a copy and appends across a CommitLog file boundary: mqstore, which
// reads the files with the decoder only, finds the result in the Java layout.
TEST_P(MqstoreOnJavaSamples, CheckAcceptsWhatOurStoreAppends) {
  testing::TempDir tmp;
  const std::string root = tmp.path() + "/store";
  ASSERT_TRUE(testing::copyTree(dir_, root).ok());
  MessageStoreConfig config = MessageStoreConfig::defaults();
  config.storePathRootDir = root;
  config.storePathCommitLog = root + "/commitlog";
  config.mappedFileSizeCommitLog = 1048576;
  config.mappedFileSizeConsumeQueue = 6000;
  config.maxHashSlotNum = 100;
  config.maxIndexNum = 1000;
  int appended = 0;
  {
    MessageStore store(config);
    ASSERT_TRUE(store.load().ok());
    ASSERT_TRUE(store.start().ok());
    const int64_t file = store.maxPhyOffset() / 1048576;
    for (int i = 0; store.maxPhyOffset() / 1048576 == file || i % 50 != 0; ++i, ++appended) {
      const std::string topic = *std::next(model_.dataTopics.begin(), i % 5);
      const std::string body(3000 + i, 'x');
      const std::string props = encodeProperties(std::vector<Property>{
          {property::kKeys, "k" + std::to_string(i)}, {property::kTags, i % 3 ? "A" : "B"}});
      MessageToStore m;
      m.topic = topic;
      m.body = asBytes(body);
      m.properties = props;
      m.bornHost = HostAddress::ipv4(127, 0, 0, 1, 1);
      m.storeHost = HostAddress::ipv4(127, 0, 0, 1, 42911);
      ASSERT_EQ(testing::putAndWait(store, m).status, PutMessageStatus::PUT_OK);
    }
    ASSERT_TRUE(testing::waitDispatched(store));
    store.shutdown();
  }
  const ToolRun r = mqstore("check '" + root + "' -c '" + conf_ + "'");
  EXPECT_EQ(r.exitCode, 0) << r.out;
  EXPECT_NE(r.out.find("summary: 0 problem(s), 0 warning(s)"), std::string::npos) << r.out;
  const size_t records = model_.records.size() + 2 + static_cast<size_t>(appended);
  EXPECT_NE(r.out.find(std::to_string(records) + " records, 2 blank markers"), std::string::npos)
      << r.out;
  const ToolRun dump = mqstore("dump '" + root + "'");
  EXPECT_EQ(dump.exitCode, 0) << dump.err;
  EXPECT_EQ(lines(dump.out).size(), records);
}

TEST(Mqstore, UsageErrors) {
  EXPECT_EQ(mqstore("").exitCode, 2);
  EXPECT_EQ(mqstore("frobnicate /tmp").exitCode, 2);
  EXPECT_EQ(mqstore("check /no/such/store").exitCode, 2);
  EXPECT_EQ(mqstore("check /tmp --topic T").exitCode, 2);
  EXPECT_EQ(mqstore("dump /tmp --queue x").exitCode, 2);
}

INSTANTIATE_TEST_SUITE_P(Samples, MqstoreOnJavaSamples,
                         ::testing::Values(std::string("clean-shutdown"), std::string("crash")),
                         [](const auto& info) {
                           return info.param == "crash" ? std::string("Crash")
                                                        : std::string("CleanShutdown");
                         });

}  // namespace
}  // namespace rmq::store
