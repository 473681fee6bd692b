#include "store/delay_level_table.h"

#include <sstream>

#include "common/properties.h"

namespace rmq::store {

Status DelayLevelTable::parse(const std::string& text, DelayLevelTable& out) {
  out.delays_.clear();
  std::istringstream in(text);
  std::string item;
  while (in >> item) {
    char unit = item.back();
    int64_t factor;
    switch (unit) {
      case 's':
        factor = 1000;
        break;
      case 'm':
        factor = 60 * 1000;
        break;
      case 'h':
        factor = 3600 * 1000;
        break;
      case 'd':
        factor = 24 * 3600 * 1000;
        break;
      default:
        return Status::Error("bad messageDelayLevel item '" + item + "'");
    }
    auto n = parseJavaLong(item.substr(0, item.size() - 1));
    if (!n || *n < 0) return Status::Error("bad messageDelayLevel item '" + item + "'");
    out.delays_.push_back(*n * factor);
  }
  if (out.delays_.empty()) return Status::Error("messageDelayLevel is empty");
  return Status::Ok();
}

int64_t DelayLevelTable::delayMillis(int32_t level) const {
  if (delays_.empty()) return 0;
  if (level < 1) level = 1;
  if (level > maxLevel()) level = maxLevel();
  return delays_[static_cast<size_t>(level - 1)];
}

int64_t DelayLevelTable::deliverTimestamp(int32_t level, int64_t storeTimestamp) const {
  if (level < 1 || level > maxLevel()) return storeTimestamp + 1000;
  return storeTimestamp + delays_[static_cast<size_t>(level - 1)];
}

}  // namespace rmq::store
