#include "common/properties.h"

#include <charconv>
#include <fstream>
#include <sstream>

namespace rmq {
namespace {

bool isWhite(char c) {
  return c == ' ' || c == '\t' || c == '\f';
}

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Splits text into logical lines (joining continuations), keeping escapes for later.
std::vector<std::string> logicalLines(std::string_view text) {
  std::vector<std::string> lines;
  std::string current;
  bool continuing = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    pos = end + 1;
    if (end < text.size() && text[end] == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
    size_t start = 0;
    while (start < raw.size() && isWhite(raw[start])) ++start;
    raw.remove_prefix(start);
    if (!continuing && (raw.empty() || raw[0] == '#' || raw[0] == '!')) {
      if (end >= text.size()) break;
      continue;
    }
    size_t backslashes = 0;
    for (size_t i = raw.size(); i > 0 && raw[i - 1] == '\\'; --i) ++backslashes;
    if (backslashes % 2 == 1) {
      current.append(raw.substr(0, raw.size() - 1));
      continuing = true;
    } else {
      current.append(raw);
      lines.push_back(std::move(current));
      current.clear();
      continuing = false;
    }
    if (end >= text.size()) break;
  }
  if (continuing) lines.push_back(std::move(current));
  return lines;
}

Status unescape(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i >= in.size()) break;
    c = in[i];
    switch (c) {
      case 't':
        out.push_back('\t');
        break;
      case 'n':
        out.push_back('\n');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case 'u': {
        uint32_t cp = 0;
        for (int k = 1; k <= 4; ++k) {
          if (i + k >= in.size()) return Status::Error("Malformed \\uxxxx encoding.");
          char h = in[i + k];
          cp <<= 4;
          if (h >= '0' && h <= '9')
            cp |= h - '0';
          else if (h >= 'a' && h <= 'f')
            cp |= h - 'a' + 10;
          else if (h >= 'A' && h <= 'F')
            cp |= h - 'A' + 10;
          else
            return Status::Error("Malformed \\uxxxx encoding.");
        }
        i += 4;
        appendUtf8(out, cp);
        break;
      }
      default:
        out.push_back(c);
    }
  }
  return Status::Ok();
}

}  // namespace

Status Properties::parse(std::string_view text, Properties& out) {
  for (const std::string& line : logicalLines(text)) {
    size_t i = 0;
    bool escaped = false;
    size_t keyEnd = line.size();
    for (; i < line.size(); ++i) {
      char c = line[i];
      if (escaped) {
        escaped = false;
        continue;
      }
      if (c == '\\') {
        escaped = true;
        continue;
      }
      if (c == '=' || c == ':' || isWhite(c)) {
        keyEnd = i;
        break;
      }
    }
    size_t valueStart = keyEnd;
    while (valueStart < line.size() && isWhite(line[valueStart])) ++valueStart;
    if (valueStart < line.size() && (line[valueStart] == '=' || line[valueStart] == ':')) {
      ++valueStart;
      while (valueStart < line.size() && isWhite(line[valueStart])) ++valueStart;
    }
    std::string key, value;
    Status s = unescape(std::string_view(line).substr(0, keyEnd), key);
    if (!s.ok()) return s;
    s = unescape(std::string_view(line).substr(std::min(valueStart, line.size())), value);
    if (!s.ok()) return s;
    out.values_[key] = std::move(value);
  }
  return Status::Ok();
}

Status Properties::loadFile(const std::string& path, Properties& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("cannot open " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse(buffer.str(), out);
}

std::string Properties::toString() const {
  std::string out;
  for (const auto& [k, v] : values_) {
    out.append(k).push_back('=');
    out.append(v).push_back('\n');
  }
  return out;
}

std::optional<std::string> Properties::get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::optional<int64_t> parseJavaLong(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text[0] == '+') text.remove_prefix(1);
  if (text.empty() || text[0] == '+') return std::nullopt;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int32_t> parseJavaInt(std::string_view text) {
  auto v = parseJavaLong(text);
  if (!v || *v < INT32_MIN || *v > INT32_MAX) return std::nullopt;
  return static_cast<int32_t>(*v);
}

bool parseJavaBoolean(std::string_view text) {
  return text.size() == 4 && (text[0] | 0x20) == 't' && (text[1] | 0x20) == 'r' &&
         (text[2] | 0x20) == 'u' && (text[3] | 0x20) == 'e';
}

}  // namespace rmq
