// The startup command line shared by mqnamesrv and mqbroker (common/cli.h): what each flag sets,
// the exit codes and the texts printed for help, bad options and the -c file.
#include "common/cli.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <vector>

namespace rmq {
namespace {

constexpr ServerCommandLine kBroker{"usage: b\n", /*acceptsPrintImportant=*/true};
constexpr ServerCommandLine kNamesrv{"usage: n\n", /*acceptsPrintImportant=*/false};

struct Parsed {
  std::optional<int> exitCode;
  ServerOptions opts;
  std::string out, err;
};

Parsed parse(const ServerCommandLine& cli, std::initializer_list<const char*> args) {
  std::vector<std::string> storage{"prog"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : storage) argv.push_back(a.data());
  Parsed p;
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  p.exitCode = parseServerOptions(static_cast<int>(argv.size()), argv.data(), cli, p.opts);
  p.out = ::testing::internal::GetCapturedStdout();
  p.err = ::testing::internal::GetCapturedStderr();
  return p;
}

TEST(ServerOptions, LongAndShortFormsSetTheSameOptions) {
  for (auto args : {std::initializer_list<const char*>{"-c", "f.conf", "-n", "a:1", "-p", "-m"},
                    {"--configFile", "f.conf", "--namesrvAddr", "a:1", "--printConfigItem",
                     "--printImportantConfig"}}) {
    Parsed p = parse(kBroker, args);
    EXPECT_FALSE(p.exitCode);
    EXPECT_EQ(p.opts.configFile, "f.conf");
    EXPECT_EQ(p.opts.namesrvAddr, "a:1");
    EXPECT_TRUE(p.opts.printConfigItem);
    EXPECT_TRUE(p.opts.printImportantConfig);
    EXPECT_EQ(p.out + p.err, "");
  }
  Parsed none = parse(kBroker, {});
  EXPECT_FALSE(none.exitCode);
  EXPECT_EQ(none.opts.configFile, "");
  EXPECT_FALSE(none.opts.printConfigItem || none.opts.printImportantConfig);
}

TEST(ServerOptions, HelpPrintsTheUsageAndEndsWithZero) {
  for (const char* h : {"-h", "--help"}) {
    Parsed p = parse(kBroker, {h});
    EXPECT_EQ(p.exitCode, 0);
    EXPECT_EQ(p.out, "usage: b\n");
    EXPECT_EQ(p.err, "");
  }
  EXPECT_EQ(parse(kBroker, {"-h", "-x"}).exitCode, 0);  // read in order: help comes first
}

TEST(ServerOptions, UnknownOptionsAndMissingValuesEndWithOne) {
  for (auto args : {std::initializer_list<const char*>{"-x"}, {"-c"}, {"-n"}, {"-p", "extra"}}) {
    Parsed p = parse(kBroker, args);
    EXPECT_EQ(p.exitCode, 1);
    EXPECT_EQ(p.out, "usage: b\n");
    EXPECT_EQ(p.err, "Unrecognized option: " + std::string(*(args.end() - 1)) + "\n");
  }
}

TEST(ServerOptions, PrintImportantOnlyWhereAccepted) {
  Parsed p = parse(kNamesrv, {"-m"});
  EXPECT_EQ(p.exitCode, 1);
  EXPECT_EQ(p.err, "Unrecognized option: -m\n");
  EXPECT_EQ(p.out, "usage: n\n");
  EXPECT_EQ(parse(kNamesrv, {"--printImportantConfig"}).exitCode, 1);
  Parsed n = parse(kNamesrv, {"-n", "a:1", "-p"});
  EXPECT_FALSE(n.exitCode);
  EXPECT_EQ(n.opts.namesrvAddr, "a:1");
}

class ConfigPropertiesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("rmq_cli_test_" + std::to_string(::getpid()) + ".conf"))
                .string();
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::string path_;
};

TEST_F(ConfigPropertiesTest, AppliesTheFileAndSaysSo) {
  std::ofstream(path_) << "listenPort=1234\n";
  std::string seen;
  ::testing::internal::CaptureStdout();
  bool ok = loadConfigProperties(path_, [&seen](const Properties& p) {
    seen = p.get("listenPort").value_or("");
    return Status::Ok();
  });
  EXPECT_EQ(::testing::internal::GetCapturedStdout(),
            "load config properties file OK, " + path_ + "\n");
  EXPECT_TRUE(ok);
  EXPECT_EQ(seen, "1234");
}

TEST_F(ConfigPropertiesTest, ReportsAMissingFileAndARejectedConfig) {
  bool applied = false;
  auto apply = [&applied](const Properties&) {
    applied = true;
    return Status::Error("bad value for listenPort: 'abc'");
  };
  ::testing::internal::CaptureStderr();
  EXPECT_FALSE(loadConfigProperties(path_, apply));  // not written yet
  EXPECT_EQ(
      ::testing::internal::GetCapturedStderr().rfind("load config properties file failed: ", 0),
      0u);
  EXPECT_FALSE(applied);

  std::ofstream(path_) << "listenPort=abc\n";
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  EXPECT_FALSE(loadConfigProperties(path_, apply));
  EXPECT_EQ(::testing::internal::GetCapturedStderr(),
            "bad config: bad value for listenPort: 'abc'\n");
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  EXPECT_TRUE(applied);
}

}  // namespace
}  // namespace rmq
