#include "tools/mqstore/report.h"

#include <algorithm>

namespace rmq::tools::mqstore {

void Records::add(int64_t offset, const store::DecodedRecord& r, bool dispatched,
                  int64_t tagsCode) {
  auto it = topicIndex_.find(r.topic);
  if (it == topicIndex_.end()) {
    it = topicIndex_.emplace(std::string(r.topic), static_cast<int32_t>(topics_.size())).first;
    topics_.emplace_back(r.topic);
  }
  RecordInfo info;
  info.offset = offset;
  info.queueOffset = r.queueOffset;
  info.tagsCode = tagsCode;
  info.size = r.totalSize;
  info.queueId = r.queueId;
  info.topicIndex = it->second;
  info.dispatched = dispatched;
  records_.push_back(info);
}

RecordInfo* Records::find(int64_t offset) {
  auto it = std::lower_bound(records_.begin(), records_.end(), offset,
                             [](const RecordInfo& r, int64_t o) { return r.offset < o; });
  return it != records_.end() && it->offset == offset ? &*it : nullptr;
}

}  // namespace rmq::tools::mqstore
