// JSON in the fastjson dialect that RocketMQ puts on the wire and in its config files.
//
// Writing: JsonWriter emits compact JSON. It can write bare (unquoted) keys, which is how
// fastjson serializes maps with Integer/Long or object keys ({0:"a"}, {{"topic":"t"}:5}); those
// bodies are not standard JSON but every RocketMQ client expects them in certain places.
//
// Reading: parseLenientJson accepts fastjson's output (bare numeric and bare object keys,
// single-quoted strings) by first rewriting it to standard JSON, then parsing with RapidJSON.
// A bare object key becomes a string key holding that object's JSON text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "common/status.h"

namespace rmq::json {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out, bool escapeNonAscii = false)
      : out_(out), escapeNonAscii_(escapeNonAscii) {}

  JsonWriter& beginObject();
  JsonWriter& endObject();
  JsonWriter& beginArray();
  JsonWriter& endArray();
  JsonWriter& key(std::string_view k);     // "k":
  JsonWriter& rawKey(std::string_view k);  // k:   (bare; caller guarantees valid text)
  JsonWriter& value(std::string_view s);
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
  JsonWriter& value(int64_t v);
  JsonWriter& value(int32_t v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(uint32_t v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(bool v);
  JsonWriter& valueDouble(double v);
  JsonWriter& null();
  JsonWriter& rawValue(std::string_view json);

  // Key/value shorthands.
  template <typename T>
  JsonWriter& member(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

 private:
  void separator();
  std::string& out_;
  bool escapeNonAscii_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool afterKey_ = false;
};

// Java's Double.toString (String.valueOf(double)) of `v`: the text valueDouble() writes.
std::string javaDoubleText(double v);

// Appends `s` as a JSON string literal with fastjson's escaping rules.
void appendQuoted(std::string& out, std::string_view s, bool escapeNonAscii = false);

// Rewrites fastjson-dialect text to standard JSON (see file comment).
Status normalizeLenient(std::string_view in, std::string& out);

// normalizeLenient + RapidJSON parse into `doc`.
Status parseLenientJson(std::string_view in, rapidjson::Document& doc);

// Accessors that tolerate fastjson's loose typing (numbers given as strings and vice versa).
bool getString(const rapidjson::Value& obj, const char* name, std::string& out);
bool getInt64(const rapidjson::Value& obj, const char* name, int64_t& out);
bool getInt32(const rapidjson::Value& obj, const char* name, int32_t& out);
bool getBool(const rapidjson::Value& obj, const char* name, bool& out);
bool toInt64(const rapidjson::Value& v, int64_t& out);
std::string toText(const rapidjson::Value& v);  // string value, or the JSON text of anything else

}  // namespace rmq::json
