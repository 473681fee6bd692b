// Binds Java-style configuration keys (broker.conf, namesrv config) to the members of a config
// struct, so that loading, updating at runtime and printing (-p, GET_*_CONFIG) share one table.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/properties.h"
#include "common/status.h"

namespace rmq {

template <typename T>
class ConfigBinder {
 public:
  ConfigBinder& bind(const char* key, int32_t T::*m) {
    keys_[key] = Entry{[m](T& c, const std::string& v) {
                         auto p = parseJavaInt(trim(v));
                         if (!p) return false;
                         c.*m = *p;
                         return true;
                       },
                       [m](const T& c) { return std::to_string(c.*m); }};
    return *this;
  }
  ConfigBinder& bind(const char* key, int64_t T::*m) {
    keys_[key] = Entry{[m](T& c, const std::string& v) {
                         auto p = parseJavaLong(trim(v));
                         if (!p) return false;
                         c.*m = *p;
                         return true;
                       },
                       [m](const T& c) { return std::to_string(c.*m); }};
    return *this;
  }
  ConfigBinder& bind(const char* key, bool T::*m) {
    keys_[key] = Entry{[m](T& c, const std::string& v) {
                         c.*m = parseJavaBoolean(trim(v));
                         return true;
                       },
                       [m](const T& c) { return std::string(c.*m ? "true" : "false"); }};
    return *this;
  }
  ConfigBinder& bind(const char* key, std::string T::*m) {
    keys_[key] = Entry{[m](T& c, const std::string& v) {
                         c.*m = v;
                         return true;
                       },
                       [m](const T& c) { return c.*m; }};
    return *this;
  }
  // A key whose value is parsed/printed by custom code (enums).
  ConfigBinder& bind(const char* key, std::function<bool(T&, const std::string&)> set,
                     std::function<std::string(const T&)> get) {
    keys_[key] = Entry{std::move(set), std::move(get)};
    return *this;
  }

  bool has(const std::string& key) const { return keys_.count(key) != 0; }

  // Applies every known key of `props`; unknown keys are appended to `unknown`.
  Status apply(T& obj, const Properties& props, std::vector<std::string>* unknown) const {
    for (const auto& [k, v] : props.entries()) {
      auto it = keys_.find(k);
      if (it == keys_.end()) {
        if (unknown) unknown->push_back(k);
        continue;
      }
      if (!it->second.set(obj, v)) return Status::Error("bad value for " + k + ": '" + v + "'");
    }
    return Status::Ok();
  }

  void write(const T& obj, Properties& out) const {
    for (const auto& [k, e] : keys_) out.set(k, e.get(obj));
  }

 private:
  static std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t");
    size_t e = s.find_last_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
  }
  struct Entry {
    std::function<bool(T&, const std::string&)> set;
    std::function<std::string(const T&)> get;
  };
  std::map<std::string, Entry> keys_;
};

}  // namespace rmq
