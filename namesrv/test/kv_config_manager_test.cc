#include "namesrv/kv_config_manager.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/file_util.h"

namespace rmq::namesrv {
namespace {

std::string tempDir() {
  char tmpl[] = "/tmp/kvtestXXXXXX";
  return mkdtemp(tmpl);
}

TEST(KVConfigManager, PersistsAndReloads) {
  std::string dir = tempDir();
  std::string path = dir + "/namesrv/kvConfig.json";
  {
    KVConfigManager kv(path);
    ASSERT_TRUE(kv.load().ok());
    ASSERT_TRUE(kv.put("ORDER_TOPIC_CONFIG", "T", "broker-a:4").ok());
    ASSERT_TRUE(kv.put("ns", "k", "v\"1").ok());
    ASSERT_TRUE(kv.put("ns", "k2", "v2").ok());
    ASSERT_TRUE(kv.remove("ns", "k2").ok());
    EXPECT_FALSE(kv.get("ns", "k2"));
  }
  std::string text;
  ASSERT_TRUE(readWholeFile(path, text).ok());
  EXPECT_EQ(text, R"({"configTable":{"ORDER_TOPIC_CONFIG":{"T":"broker-a:4"},"ns":{"k":"v\"1"}}})");
  EXPECT_TRUE(std::filesystem::exists(path + ".bak"));
  KVConfigManager again(path);
  ASSERT_TRUE(again.load().ok());
  EXPECT_EQ(again.get("ns", "k").value(), "v\"1");
  EXPECT_EQ(again.list("ORDER_TOPIC_CONFIG")->at("T"), "broker-a:4");
  EXPECT_FALSE(again.list("missing"));
  std::filesystem::remove_all(dir);
}

TEST(KVConfigManager, RefusesCorruptFile) {
  std::string dir = tempDir();
  std::string path = dir + "/kv.json";
  ASSERT_TRUE(writeFileAtomically(path, "{\"configTable\":").ok());
  KVConfigManager kv(path);
  EXPECT_FALSE(kv.load().ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace rmq::namesrv
