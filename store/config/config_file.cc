#include "store/config/config_file.h"

#include "common/file_util.h"
#include "common/logging.h"

namespace rmq::store::config {

Status loadConfigFile(const std::string& path, const ConfigDecoder& decode, bool& loaded) {
  loaded = false;
  std::string text;
  // The .bak copy is already taken here when the file is missing or empty.
  Status s = readFileOrBackup(path, text);
  if (!s.ok() || text.empty()) return Status::Ok();  // first start
  s = decode(text);
  if (!s.ok()) {
    // Java falls back to the .bak copy when the file does not decode.
    std::string bak;
    if (!readWholeFile(path + ".bak", bak).ok() || !decode(bak).ok()) {
      return Status::Error("cannot load " + path + ": " + s.message());
    }
    RMQ_LOG(WARN) << path << " is damaged (" << s.message() << "), loaded the .bak copy";
  }
  loaded = true;
  return Status::Ok();
}

Status saveConfigFile(const std::string& path, const std::string& json) {
  return writeFileAtomically(path, json);
}

}  // namespace rmq::store::config
