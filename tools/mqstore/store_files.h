// Read-only access to a store directory for mqstore: files mapped PROT_READ from descriptors
// opened O_RDONLY (nothing here can change a byte or a file length), the file-size settings
// (from broker.conf or inferred from the file lengths), the CommitLog files by offset and the
// consume-queue directories. No recovery: what is on disk is what is read.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/delay_level_table.h"
#include "store/message_store_config.h"

namespace rmq::tools::mqstore {

class ReadOnlyFile {
 public:
  static std::unique_ptr<ReadOnlyFile> open(const std::string& path, Status& status);
  // Takes over a mapping of `size` bytes (none when size is 0).
  ReadOnlyFile(std::string path, const uint8_t* data, size_t size)
      : path_(std::move(path)), data_(data), size_(size) {}
  ~ReadOnlyFile();
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;
  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const uint8_t* data_;
  size_t size_;
};

// Where the sizes came from, for the report.
struct Settings {
  bool fromConfig = false;  // -c broker.conf given
  int64_t commitLogFileSize = 0;
  int64_t consumeQueueFileSize = 0;
  int32_t maxHashSlotNum = 0;
  int32_t maxIndexNum = 0;
  bool enableConsumeQueueExt = false;
  store::DelayLevelTable delayLevels;
};

// Settings from the broker.conf at `path` (Java keys; unknown keys are ignored).
Status loadSettings(const std::string& path, Settings& out);
Settings defaultSettings();

struct SegmentFile {
  std::string name;
  int64_t start = 0;
  std::unique_ptr<ReadOnlyFile> file;
};

// Lists `dir` (sorted names) and maps every file. Names that are not 20 digits are reported in
// `strays`. A missing directory gives no files.
Status mapSegments(const std::string& dir, std::vector<SegmentFile>& out,
                   std::vector<std::string>& strays);

class StoreFiles {
 public:
  // Maps the CommitLog of <root>/commitlog; infers the CommitLog file size from the first file
  // when `settings` did not come from a configuration.
  Status open(const std::string& root, Settings settings);

  const std::string& root() const { return root_; }
  const Settings& settings() const { return settings_; }
  const std::vector<SegmentFile>& commitLog() const { return commitLog_; }
  const std::vector<std::string>& commitLogStrays() const { return strays_; }
  // Bytes from `offset` to the end of the CommitLog file holding it; empty when there is none.
  std::span<const uint8_t> commitLogAt(int64_t offset) const;
  int64_t commitLogMinOffset() const;

  // (topic, queueId) of every numeric queue directory under consumequeue/, sorted.
  std::vector<std::pair<std::string, int32_t>> queues() const;
  std::string queueDirectory(const std::string& topic, int32_t queueId) const;
  // The ConsumeQueue file size: configured, or the length of the first ConsumeQueue file.
  int64_t consumeQueueFileSize() const;
  bool abortPresent() const;

 private:
  std::string root_;
  Settings settings_;
  std::vector<SegmentFile> commitLog_;
  std::vector<std::string> strays_;
};

std::vector<std::string> sortedNames(const std::string& dir);
bool isDirectory(const std::string& path);

}  // namespace rmq::tools::mqstore
