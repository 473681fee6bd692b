// Access to the store samples written by the real Java 4.9.8 broker
// (<compat>/java-store/<name>.tar.gz + <name>.manifest.json, see its README.md). Each tarball is
// extracted once per test process into a private temp directory, removed at exit.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <rapidjson/document.h>

namespace rmq::store::testing {

struct JavaStoreSample {
  std::string name;      // "clean-shutdown" or "crash"
  std::string storeDir;  // extracted <name>/store
  rapidjson::Document manifest;
};

// The sample, or nullptr with `why` saying what is missing (tests then GTEST_SKIP with it).
// The directory is $RMQ_COMPAT_DATA if set and non-empty, else $RMQ_SOURCE_DIR/../shared/compat,
// else the source tree this test was built from.
const JavaStoreSample* loadJavaStoreSample(const std::string& name, std::string& why);

bool readWholeFile(const std::string& path, std::string& out);
std::vector<std::string> listDirectory(const std::string& dir);  // sorted names
std::string sha256Hex(std::span<const uint8_t> bytes);

}  // namespace rmq::store::testing
