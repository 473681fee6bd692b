// Bookkeeping of `mqstore check`: the problems and warnings found (printed as they come, the
// first 50 of each kind), and the CommitLog records seen, for the consume-queue and index checks.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "store/message_record.h"

namespace rmq::tools::mqstore {

class Report {
 public:
  explicit Report(std::ostream& out) : out_(out) {}
  void problem(const std::string& text) { print("PROBLEM", text, problems_); }
  void warning(const std::string& text) { print("WARNING", text, warnings_); }
  int64_t problems() const { return problems_; }
  int64_t warnings() const { return warnings_; }

 private:
  void print(const char* kind, const std::string& text, int64_t& count) {
    if (++count <= kMaxPrinted) {
      out_ << kind << ": " << text << "\n";
    } else if (count == kMaxPrinted + 1) {
      out_ << kind << ": ... (more not printed)\n";
    }
  }
  static constexpr int64_t kMaxPrinted = 50;
  std::ostream& out_;
  int64_t problems_ = 0;
  int64_t warnings_ = 0;
};

struct RecordInfo {
  int64_t offset = 0;
  int64_t queueOffset = 0;
  int64_t tagsCode = 0;  // what its consume-queue unit must hold
  int32_t size = 0;
  int32_t queueId = 0;
  int32_t topicIndex = 0;
  int32_t units = 0;        // consume-queue units referring to it
  bool dispatched = false;  // NOT or COMMIT: must have exactly one unit
};

// The records of a CommitLog walk, in offset order.
class Records {
 public:
  void add(int64_t offset, const store::DecodedRecord& r, bool dispatched, int64_t tagsCode);
  RecordInfo* find(int64_t offset);  // the record starting at `offset`, or null
  const std::string& topic(const RecordInfo& r) const { return topics_[r.topicIndex]; }
  const std::vector<RecordInfo>& all() const { return records_; }

 private:
  std::vector<RecordInfo> records_;
  std::vector<std::string> topics_;
  std::map<std::string, int32_t, std::less<>> topicIndex_;
};

}  // namespace rmq::tools::mqstore
