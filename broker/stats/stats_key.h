// The key of a statistics item, given as its parts: Java joins them with '@' ("topic@group",
// "queueId@topic@group"). Hashing and comparing work on the parts, so the hot path never builds
// the joined string. The hash combines one std::hash per part; a key given whole (admin
// requests) is split at its '@'s first, so it finds the same item. Topic and group names cannot
// contain '@' (Java's and our name validation), which makes the split unambiguous.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>

namespace rmq::broker {

class StatsKey {
 public:
  static constexpr size_t kMaxParts = 3;

  // A joined key ("T@G"); more than kMaxParts parts match no item.
  explicit StatsKey(std::string_view joined) {
    size_t from = 0;
    while (true) {
      const size_t at = joined.find('@', from);
      if (count_ == kMaxParts) {
        valid_ = false;
        break;
      }
      push(joined.substr(from, at == std::string_view::npos ? at : at - from));
      if (at == std::string_view::npos) break;
      from = at + 1;
    }
    finish();
  }
  StatsKey(std::string_view a, std::string_view b) {
    push(a);
    push(b);
    finish();
  }
  // `prefix`@`rest`: reuses the part hashes of `rest` (the pull path's latency key).
  StatsKey(std::string_view prefix, const StatsKey& rest) {
    push(prefix);
    for (size_t i = 0; i < rest.count_ && count_ < kMaxParts; ++i) {
      parts_[count_] = rest.parts_[i];
      partHashes_[count_++] = rest.partHashes_[i];
    }
    valid_ = rest.valid_ && rest.count_ < kMaxParts;
    finish();
  }

  uint64_t hash() const { return hash_; }
  bool valid() const { return valid_; }

  size_t size() const {
    size_t n = count_ - 1;
    for (size_t i = 0; i < count_; ++i) n += parts_[i].size();
    return n;
  }

  bool equals(std::string_view joined) const {
    if (!valid_ || joined.size() != size()) return false;
    size_t at = 0;
    for (size_t i = 0; i < count_; ++i) {
      if (i && joined[at++] != '@') return false;
      if (std::memcmp(joined.data() + at, parts_[i].data(), parts_[i].size()) != 0) return false;
      at += parts_[i].size();
    }
    return true;
  }

  std::string str() const {
    std::string s;
    s.reserve(size());
    for (size_t i = 0; i < count_; ++i) {
      if (i) s.push_back('@');
      s.append(parts_[i]);
    }
    return s;
  }

 private:
  void push(std::string_view part) {
    parts_[count_] = part;
    partHashes_[count_++] = std::hash<std::string_view>{}(part);
  }
  void finish() {
    uint64_t h = count_;
    for (size_t i = 0; i < count_; ++i) {
      h ^= partHashes_[i] + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    }
    hash_ = h;
  }

  std::array<std::string_view, kMaxParts> parts_{};
  std::array<uint64_t, kMaxParts> partHashes_{};
  size_t count_ = 0;
  uint64_t hash_ = 0;
  bool valid_ = true;
};

}  // namespace rmq::broker
