#include "broker/properties_editor.h"

#include "store/message_properties.h"

namespace rmq::broker {

PropertiesEditor::PropertiesEditor(std::string_view properties) {
  auto parsed = store::parseProperties(properties);
  entries_.reserve(parsed.size() + 4);  // room for the few the send path adds
  for (const auto& p : parsed) {
    // Later duplicates win, as in Java's map; the views point into `properties`.
    if (Entry* e = find(p.name)) {
      e->value = p.value;
    } else {
      entries_.push_back(Entry{p.name, p.value});
    }
  }
}

PropertiesEditor::Entry* PropertiesEditor::find(std::string_view name) {
  for (auto& e : entries_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

const PropertiesEditor::Entry* PropertiesEditor::find(std::string_view name) const {
  for (const auto& e : entries_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string_view PropertiesEditor::own(std::string_view text) {
  return owned_.emplace_front(text);
}

void PropertiesEditor::set(std::string_view name, std::string_view value) {
  if (Entry* e = find(name)) {
    e->value = own(value);
    return;
  }
  const std::string_view ownedName = own(name);
  entries_.push_back(Entry{ownedName, own(value)});
}

void PropertiesEditor::remove(std::string_view name) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->name == name) {
      entries_.erase(it);
      return;
    }
  }
}

std::string_view PropertiesEditor::get(std::string_view name) const {
  const Entry* e = find(name);
  return e ? e->value : std::string_view();
}

bool PropertiesEditor::has(std::string_view name) const {
  return find(name) != nullptr;
}

std::string PropertiesEditor::str() const {
  size_t length = 0;
  for (const auto& e : entries_) length += e.name.size() + e.value.size() + 2;
  std::string out;
  out.reserve(length);
  for (const auto& e : entries_) {
    if (!out.empty()) out.push_back('\x02');
    out.append(e.name);
    out.push_back('\x01');
    out.append(e.value);
  }
  return out;
}

}  // namespace rmq::broker
