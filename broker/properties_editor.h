// Edits a message PROPERTIES string (name 0x01 value 0x02 ...): set or remove entries and write
// the result, keeping the order of the entries that stay (Java rebuilds the string from a hash
// map, so its order differs; readers parse into maps and never depend on it).
#pragma once

#include <boost/container/small_vector.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rmq::broker {

// Lifetime: the editor keeps views into the string it was built from, which must outlive it
// (the request's header field); names and values given to set() are copied. A view from get()
// is valid until the next set() or remove() of that name.
// Cost: no allocation for a message of up to 24 properties whose set() values total 192 bytes
// (the send path's case); it lives on the stack and is neither copyable nor movable.
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
  // Appends what str() returns to `out` (a reused buffer keeps the send path allocation-free).
  void appendTo(std::string& out) const;

 private:
  struct Entry {
    std::string_view name;
    std::string_view value;
  };
  Entry* find(std::string_view name);
  const Entry* find(std::string_view name) const;
  std::string_view own(std::string_view text);  // a stable copy of `text`

  boost::container::small_vector<Entry, 24> entries_;
  // Copies made by own(): the inline block first, then heap blocks; neither ever moves.
  char inline_[192];
  size_t inlineUsed_ = 0;
  std::vector<std::unique_ptr<char[]>> spilled_;
};

}  // namespace rmq::broker
