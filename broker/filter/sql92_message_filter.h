// The SQL92 filter of a pull (Java ExpressionMessageFilter for SQL92 subscriptions, with the
// ExpressionForRetryMessageFilter rule for retry topics): no consume-queue check (no bloom bit
// maps), the compiled expression evaluated on the record's properties. Compiled expressions are
// cached by text, so a subscription is compiled once however many pulls use it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "broker/filter/sql92/sql92_filter.h"
#include "common/status.h"
#include "store/message_store.h"

namespace rmq::broker {

class Sql92FilterCache {
 public:
  // The compiled filter for `expression`, or an error naming what does not parse.
  Status get(const std::string& expression, std::shared_ptr<const sql92::Sql92Filter>& out);

 private:
  static constexpr size_t kMaxEntries = 4096;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const sql92::Sql92Filter>> cache_;
};

class Sql92MessageFilter : public store::MessageFilter {
 public:
  // `matchAll`: a retry topic while filterSupportRetry is off (Java passes everything there).
  Sql92MessageFilter(std::shared_ptr<const sql92::Sql92Filter> filter, bool matchAll)
      : filter_(std::move(filter)), matchAll_(matchAll) {}
  bool isMatchedByConsumeQueue(int64_t) const override { return true; }
  bool isMatchedByCommitLog(std::string_view properties) const override {
    return matchAll_ || filter_->matchesProperties(properties);
  }

 private:
  std::shared_ptr<const sql92::Sql92Filter> filter_;
  bool matchAll_;
};

}  // namespace rmq::broker
