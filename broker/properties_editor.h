// Edits a message PROPERTIES string (name 0x01 value 0x02 ...): set or remove entries and write
// the result, keeping the order of the entries that stay (Java rebuilds the string from a hash
// map, so its order differs; readers parse into maps and never depend on it).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rmq::broker {

class PropertiesEditor {
 public:
  explicit PropertiesEditor(std::string_view properties);
  void set(std::string_view name, std::string_view value);
  void remove(std::string_view name);
  std::string_view get(std::string_view name) const;  // "" when absent
  bool has(std::string_view name) const;
  std::string str() const;

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

}  // namespace rmq::broker
