// Edits a message PROPERTIES string (name 0x01 value 0x02 ...): set or remove entries and write
// the result, keeping the order of the entries that stay (Java rebuilds the string from a hash
// map, so its order differs; readers parse into maps and never depend on it).
#pragma once

#include <forward_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rmq::broker {

// Lifetime: the editor keeps views into the string it was built from, which must outlive it
// (the request's header field); values given to set() are copied. A view from get() is valid
// until the next set() or remove() of that name.
class PropertiesEditor {
 public:
  explicit PropertiesEditor(std::string_view properties);
  PropertiesEditor(const PropertiesEditor&) = delete;
  PropertiesEditor& operator=(const PropertiesEditor&) = delete;

  void set(std::string_view name, std::string_view value);
  void remove(std::string_view name);
  std::string_view get(std::string_view name) const;  // "" when absent
  bool has(std::string_view name) const;
  std::string str() const;

 private:
  struct Entry {
    std::string_view name;
    std::string_view value;
  };
  Entry* find(std::string_view name);
  const Entry* find(std::string_view name) const;
  std::string_view own(std::string_view text);  // a stable copy of `text`

  std::vector<Entry> entries_;
  std::forward_list<std::string> owned_;  // node addresses never move
};

}  // namespace rmq::broker
