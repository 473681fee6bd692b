#include "store/message_properties.h"

#include <cstring>

#include "store/java_hash.h"
#include "store/store_format.h"

namespace rmq::store {
namespace {

constexpr char kNv = property::kNameValueSeparator;
constexpr char kSep = property::kPropertySeparator;

bool needsJoinSeparator(std::string_view entry, std::string_view batch) {
  return !entry.empty() && !batch.empty() && entry.back() != kSep;
}

}  // namespace

std::vector<Property> parseProperties(std::string_view properties) {
  std::vector<Property> out;
  forEachProperty(properties, [&](std::string_view n, std::string_view v) {
    out.push_back({n, v});
  });
  return out;
}

std::optional<std::string_view> findProperty(std::string_view properties, std::string_view name) {
  std::optional<std::string_view> found;
  forEachProperty(properties, [&](std::string_view n, std::string_view v) {
    if (n == name) found = v;
  });
  return found;
}

size_t encodedPropertiesLength(std::span<const Property> properties) {
  if (properties.empty()) return 0;
  size_t n = properties.size() - 1;  // separators between entries
  for (const auto& p : properties) n += p.name.size() + 1 + p.value.size();
  return n;
}

std::string encodeProperties(std::span<const Property> properties) {
  std::string out;
  out.reserve(encodedPropertiesLength(properties));
  for (size_t i = 0; i < properties.size(); ++i) {
    if (i > 0) out.push_back(kSep);
    out.append(properties[i].name);
    out.push_back(kNv);
    out.append(properties[i].value);
  }
  return out;
}

size_t joinedPropertiesLength(std::string_view entry, std::string_view batch) {
  return entry.size() + batch.size() + (needsJoinSeparator(entry, batch) ? 1 : 0);
}

void writeJoinedProperties(std::string_view entry, std::string_view batch, char* out) {
  if (!entry.empty()) std::memcpy(out, entry.data(), entry.size());
  out += entry.size();
  if (needsJoinSeparator(entry, batch)) *out++ = kSep;
  if (!batch.empty()) std::memcpy(out, batch.data(), batch.size());
}

std::string_view tagsOf(std::string_view properties) {
  return findProperty(properties, property::kTags).value_or(std::string_view());
}

std::vector<std::string_view> splitKeys(std::string_view keys) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i <= keys.size()) {
    size_t end = keys.find(property::kKeySeparator, i);
    if (end == std::string_view::npos) end = keys.size();
    if (end > i) out.push_back(keys.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

int64_t tagsCodeOf(std::string_view tags) {
  if (tags.empty()) return 0;
  return static_cast<int64_t>(javaStringHashCode(tags));
}

}  // namespace rmq::store
