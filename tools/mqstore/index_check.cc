#include "tools/mqstore/index_check.h"

#include "store/byte_io.h"
#include "store/index_file.h"
#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::tools::mqstore {
namespace {

namespace ix = store::index;

// Does the record at `offset` carry a key (UNIQ_KEY or a KEYS token) whose hash is `hash`?
bool recordHasKeyHash(const StoreFiles& files, int64_t offset, int32_t hash) {
  store::DecodedRecord r;
  if (!store::decodeRecord(files.commitLogAt(offset), r, {false, true}).ok()) return false;
  auto matches = [&](std::string_view key) {
    return store::IndexFile::keyHash(std::string(r.topic) + ix::kKeyJoiner + std::string(key)) ==
           hash;
  };
  namespace p = store::property;
  if (auto u = store::findProperty(r.properties, p::kUniqClientMessageIdKeyIdx); u && matches(*u)) {
    return true;
  }
  if (auto keys = store::findProperty(r.properties, p::kKeys)) {
    for (auto k : store::splitKeys(*keys)) {
      if (matches(k)) return true;
    }
  }
  return false;
}

}  // namespace

void checkIndex(const StoreFiles& files, Records& records, Report& report, std::ostream& out) {
  const Settings& settings = files.settings();
  const std::string dir = files.root() + "/index";
  const auto names = sortedNames(dir);
  const int64_t slots = settings.maxHashSlotNum, capacity = settings.maxIndexNum;
  const int64_t expected = ix::fileSize(slots, capacity);
  int64_t items = 0, expired = 0, stale = 0;
  for (const auto& name : names) {
    const std::string path = dir + "/" + name;
    if (name.size() != 17 || name.find_first_not_of("0123456789") != std::string::npos) {
      report.warning("unexpected index file name " + path);
    }
    Status s;
    auto f = ReadOnlyFile::open(path, s);
    if (!f) {
      report.problem(s.message());
      continue;
    }
    const auto bytes = f->bytes();
    if (static_cast<int64_t>(bytes.size()) != expected) {
      const std::string why = path + " has length " + std::to_string(bytes.size()) +
                              ", expected 40 + 4*maxHashSlotNum(" + std::to_string(slots) +
                              ") + 20*maxIndexNum(" + std::to_string(capacity) +
                              ") = " + std::to_string(expected);
      if (settings.fromConfig) {
        report.problem(why);
        continue;
      }
      out << "index: not checked: " << why << " with the default settings; pass -c broker.conf\n";
      return;
    }
    const uint8_t* b = bytes.data();
    int64_t count = std::max<int32_t>(store::loadI32(b + ix::kIndexCountOffset), 1);
    const int32_t slotCount = store::loadI32(b + ix::kHashSlotCountOffset);
    if (count > capacity) {
      report.problem(path + ": indexCount " + std::to_string(count) + " above maxIndexNum");
      count = capacity;
    }
    if (slotCount < 0 || slotCount > slots) {
      report.problem(path + ": hashSlotCount " + std::to_string(slotCount));
    }
    for (int64_t slot = 0; slot < slots; ++slot) {
      const int32_t v = store::loadI32(b + ix::slotPosition(slot));
      if (v < 0 || v > count) {
        report.problem(path + ": slot " + std::to_string(slot) + " points at item " +
                       std::to_string(v) + " of " + std::to_string(count));
      } else if (v == count && v > 0) {
        report.warning(path + ": slot " + std::to_string(slot) +
                       " points at an item the header does not count yet (interrupted put)");
      }
    }
    for (int64_t n = 1; n < count; ++n) {
      const uint8_t* item = b + ix::itemPosition(slots, n);
      const int32_t hash = store::loadI32(item + ix::kItemKeyHashOffset);
      const int64_t phy = store::loadI64(item + ix::kItemPhyOffsetOffset);
      const int32_t prev = store::loadI32(item + ix::kItemPrevIndexOffset);
      ++items;
      const std::string where = path + " item " + std::to_string(n) + ": ";
      if (prev < 0 || prev >= n) {
        report.problem(where + "previous item " + std::to_string(prev) + " is not older");
      }
      if (phy < files.commitLogMinOffset()) {
        ++expired;
        continue;
      }
      if (!records.find(phy) || !recordHasKeyHash(files, phy, hash)) {
        ++stale;
        report.warning(where + "no record with a key of hash " + std::to_string(hash) +
                       " at CommitLog offset " + std::to_string(phy) +
                       " (stale after a truncation?)");
      }
    }
  }
  out << "index: " << names.size() << " files, " << items << " items (" << expired
      << " below the CommitLog, " << stale << " stale)\n";
}

}  // namespace rmq::tools::mqstore
