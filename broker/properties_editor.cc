#include "broker/properties_editor.h"

#include <cstring>

#include "store/message_properties.h"

namespace rmq::broker {

PropertiesEditor::PropertiesEditor(std::string_view properties) {
  store::forEachProperty(properties, [this](std::string_view name, std::string_view value) {
    // Later duplicates win, as in Java's map; the views point into `properties`.
    if (Entry* e = find(name)) {
      e->value = value;
    } else {
      entries_.push_back(Entry{name, value});
    }
  });
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
  char* to;
  if (text.size() <= sizeof(inline_) - inlineUsed_) {
    to = inline_ + inlineUsed_;
    inlineUsed_ += text.size();
  } else {
    to = spilled_.emplace_back(std::make_unique<char[]>(text.size() + 1)).get();
  }
  if (!text.empty()) std::memcpy(to, text.data(), text.size());
  return {to, text.size()};
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
  std::string out;
  appendTo(out);
  return out;
}

void PropertiesEditor::appendTo(std::string& out) const {
  size_t length = 0;
  for (const auto& e : entries_) length += e.name.size() + e.value.size() + 2;
  out.reserve(out.size() + length);
  bool first = true;
  for (const auto& e : entries_) {
    if (!first) out.push_back('\x02');
    first = false;
    out.append(e.name);
    out.push_back('\x01');
    out.append(e.value);
  }
}

}  // namespace rmq::broker
