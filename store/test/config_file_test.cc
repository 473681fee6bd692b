// The load/save rules of store/config/config_file.h: first start, .bak fallback, and a failed
// save that must leave the previous file untouched.
#include "store/config/config_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/config/offset_table_codec.h"

namespace rmq::store::config {
namespace {

namespace fs = std::filesystem;

// delayOffset.json as Java writes it (fastjson's pretty layout, bare integer keys).
const char* const kGood = "{\n\t\"offsetTable\":{1:7,2:9\n\t}\n}";
const char* const kOther = "{\n\t\"offsetTable\":{3:1\n\t}\n}";

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("rmq_config_file_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "delayOffset.json").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  fs::path dir_;
  std::string path_;
};

TEST_F(ConfigFileTest, MissingFileIsAFirstStart) {
  DelayOffsetFile file;
  bool loaded = true;
  ASSERT_TRUE(loadConfigFile(path_, file, loaded).ok());
  EXPECT_FALSE(loaded);
  EXPECT_TRUE(file.offsetTable.empty());
}

TEST_F(ConfigFileTest, EmptyFileWithoutBackupIsAFirstStart) {
  write(path_, "");
  DelayOffsetFile file;
  bool loaded = true;
  ASSERT_TRUE(loadConfigFile(path_, file, loaded).ok());
  EXPECT_FALSE(loaded);
}

TEST_F(ConfigFileTest, LoadsTheMainFile) {
  write(path_, kGood);
  write(path_ + ".bak", kOther);
  DelayOffsetFile file;
  bool loaded = false;
  ASSERT_TRUE(loadConfigFile(path_, file, loaded).ok());
  EXPECT_TRUE(loaded);
  EXPECT_EQ(encode(file), kGood);
}

TEST_F(ConfigFileTest, MissingOrEmptyMainFileTakesTheBackup) {
  write(path_ + ".bak", kGood);
  for (bool present : {false, true}) {
    if (present) write(path_, "");
    DelayOffsetFile file;
    bool loaded = false;
    ASSERT_TRUE(loadConfigFile(path_, file, loaded).ok());
    EXPECT_TRUE(loaded);
    EXPECT_EQ(encode(file), kGood);
  }
}

TEST_F(ConfigFileTest, CorruptMainFileWithGoodBackupLoadsTheBackup) {
  write(path_, "{\"offsetTable\":{1:");  // cut short, as by a crash without the safe-write
  write(path_ + ".bak", kGood);
  DelayOffsetFile file;
  bool loaded = false;
  ASSERT_TRUE(loadConfigFile(path_, file, loaded).ok());
  EXPECT_TRUE(loaded);
  EXPECT_EQ(encode(file), kGood);  // nothing of the rejected text is kept
}

TEST_F(ConfigFileTest, CorruptMainFileAndBackupIsAnErrorNamingTheFile) {
  write(path_, "{\"offsetTable\":[]}");
  write(path_ + ".bak", "not json");
  DelayOffsetFile file;
  bool loaded = true;
  Status s = loadConfigFile(path_, file, loaded);
  ASSERT_FALSE(s.ok());
  EXPECT_FALSE(loaded);
  EXPECT_NE(s.message().find("cannot load " + path_), std::string::npos) << s.message();
}

TEST_F(ConfigFileTest, CorruptMainFileWithoutBackupIsAnError) {
  write(path_, "garbage");
  DelayOffsetFile file;
  bool loaded = true;
  EXPECT_FALSE(loadConfigFile(path_, file, loaded).ok());
  EXPECT_FALSE(loaded);
}

TEST_F(ConfigFileTest, SaveKeepsThePreviousContentAsBackup) {
  ASSERT_TRUE(saveConfigFile(path_, kOther).ok());
  EXPECT_FALSE(fs::exists(path_ + ".bak"));  // nothing to keep on the first save
  ASSERT_TRUE(saveConfigFile(path_, kGood).ok());
  EXPECT_EQ(read(path_), kGood);
  EXPECT_EQ(read(path_ + ".bak"), kOther);
  EXPECT_FALSE(fs::exists(path_ + ".tmp"));
}

TEST_F(ConfigFileTest, SaveCreatesMissingDirectories) {
  const std::string nested = (dir_ / "a" / "b" / "topics.json").string();
  ASSERT_TRUE(saveConfigFile(nested, kGood).ok());
  EXPECT_EQ(read(nested), kGood);
}

TEST_F(ConfigFileTest, FailedSaveLeavesTheOldFileAndBackup) {
  write(path_, kGood);
  write(path_ + ".bak", kOther);
  // A directory where the temp file goes makes the write fail before any rename.
  fs::create_directory(path_ + ".tmp");
  EXPECT_FALSE(saveConfigFile(path_, "{}").ok());
  EXPECT_EQ(read(path_), kGood);
  EXPECT_EQ(read(path_ + ".bak"), kOther);
  DelayOffsetFile file;
  bool loaded = false;
  ASSERT_TRUE(loadConfigFile(path_, file, loaded).ok());
  EXPECT_EQ(encode(file), kGood);
}

TEST_F(ConfigFileTest, TheDecoderFormTakesAnyText) {
  write(path_, "text");
  std::string seen;
  bool loaded = false;
  ASSERT_TRUE(loadConfigFile(
                  path_,
                  [&seen](std::string_view json) {
                    seen = std::string(json);
                    return Status::Ok();
                  },
                  loaded)
                  .ok());
  EXPECT_TRUE(loaded);
  EXPECT_EQ(seen, "text");
}

}  // namespace
}  // namespace rmq::store::config
