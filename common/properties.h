// Java properties text (java.util.Properties.load syntax) as used by broker.conf, namesrv
// config files and the UPDATE_*_CONFIG / GET_*_CONFIG request bodies.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace rmq {

class Properties {
 public:
  // Parses `text` with the rules of java.util.Properties.load: '#'/'!' comments, '=' ':' or
  // white space separators, backslash escapes (\t \n \r \f \uXXXX) and line continuations.
  static Status parse(std::string_view text, Properties& out);
  static Status loadFile(const std::string& path, Properties& out);

  // "key=value\n" per entry, sorted by key (the shape of MixAll.properties2String).
  std::string toString() const;

  void set(const std::string& key, std::string value) { values_[key] = std::move(value); }
  std::optional<std::string> get(const std::string& key) const;
  bool contains(const std::string& key) const { return values_.count(key) != 0; }
  const std::map<std::string, std::string>& entries() const { return values_; }
  bool empty() const { return values_.empty(); }

 private:
  std::map<std::string, std::string> values_;
};

// Java-style scalar parsing (Integer.parseInt, Long.parseLong, Boolean.parseBoolean).
std::optional<int64_t> parseJavaLong(std::string_view text);
std::optional<int32_t> parseJavaInt(std::string_view text);
bool parseJavaBoolean(std::string_view text);  // true only for case-insensitive "true"

}  // namespace rmq
