// The index part of `mqstore check` (shared protocol store-format.md 6): file lengths against
// maxHashSlotNum/maxIndexNum, header counts, slot and chain links, and that each item points at
// a record carrying a key with the item's hash. Items left behind by a truncation of the
// CommitLog (Java keeps them too) are counted as warnings, not problems.
#pragma once

#include <ostream>

#include "tools/mqstore/report.h"
#include "tools/mqstore/store_files.h"

namespace rmq::tools::mqstore {

void checkIndex(const StoreFiles& files, Records& records, Report& report, std::ostream& out);

}  // namespace rmq::tools::mqstore
