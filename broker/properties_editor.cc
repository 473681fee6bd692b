#include "broker/properties_editor.h"

#include "store/message_properties.h"

namespace rmq::broker {

PropertiesEditor::PropertiesEditor(std::string_view properties) {
  for (const auto& p : store::parseProperties(properties)) {
    set(p.name, p.value);  // later duplicates win, as in Java's map
  }
}

void PropertiesEditor::set(std::string_view name, std::string_view value) {
  for (auto& [n, v] : entries_) {
    if (n == name) {
      v = std::string(value);
      return;
    }
  }
  entries_.emplace_back(std::string(name), std::string(value));
}

void PropertiesEditor::remove(std::string_view name) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == name) {
      entries_.erase(it);
      return;
    }
  }
}

std::string_view PropertiesEditor::get(std::string_view name) const {
  for (const auto& [n, v] : entries_) {
    if (n == name) return v;
  }
  return {};
}

bool PropertiesEditor::has(std::string_view name) const {
  for (const auto& [n, v] : entries_) {
    if (n == name) return true;
  }
  return false;
}

std::string PropertiesEditor::str() const {
  std::string out;
  for (const auto& [n, v] : entries_) {
    if (!out.empty()) out.push_back('\x02');
    out.append(n);
    out.push_back('\x01');
    out.append(v);
  }
  return out;
}

}  // namespace rmq::broker
