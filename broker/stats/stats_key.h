// The key of a statistics item, given as its parts: Java joins them with '@' ("topic@group",
// "queueId@topic@group"). Hashing and comparing work on the parts, so the hot path never builds
// the joined string; FNV-1a over the parts and the '@' between them equals FNV-1a over the
// joined text, so a key given whole (admin requests) finds the same item.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace rmq::broker {

class StatsKey {
 public:
  explicit StatsKey(std::string_view a) : parts_{a}, count_(1) {}
  StatsKey(std::string_view a, std::string_view b) : parts_{a, b}, count_(2) {}
  StatsKey(std::string_view a, std::string_view b, std::string_view c)
      : parts_{a, b, c}, count_(3) {}

  uint64_t hash() const {
    uint64_t h = kOffsetBasis;
    for (size_t i = 0; i < count_; ++i) {
      if (i) h = mix(h, '@');
      for (char c : parts_[i]) h = mix(h, c);
    }
    return h;
  }

  size_t size() const {
    size_t n = count_ - 1;
    for (size_t i = 0; i < count_; ++i) n += parts_[i].size();
    return n;
  }

  bool equals(std::string_view joined) const {
    if (joined.size() != size()) return false;
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
  static constexpr uint64_t kOffsetBasis = 14695981039346656037ull;
  static uint64_t mix(uint64_t h, char c) {
    return (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  }

  std::array<std::string_view, 3> parts_;
  size_t count_;
};

}  // namespace rmq::broker
