// Loading and saving of the JSON config files under <storePathRootDir>/config (topics.json,
// subscriptionGroup.json, consumerOffset.json, ...), with the recovery rule of Java's
// ConfigManager.load: a missing or empty file, or one whose text does not decode, is replaced by
// its "<file>.bak" copy. Saving is MixAll.string2File's safe-write (common/file_util.h), which is
// what leaves that .bak copy behind.
//
// The codecs (*_codec.h) stay pure text <-> struct; this is the only place that knows the files.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace rmq::store::config {

// Decodes a whole file's text; must not keep anything of a text it rejects, since the .bak copy
// is decoded next.
using ConfigDecoder = std::function<Status(std::string_view json)>;

// Reads `path` and decodes it; falls back to "<path>.bak" (logging a warning) when the file does
// not decode. `loaded` is false, with Ok, when neither file holds anything (a first start); an
// error means neither decodes, and carries the main file's reason.
Status loadConfigFile(const std::string& path, const ConfigDecoder& decode, bool& loaded);

// The same for a codec's file struct: `decode(json, file)` is found next to the struct.
template <class File>
Status loadConfigFile(const std::string& path, File& file, bool& loaded) {
  return loadConfigFile(
      path, [&file](std::string_view json) { return decode(json, file); }, loaded);
}

// Writes `json` as the new content: "<path>.tmp" + fsync, the old file kept as "<path>.bak",
// rename. On failure the old file is left as it was.
Status saveConfigFile(const std::string& path, const std::string& json);

}  // namespace rmq::store::config
