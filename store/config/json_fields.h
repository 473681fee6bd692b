// Typed member readers for the config JSON files, with fastjson's tolerance (numbers given as
// strings, quoted or bare integer map keys) but without its silent truncation: a member of the
// wrong type or out of range is an error, so a damaged file falls back to its .bak copy instead
// of loading nonsense. An absent or null member leaves the Java default in place.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "common/status.h"

namespace rmq::store::config {

// Parses fastjson-dialect text and requires a JSON object at the top.
Status parseConfigDocument(std::string_view text, rapidjson::Document& doc);

// The member's value, or nullptr when absent or null.
const rapidjson::Value* findMember(const rapidjson::Value& obj, const char* name);

Status readInt32(const rapidjson::Value& obj, const char* name, int32_t& out);
Status readInt64(const rapidjson::Value& obj, const char* name, int64_t& out);
Status readBool(const rapidjson::Value& obj, const char* name, bool& out);
Status readString(const rapidjson::Value& obj, const char* name, std::string& out);
Status readOptionalString(const rapidjson::Value& obj, const char* name,
                          std::optional<std::string>& out);
// An object member (absent/null → nullptr and OK; present but not an object → error).
Status readObject(const rapidjson::Value& obj, const char* name, const rapidjson::Value*& out);

// Converts a value already found (used for map values).
Status toInt64Value(const rapidjson::Value& v, std::string_view what, int64_t& out);
// Integer map key: the lenient reader hands bare keys over as strings.
Status parseIntKey(std::string_view key, int32_t& out);

}  // namespace rmq::store::config
