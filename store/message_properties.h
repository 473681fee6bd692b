// The PROPERTIES string of a record (message-format.md 5): "name\x01value\x02name\x01value".
// Parsing returns views into the caller's string and mirrors Java's decoder exactly, because what
// Java drops (empty names or values, segments without a separator) must be invisible here too.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/store_format.h"

namespace rmq::store {

struct Property {
  std::string_view name;
  std::string_view value;
  friend bool operator==(const Property&, const Property&) = default;
};

// Every segment Java would keep, in string order. Duplicates are all returned; Java's map keeps
// the last one (findProperty does the same). Segments with an empty name or an empty value, or
// without 0x01, are skipped silently as Java does; the first 0x01 splits name from value, so a
// value may contain further 0x01 bytes.
std::vector<Property> parseProperties(std::string_view properties);

// The same walk without building a vector: fn(name, value) for every segment Java keeps.
template <typename Fn>
void forEachProperty(std::string_view s, Fn&& fn) {
  size_t index = 0;
  while (index < s.size()) {
    size_t end = s.find(property::kPropertySeparator, index);
    if (end == std::string_view::npos) end = s.size();
    std::string_view segment = s.substr(index, end - index);
    size_t nv = segment.find(property::kNameValueSeparator);
    // Non-empty name (nv > 0) and non-empty value (nv < size - 1).
    if (nv != std::string_view::npos && nv > 0 && nv + 1 < segment.size()) {
      fn(segment.substr(0, nv), segment.substr(nv + 1));
    }
    index = end + 1;
  }
}

// Value of the last valid `name` segment, without allocating; nullopt when absent.
std::optional<std::string_view> findProperty(std::string_view properties, std::string_view name);

// Java's encoder: name 0x01 value 0x02 ... without the trailing 0x02. Empty values are written
// (Java only skips null values), so an empty value does not survive a round trip. Names and
// values are not checked for separator bytes, as in Java.
std::string encodeProperties(std::span<const Property> properties);
size_t encodedPropertiesLength(std::span<const Property> properties);

// A batch record stores the entry's own properties verbatim, then the batch-level part. Java puts
// one 0x02 between them only when both are non-empty and the entry part does not already end in
// 0x02. These give the joined length and write the joined bytes (allocation-free).
size_t joinedPropertiesLength(std::string_view entry, std::string_view batch);
void writeJoinedProperties(std::string_view entry, std::string_view batch, char* out);

// The TAGS value, or an empty view when absent.
std::string_view tagsOf(std::string_view properties);

// The non-empty space-separated tokens of a KEYS value (the keys the index stores).
std::vector<std::string_view> splitKeys(std::string_view keys);

// Consume-queue tagsCode of a tag: 0 for an empty tag, else Java's String.hashCode() of the whole
// tag text, sign-extended to 64 bits. Messages in SCHEDULE_TOPIC_XXXX instead carry their
// delivery time (storeTimestamp + delay of the level) as tagsCode; the caller, which knows the
// delay levels, must do that substitution.
int64_t tagsCodeOf(std::string_view tags);

}  // namespace rmq::store
