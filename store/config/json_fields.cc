#include "store/config/json_fields.h"

#include <cmath>
#include <limits>

#include "common/json.h"
#include "common/properties.h"

namespace rmq::store::config {
namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

Status typeError(std::string_view what, const char* expected) {
  return Status::Error("config member '" + std::string(what) + "' is not " + expected);
}

}  // namespace

Status parseConfigDocument(std::string_view text, rapidjson::Document& doc) {
  Status s = json::parseLenientJson(text, doc);
  if (!s.ok()) return s;
  if (!doc.IsObject()) return Status::Error("config file is not a JSON object");
  return Status::Ok();
}

const rapidjson::Value* findMember(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return nullptr;
  return &it->value;
}

Status toInt64Value(const rapidjson::Value& v, std::string_view what, int64_t& out) {
  if (v.IsInt64()) {
    out = v.GetInt64();
    return Status::Ok();
  }
  if (v.IsDouble()) {  // accept 12.0, as fastjson does, but not fractions or huge values
    double d = v.GetDouble();
    if (std::trunc(d) == d && d >= -9.2e18 && d <= 9.2e18) {
      out = static_cast<int64_t>(d);
      return Status::Ok();
    }
    return typeError(what, "an integer");
  }
  if (v.IsString()) {
    auto parsed = parseJavaLong(std::string_view(v.GetString(), v.GetStringLength()));
    if (parsed) {
      out = *parsed;
      return Status::Ok();
    }
  }
  return typeError(what, "an integer");
}

Status readInt64(const rapidjson::Value& obj, const char* name, int64_t& out) {
  const rapidjson::Value* v = findMember(obj, name);
  if (!v) return Status::Ok();
  return toInt64Value(*v, name, out);
}

Status readInt32(const rapidjson::Value& obj, const char* name, int32_t& out) {
  const rapidjson::Value* v = findMember(obj, name);
  if (!v) return Status::Ok();
  int64_t wide = 0;
  Status s = toInt64Value(*v, name, wide);
  if (!s.ok()) return s;
  if (wide < std::numeric_limits<int32_t>::min() || wide > std::numeric_limits<int32_t>::max()) {
    return typeError(name, "a 32-bit integer");
  }
  out = static_cast<int32_t>(wide);
  return Status::Ok();
}

Status readBool(const rapidjson::Value& obj, const char* name, bool& out) {
  const rapidjson::Value* v = findMember(obj, name);
  if (!v) return Status::Ok();
  if (v->IsBool()) {
    out = v->GetBool();
    return Status::Ok();
  }
  if (v->IsString()) {
    std::string_view s(v->GetString(), v->GetStringLength());
    if (equalsIgnoreCase(s, "true") || s == "1") {
      out = true;
      return Status::Ok();
    }
    if (equalsIgnoreCase(s, "false") || s == "0") {
      out = false;
      return Status::Ok();
    }
  }
  if (v->IsInt64() && (v->GetInt64() == 0 || v->GetInt64() == 1)) {
    out = v->GetInt64() == 1;
    return Status::Ok();
  }
  return typeError(name, "a boolean");
}

Status readString(const rapidjson::Value& obj, const char* name, std::string& out) {
  const rapidjson::Value* v = findMember(obj, name);
  if (!v) return Status::Ok();
  if (v->IsObject() || v->IsArray()) return typeError(name, "a string");
  out = json::toText(*v);  // numbers and booleans become their text, as fastjson does
  return Status::Ok();
}

Status readOptionalString(const rapidjson::Value& obj, const char* name,
                          std::optional<std::string>& out) {
  const rapidjson::Value* v = findMember(obj, name);
  if (!v) return Status::Ok();
  std::string s;
  Status st = readString(obj, name, s);
  if (!st.ok()) return st;
  out = std::move(s);
  return Status::Ok();
}

Status readObject(const rapidjson::Value& obj, const char* name, const rapidjson::Value*& out) {
  out = findMember(obj, name);
  if (out && !out->IsObject()) {
    out = nullptr;
    return typeError(name, "an object");
  }
  return Status::Ok();
}

Status parseIntKey(std::string_view key, int32_t& out) {
  auto v = parseJavaInt(key);
  if (!v) return Status::Error("map key '" + std::string(key) + "' is not an integer");
  out = *v;
  return Status::Ok();
}

}  // namespace rmq::store::config
