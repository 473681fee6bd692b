// Reads the CommitLog of a store from its first file the way recovery does (shared protocol
// store-format.md 8.2): records back to back, a blank marker moves to the next file, the first
// zero or undecodable bytes end the data. Layout problems along the way are reported.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "store/message_record.h"
#include "tools/mqstore/store_files.h"

namespace rmq::tools::mqstore {

struct CommitLogEnd {
  int64_t offset = 0;  // where the readable data ends
  bool zero = true;    // ended on zero bytes (false: on an unreadable record)
  std::string reason;  // the decoder's message when !zero
  int64_t records = 0;
  int64_t blanks = 0;
  int64_t emptyFilesAfterEnd = 0;  // all-zero files after the end (Java pre-allocates one)
};

using RecordVisitor = std::function<void(int64_t offset, const store::DecodedRecord& record)>;
using ProblemSink = std::function<void(const std::string& problem)>;

// Visits every readable record (CRC checked). Reports: wrong file lengths, gaps between files,
// PHYSICALOFFSET not matching the position, blank markers of the wrong size, an unreadable
// record, non-zero bytes after the end, and data in files after the end.
CommitLogEnd walkCommitLog(const StoreFiles& files, const RecordVisitor& visit,
                           const ProblemSink& problem);

}  // namespace rmq::tools::mqstore
