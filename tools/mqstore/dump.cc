#include <ostream>

#include "store/byte_io.h"
#include "store/store_format.h"
#include "tools/mqstore/commands.h"
#include "tools/mqstore/commitlog_walk.h"
#include "tools/mqstore/record_json.h"

namespace rmq::tools::mqstore {
namespace {

// The units of one queue in order; each record is read from the CommitLog it points at.
int dumpQueue(const StoreFiles& files, const std::string& topic, int32_t queueId, std::ostream& out,
              std::ostream& err) {
  std::vector<SegmentFile> segments;
  std::vector<std::string> strays;
  Status s = mapSegments(files.queueDirectory(topic, queueId), segments, strays);
  if (!s.ok()) {
    err << s.message() << "\n";
    return 1;
  }
  int rc = 0;
  for (const auto& f : segments) {
    const auto bytes = f.file->bytes();
    for (size_t pos = 0; pos + store::cq::kUnitSize <= bytes.size(); pos += store::cq::kUnitSize) {
      const uint8_t* u = bytes.data() + pos;
      const int64_t offset = store::loadI64(u + store::cq::kCommitLogOffsetOffset);
      const int32_t size = store::loadI32(u + store::cq::kSizeOffset);
      const int64_t queueOffset = (f.start + static_cast<int64_t>(pos)) / store::cq::kUnitSize;
      if (offset == store::cq::kFillerCommitLogOffset && size == store::cq::kFillerSize) continue;
      if (offset < 0 || size <= 0) return rc;             // the end of the queue
      if (offset < files.commitLogMinOffset()) continue;  // the CommitLog file is gone
      store::DecodedRecord r;
      auto data = files.commitLogAt(offset);
      s = store::decodeRecord(data.first(std::min<size_t>(data.size(), static_cast<size_t>(size))),
                              r);
      if (!s.ok() || r.kind != store::RecordKind::kMessage || r.totalSize != size) {
        err << topic << "/" << queueId << " unit " << queueOffset << ": no record of " << size
            << " bytes at CommitLog offset " << offset
            << (s.ok() ? std::string() : ": " + s.message()) << "\n";
        rc = 1;
        continue;
      }
      if (r.queueOffset != queueOffset) {
        err << topic << "/" << queueId << " unit " << queueOffset
            << " points at a record with QUEUEOFFSET " << r.queueOffset << "\n";
        rc = 1;
      }
      out << recordJson(r, offset) << "\n";
    }
  }
  return rc;
}

}  // namespace

int runDump(const StoreFiles& files, const DumpOptions& options, std::ostream& out,
            std::ostream& err) {
  if (options.topic) {
    int rc = 0;
    bool found = false;
    for (const auto& [topic, queueId] : files.queues()) {
      if (topic != *options.topic || (options.queueId && queueId != *options.queueId)) continue;
      found = true;
      rc |= dumpQueue(files, topic, queueId, out, err);
    }
    if (!found) {
      err << "no consume queue for topic " << *options.topic
          << (options.queueId ? " queue " + std::to_string(*options.queueId) : std::string())
          << "\n";
      return 1;
    }
    return rc;
  }
  int rc = 0;
  walkCommitLog(
      files,
      [&](int64_t offset, const store::DecodedRecord& r) {
        if (options.queueId && r.queueId != *options.queueId) return;
        out << recordJson(r, offset) << "\n";
      },
      [&](const std::string& problem) {
        err << problem << "\n";
        rc = 1;
      });
  return rc;
}

}  // namespace rmq::tools::mqstore
