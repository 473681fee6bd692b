#include <algorithm>
#include <map>
#include <ostream>

#include "common/properties.h"
#include "store/byte_io.h"
#include "store/message_properties.h"
#include "store/store_format.h"
#include "tools/mqstore/commands.h"
#include "tools/mqstore/commitlog_walk.h"
#include "tools/mqstore/index_check.h"
#include "tools/mqstore/report.h"

namespace rmq::tools::mqstore {
namespace {

namespace cq = store::cq;

bool dispatchedType(int32_t sysFlag) {
  const int32_t t = sysFlag & store::sysflag::kTransactionMask;
  return t == store::sysflag::kTransactionNot || t == store::sysflag::kTransactionCommit;
}

// The tagsCode the dispatcher writes for a record (store-format.md 4.2).
int64_t expectedTagsCode(const store::DecodedRecord& r, const Settings& settings) {
  if (r.topic == store::kScheduleTopic) {
    if (auto level = store::findProperty(r.properties, store::property::kDelayTimeLevel)) {
      auto l = parseJavaInt(*level);
      if (l && *l > 0) {
        return settings.delayLevels.deliverTimestamp(std::min(*l, settings.delayLevels.maxLevel()),
                                                     r.storeTimestamp);
      }
    }
  }
  return store::tagsCodeOf(store::tagsOf(r.properties));
}

struct QueueCheck {
  const StoreFiles& files;
  Records& records;
  Report& report;
  int64_t dataEnd;
  int64_t units = 0, fillers = 0, expired = 0;

  void run(const std::string& topic, int32_t queueId) {
    const std::string name = topic + "/" + std::to_string(queueId);
    std::vector<SegmentFile> segments;
    std::vector<std::string> strays;
    Status s = mapSegments(files.queueDirectory(topic, queueId), segments, strays);
    if (!s.ok()) return report.problem(s.message());
    for (const auto& stray : strays) report.warning("ignoring " + stray);
    const int64_t fileSize = files.consumeQueueFileSize();
    bool ended = false, real = false;
    for (size_t fi = 0; fi < segments.size(); ++fi) {
      const SegmentFile& f = segments[fi];
      const auto bytes = f.file->bytes();
      if (static_cast<int64_t>(bytes.size()) != fileSize) {
        report.problem(f.file->path() + " has length " + std::to_string(bytes.size()) +
                       ", expected " + std::to_string(fileSize));
      }
      if (fileSize <= 0 || f.start % fileSize != 0 ||
          (fi > 0 && f.start != segments[fi - 1].start + fileSize)) {
        report.problem(f.file->path() + ": name is not the next file offset of " + name);
      }
      for (size_t pos = 0; pos + cq::kUnitSize <= bytes.size(); pos += cq::kUnitSize) {
        const uint8_t* u = bytes.data() + pos;
        const int64_t offset = store::loadI64(u + cq::kCommitLogOffsetOffset);
        const int32_t size = store::loadI32(u + cq::kSizeOffset);
        const int64_t tagsCode = store::loadI64(u + cq::kTagsCodeOffset);
        const int64_t index = (f.start + static_cast<int64_t>(pos)) / cq::kUnitSize;
        if (ended) {
          if (offset != 0 || size != 0 || tagsCode != 0) {
            report.problem(name + ": unit " + std::to_string(index) +
                           " holds data after the end of the queue");
            return;
          }
          continue;
        }
        if (offset == cq::kFillerCommitLogOffset && size == cq::kFillerSize) {
          if (real || fi > 0) report.problem(name + ": filler unit " + std::to_string(index));
          ++fillers;
          continue;
        }
        if (offset < 0 || size <= 0) {
          ended = true;
          continue;
        }
        real = true;
        ++units;
        unit(name, topic, queueId, index, offset, size, tagsCode);
      }
    }
  }

  void unit(const std::string& name, const std::string& topic, int32_t queueId, int64_t index,
            int64_t offset, int32_t size, int64_t tagsCode) {
    const std::string where = name + " unit " + std::to_string(index) + ": ";
    if (offset < files.commitLogMinOffset()) {
      ++expired;  // its CommitLog file was deleted by retention
      return;
    }
    RecordInfo* r = records.find(offset);
    if (!r) {
      report.problem(where +
                     (offset >= dataEnd ? "points past the end of the CommitLog data, at "
                                        : "no record starts at CommitLog offset ") +
                     std::to_string(offset));
      return;
    }
    ++r->units;
    if (size != r->size) {
      report.problem(where + "size " + std::to_string(size) + ", the record has " +
                     std::to_string(r->size));
    }
    if (records.topic(*r) != topic || r->queueId != queueId) {
      report.problem(where + "the record at " + std::to_string(offset) + " belongs to " +
                     records.topic(*r) + "/" + std::to_string(r->queueId));
    }
    if (r->queueOffset != index) {
      report.problem(where + "the record at " + std::to_string(offset) + " has QUEUEOFFSET " +
                     std::to_string(r->queueOffset));
    }
    if (!r->dispatched) {
      report.problem(where + "the record at " + std::to_string(offset) +
                     " is a prepared or rolled-back transaction record");
    }
    const bool extAddress =
        files.settings().enableConsumeQueueExt && tagsCode <= cq::kMaxExtAddress;
    if (!extAddress && tagsCode != r->tagsCode) {
      report.problem(where + "tagsCode " + std::to_string(tagsCode) + ", expected " +
                     std::to_string(r->tagsCode));
    }
  }
};

}  // namespace

int runCheck(const StoreFiles& files, std::ostream& out) {
  Report report(out);
  const Settings& settings = files.settings();
  const char* origin = settings.fromConfig ? "broker.conf" : "the file lengths";
  out << "store " << files.root() << (files.abortPresent() ? " (abort file present)" : "") << "\n"
      << "mappedFileSizeCommitLog=" << settings.commitLogFileSize << " (" << origin
      << "), ConsumeQueue file size " << files.consumeQueueFileSize() << " (" << origin << ")\n";
  for (const auto& stray : files.commitLogStrays()) report.warning("ignoring " + stray);

  Records records;
  const CommitLogEnd end = walkCommitLog(
      files,
      [&](int64_t offset, const store::DecodedRecord& r) {
        records.add(offset, r, dispatchedType(r.sysFlag), expectedTagsCode(r, settings));
      },
      [&](const std::string& p) { report.problem(p); });
  out << "commitlog: " << files.commitLog().size() << " files, " << end.records << " records, "
      << end.blanks << " blank markers, data [" << files.commitLogMinOffset() << ", " << end.offset
      << ")";
  if (end.emptyFilesAfterEnd > 0)
    out << ", " << end.emptyFilesAfterEnd << " empty file(s) after it";
  out << "\n";

  QueueCheck queues{files, records, report, end.offset};
  const auto keys = files.queues();
  for (const auto& [topic, queueId] : keys) queues.run(topic, queueId);
  for (const RecordInfo& r : records.all()) {
    if (r.dispatched && r.units == 0) {
      report.problem("record at " + std::to_string(r.offset) + " (" + records.topic(r) + "/" +
                     std::to_string(r.queueId) + " queue offset " + std::to_string(r.queueOffset) +
                     ") has no consume-queue unit");
    } else if (r.units > 1) {
      report.problem("record at " + std::to_string(r.offset) + " has " + std::to_string(r.units) +
                     " consume-queue units");
    }
  }
  out << "consumequeue: " << keys.size() << " queues, " << queues.units << " units ("
      << queues.fillers << " fillers, " << queues.expired << " below the CommitLog)\n";

  checkIndex(files, records, report, out);
  out << "summary: " << report.problems() << " problem(s), " << report.warnings()
      << " warning(s)\n";
  return report.problems() == 0 ? 0 : 1;
}

}  // namespace rmq::tools::mqstore
