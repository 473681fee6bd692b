#include "store/config/fastjson_pretty_writer.h"

#include <charconv>

#include "common/json.h"

namespace rmq::store::config {

void FastjsonPrettyWriter::newline() {
  out_.push_back('\n');
  out_.append(levels_.size(), '\t');
}

void FastjsonPrettyWriter::beforeElement() {
  if (afterKey_) {  // the value of a member: the key already placed it
    afterKey_ = false;
    return;
  }
  if (levels_.empty()) return;
  if (!levels_.back().empty) out_.push_back(',');
  levels_.back().empty = false;
}

void FastjsonPrettyWriter::beginObject() {
  beforeElement();
  out_.push_back('{');
  levels_.push_back(Level{false, true});
}

void FastjsonPrettyWriter::endObject() {
  const bool empty = levels_.back().empty;
  levels_.pop_back();
  if (!empty) newline();
  out_.push_back('}');
}

void FastjsonPrettyWriter::beginArray() {
  beforeElement();
  out_.push_back('[');
  levels_.push_back(Level{true, true});
}

void FastjsonPrettyWriter::endArray() {
  levels_.pop_back();
  out_.push_back(']');
}

void FastjsonPrettyWriter::key(std::string_view name) {
  beforeElement();
  newline();
  json::appendQuoted(out_, name);
  out_.push_back(':');
  afterKey_ = true;
}

void FastjsonPrettyWriter::bareKey(int64_t key) {
  beforeElement();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), key);
  out_.append(buf, r.ptr);
  out_.push_back(':');
  afterKey_ = true;
}

void FastjsonPrettyWriter::value(std::string_view s) {
  beforeElement();
  json::appendQuoted(out_, s);
}

void FastjsonPrettyWriter::value(int64_t v) {
  beforeElement();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, r.ptr);
}

void FastjsonPrettyWriter::value(bool v) {
  beforeElement();
  out_.append(v ? "true" : "false");
}

}  // namespace rmq::store::config
