#include "tools/mqstore/commitlog_walk.h"

#include <algorithm>

#include "store/mapped_file.h"
#include "store/store_format.h"

namespace rmq::tools::mqstore {
namespace {

int64_t nonZeroBytes(std::span<const uint8_t> bytes) {
  return static_cast<int64_t>(
      std::count_if(bytes.begin(), bytes.end(), [](uint8_t b) { return b != 0; }));
}

}  // namespace

CommitLogEnd walkCommitLog(const StoreFiles& files, const RecordVisitor& visit,
                           const ProblemSink& problem) {
  CommitLogEnd end;
  const auto& log = files.commitLog();
  const int64_t fileSize = files.settings().commitLogFileSize;
  bool ended = false;
  for (size_t fi = 0; fi < log.size(); ++fi) {
    const SegmentFile& f = log[fi];
    const auto bytes = f.file->bytes();
    const std::string path = f.file->path();
    if (static_cast<int64_t>(bytes.size()) != fileSize) {
      problem(path + " has length " + std::to_string(bytes.size()) + ", expected " +
              std::to_string(fileSize));
    }
    if (fi > 0 && f.start != log[fi - 1].start + fileSize) {
      problem("gap in the CommitLog: " + log[fi - 1].name + " is followed by " + f.name +
              " instead of " + store::offsetToFileName(log[fi - 1].start + fileSize));
    }
    if (ended) {
      const int64_t n = nonZeroBytes(bytes);
      if (n == 0) {
        ++end.emptyFilesAfterEnd;
      } else {
        problem(path + " holds " + std::to_string(n) + " non-zero bytes after the end of the " +
                "data at " + std::to_string(end.offset) + " (recovery deletes it)");
      }
      continue;
    }
    int64_t pos = 0;
    while (true) {
      store::DecodedRecord r;
      Status s = store::decodeRecord(bytes.subspan(static_cast<size_t>(pos)), r);
      if (s.ok() && r.kind == store::RecordKind::kMessage) {
        if (r.physicalOffset != f.start + pos) {
          problem("record at " + std::to_string(f.start + pos) + " says PHYSICALOFFSET " +
                  std::to_string(r.physicalOffset));
        }
        visit(f.start + pos, r);
        ++end.records;
        pos += r.totalSize;
        continue;
      }
      if (s.ok() && r.kind == store::RecordKind::kBlank) {
        const int64_t left = static_cast<int64_t>(bytes.size()) - pos;
        if (r.totalSize != left) {
          problem("blank marker at " + std::to_string(f.start + pos) + " has size " +
                  std::to_string(r.totalSize) + ", but " + std::to_string(left) +
                  " bytes are left in " + f.name);
        }
        ++end.blanks;
        break;
      }
      ended = true;
      end.offset = f.start + pos;
      end.zero = s.ok();
      if (!s.ok()) {
        end.reason = s.message();
        problem("unreadable record at " + std::to_string(end.offset) + " in " + f.name + ": " +
                s.message() + " (recovery truncates the CommitLog here)");
      } else if (const int64_t n = nonZeroBytes(bytes.subspan(static_cast<size_t>(pos))); n > 0) {
        problem(std::to_string(n) + " non-zero bytes in " + f.name + " after the end of the " +
                "data at " + std::to_string(end.offset));
      }
      break;
    }
  }
  if (!ended && !log.empty()) end.offset = log.back().start + fileSize;
  if (log.empty()) end.offset = 0;
  return end;
}

}  // namespace rmq::tools::mqstore
