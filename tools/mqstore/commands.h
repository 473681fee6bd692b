// The mqstore subcommands. Both only read the store (see store_files.h).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "tools/mqstore/store_files.h"

namespace rmq::tools::mqstore {

// Verifies every CommitLog record (CRC, sizes, positions, blank markers), every ConsumeQueue unit
// against the record it points at (offset, size, topic, queue, queue offset, tagsCode), that each
// NOT/COMMIT record has exactly one unit, and the index files. Prints a summary; returns 0 when
// no problem was found, 1 otherwise.
int runCheck(const StoreFiles& files, std::ostream& out);

struct DumpOptions {
  std::optional<std::string> topic;  // walk this topic's consume queues instead of the CommitLog
  std::optional<int32_t> queueId;    // only this queue
};
// One JSON object per stored message per line (record_json.h). Returns 0, or 1 when something
// could not be read (reported on `err`).
int runDump(const StoreFiles& files, const DumpOptions& options, std::ostream& out,
            std::ostream& err);

}  // namespace rmq::tools::mqstore
