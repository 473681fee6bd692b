// Small file helpers with the durability contract of Java's MixAll.string2File: the new
// content is written to "<file>.tmp" and fsynced, the previous file is kept as "<file>.bak",
// then the temp file is renamed over the target and the directory is fsynced.
#pragma once

#include <string>

#include "common/status.h"

namespace rmq {

Status writeFileAtomically(const std::string& path, const std::string& content);
// Reads the whole file; a missing file is reported with `missing` = true and an error status.
Status readWholeFile(const std::string& path, std::string& out, bool* missing = nullptr);
// Reads `path`, falling back to "<path>.bak" when the file is missing or empty (as Java does).
Status readFileOrBackup(const std::string& path, std::string& out);
Status makeDirectories(const std::string& path);
std::string parentDirectory(const std::string& path);
std::string homeDirectory();

}  // namespace rmq
