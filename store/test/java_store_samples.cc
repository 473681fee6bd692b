#include "store/test/java_store_samples.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

namespace rmq::store::testing {
namespace {

namespace fs = std::filesystem;

std::string compatDir() {
  if (const char* env = std::getenv("RMQ_COMPAT_DATA"); env && *env) return env;
  if (const char* src = std::getenv("RMQ_SOURCE_DIR"); src && *src) {
    return std::string(src) + "/../shared/compat";
  }
#ifdef RMQ_DEFAULT_SOURCE_DIR
  return std::string(RMQ_DEFAULT_SOURCE_DIR) + "/../shared/compat";
#else
  return "../shared/compat";
#endif
}

// Owns the extraction directory for the whole process.
class Extractions {
 public:
  ~Extractions() {
    std::error_code ec;
    if (!root_.empty()) fs::remove_all(root_, ec);
  }

  const JavaStoreSample* get(const std::string& name, std::string& why) {
    auto it = samples_.find(name);
    if (it != samples_.end()) return it->second.get();
    const std::string dir = compatDir() + "/java-store";
    const std::string tarball = dir + "/" + name + ".tar.gz";
    const std::string manifestPath = dir + "/" + name + ".manifest.json";
    if (!fs::exists(tarball) || !fs::exists(manifestPath)) {
      why = "Java store sample not found: " + tarball + " (set RMQ_COMPAT_DATA)";
      return nullptr;
    }
    if (root_.empty()) {
      std::string tmpl = (fs::temp_directory_path() / "rmq-java-store-XXXXXX").string();
      if (!mkdtemp(tmpl.data())) {
        why = "cannot create a temp directory";
        return nullptr;
      }
      root_ = tmpl;
    }
    const std::string cmd = "tar -xzf '" + tarball + "' -C '" + root_ + "'";
    if (std::system(cmd.c_str()) != 0) {
      why = "extraction failed: " + cmd;
      return nullptr;
    }
    auto sample = std::make_unique<JavaStoreSample>();
    sample->name = name;
    sample->storeDir = root_ + "/" + name + "/store";
    std::string text;
    if (!readWholeFile(manifestPath, text)) {
      why = "cannot read " + manifestPath;
      return nullptr;
    }
    sample->manifest.Parse(text.data(), text.size());
    if (sample->manifest.HasParseError() || !sample->manifest.IsObject()) {
      why = "cannot parse " + manifestPath;
      return nullptr;
    }
    return (samples_[name] = std::move(sample)).get();
  }

 private:
  std::string root_;
  std::map<std::string, std::unique_ptr<JavaStoreSample>> samples_;
};

Extractions& extractions() {
  static Extractions e;
  return e;
}

}  // namespace

const JavaStoreSample* loadJavaStoreSample(const std::string& name, std::string& why) {
  return extractions().get(name, why);
}

bool readWholeFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

std::vector<std::string> listDirectory(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

std::string sha256Hex(std::span<const uint8_t> bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 0xF]);
  }
  return out;
}

}  // namespace rmq::store::testing
