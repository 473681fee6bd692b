#include "common/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cstdio>

#include "common/properties.h"

namespace rmq::json {

namespace {
// Bytes copied as they are: everything but quote, backslash and control characters (and,
// when non-ASCII is escaped, bytes >= 0x80). A table: this runs for every header value.
struct PlainTable {
  bool ascii[256];  // plain when non-ASCII is escaped
  bool any[256];    // plain when it is not
  constexpr PlainTable() : ascii(), any() {
    for (int c = 0; c < 256; ++c) {
      const bool special = c < 0x20 || c == '"' || c == '\\' || c == 0x7F;
      any[c] = !special;
      ascii[c] = !special && c < 0x80;
    }
  }
};
constexpr PlainTable kPlain;
inline bool plain(unsigned char c, bool escapeNonAscii) {
  return escapeNonAscii ? kPlain.ascii[c] : kPlain.any[c];
}
}  // namespace

void appendQuoted(std::string& out, std::string_view s, bool escapeNonAscii) {
  static const char* kHex = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out.push_back('"');
  for (size_t i = 0; i < s.size(); ++i) {
    // Runs of plain bytes (nearly every header value) are appended in one go.
    size_t run = i;
    while (run < s.size() && plain(static_cast<unsigned char>(s[run]), escapeNonAscii)) ++run;
    if (run > i) {
      out.append(s.data() + i, run - i);
      if (run == s.size()) break;
      i = run;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out.append("\\\"");
        continue;
      case '\\':
        out.append("\\\\");
        continue;
      case '\b':
        out.append("\\b");
        continue;
      case '\f':
        out.append("\\f");
        continue;
      case '\n':
        out.append("\\n");
        continue;
      case '\r':
        out.append("\\r");
        continue;
      case '\t':
        out.append("\\t");
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else if (c >= 0x80 && escapeNonAscii) {
      // Decode one UTF-8 sequence and write it as \uXXXX (surrogate pair above the BMP).
      uint32_t cp = 0;
      size_t extra = 0;
      if ((c & 0xE0) == 0xC0)
        cp = c & 0x1F, extra = 1;
      else if ((c & 0xF0) == 0xE0)
        cp = c & 0x0F, extra = 2;
      else if ((c & 0xF8) == 0xF0)
        cp = c & 0x07, extra = 3;
      else
        cp = 0xFFFD;
      for (size_t k = 0; k < extra && i + 1 < s.size(); ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(s[++i]) & 0x3F);
      }
      auto emit = [&](uint32_t u) {
        char buf[16];
        snprintf(buf, sizeof(buf), "\\u%04x", u);
        out.append(buf);
      };
      if (cp >= 0x10000) {
        cp -= 0x10000;
        emit(0xD800 + (cp >> 10));
        emit(0xDC00 + (cp & 0x3FF));
      } else {
        emit(cp);
      }
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

void JsonWriter::separator() {
  if (afterKey_) {
    afterKey_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::beginObject() {
  separator();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}
JsonWriter& JsonWriter::endObject() {
  out_.push_back('}');
  first_.pop_back();
  return *this;
}
JsonWriter& JsonWriter::beginArray() {
  separator();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}
JsonWriter& JsonWriter::endArray() {
  out_.push_back(']');
  first_.pop_back();
  return *this;
}
JsonWriter& JsonWriter::key(std::string_view k) {
  separator();
  appendQuoted(out_, k, escapeNonAscii_);
  out_.push_back(':');
  afterKey_ = true;
  return *this;
}
JsonWriter& JsonWriter::rawKey(std::string_view k) {
  separator();
  out_.append(k);
  out_.push_back(':');
  afterKey_ = true;
  return *this;
}
JsonWriter& JsonWriter::value(std::string_view s) {
  separator();
  appendQuoted(out_, s, escapeNonAscii_);
  return *this;
}
JsonWriter& JsonWriter::value(int64_t v) {
  separator();
  char buf[24];
  auto [p, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, p);
  return *this;
}
JsonWriter& JsonWriter::value(bool v) {
  separator();
  out_.append(v ? "true" : "false");
  return *this;
}
std::string javaDoubleText(double v) {
  std::string out;
  JsonWriter(out).valueDouble(v);
  return out;
}

JsonWriter& JsonWriter::valueDouble(double v) {
  separator();
  char buf[40];
  // fastjson writes doubles the way Java's Double.toString does; for the integral values and
  // simple fractions that RocketMQ reports this gives the same text ("0.0", "12.5").
  if (v == static_cast<double>(static_cast<int64_t>(v)) && v < 1e15 && v > -1e15) {
    snprintf(buf, sizeof(buf), "%.1f", v);
  } else {
    snprintf(buf, sizeof(buf), "%.17g", v);
    // Trim to the shortest representation that round-trips.
    for (int prec = 1; prec <= 17; ++prec) {
      char tmp[40];
      snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
      if (strtod(tmp, nullptr) == v) {
        snprintf(buf, sizeof(buf), "%s", tmp);
        break;
      }
    }
  }
  out_.append(buf);
  return *this;
}
JsonWriter& JsonWriter::null() {
  separator();
  out_.append("null");
  return *this;
}
JsonWriter& JsonWriter::rawValue(std::string_view json) {
  separator();
  out_.append(json);
  return *this;
}

// ---------------------------------------------------------------------------------------------
// Lenient reader: a recursive rewriter from fastjson dialect to standard JSON.
namespace {

class Normalizer {
 public:
  Normalizer(std::string_view in, std::string& out) : in_(in), out_(out) {}

  Status run() {
    skipWs();
    Status s = value(0);
    if (!s.ok()) return s;
    skipWs();
    if (pos_ != in_.size()) return error("trailing characters");
    return Status::Ok();
  }

 private:
  static constexpr int kMaxDepth = 128;

  Status error(const char* what) {
    return Status::Error(std::string("invalid JSON at offset ") + std::to_string(pos_) + ": " +
                         what);
  }
  void skipWs() {
    while (pos_ < in_.size() &&
           (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool peek(char& c) {
    if (pos_ >= in_.size()) return false;
    c = in_[pos_];
    return true;
  }

  // Copies a string literal (double- or single-quoted) to out_ as a double-quoted literal.
  Status string() {
    char quote = in_[pos_++];
    out_.push_back('"');
    while (pos_ < in_.size()) {
      char c = in_[pos_++];
      if (c == quote) {
        out_.push_back('"');
        return Status::Ok();
      }
      if (c == '\\') {
        if (pos_ >= in_.size()) break;
        char e = in_[pos_++];
        if (e == '\'') {
          out_.push_back('\'');
        } else {
          out_.push_back('\\');
          out_.push_back(e);
        }
        continue;
      }
      if (c == '"') {  // only possible inside a single-quoted string
        out_.append("\\\"");
        continue;
      }
      out_.push_back(c);
    }
    return error("unterminated string");
  }

  // Scans a balanced {...} or [...] starting at pos_ and returns its text (no rewriting).
  Status balancedText(std::string_view& text) {
    size_t start = pos_;
    int depth = 0;
    while (pos_ < in_.size()) {
      char c = in_[pos_];
      if (c == '"' || c == '\'') {
        char quote = c;
        ++pos_;
        while (pos_ < in_.size() && in_[pos_] != quote) {
          if (in_[pos_] == '\\') ++pos_;
          ++pos_;
        }
        if (pos_ >= in_.size()) return error("unterminated string in key");
        ++pos_;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        --depth;
        if (depth == 0) {
          ++pos_;
          text = in_.substr(start, pos_ - start);
          return Status::Ok();
        }
      }
      ++pos_;
    }
    return error("unterminated object key");
  }

  Status key(int depth) {
    char c;
    if (!peek(c)) return error("expected key");
    if (c == '"' || c == '\'') return string();
    if (c == '{' || c == '[') {
      std::string_view text;
      Status s = balancedText(text);
      if (!s.ok()) return s;
      // The object key itself may be fastjson dialect; normalize it so consumers can parse it.
      std::string inner;
      Normalizer sub(text, inner);
      if (depth > kMaxDepth) return error("nesting too deep");
      s = sub.run();
      if (!s.ok()) return s;
      appendQuoted(out_, inner);
      return Status::Ok();
    }
    size_t start = pos_;
    while (pos_ < in_.size() && in_[pos_] != ':' && in_[pos_] != ' ' && in_[pos_] != '\t' &&
           in_[pos_] != '\n' && in_[pos_] != '\r' && in_[pos_] != '}' && in_[pos_] != ',') {
      ++pos_;
    }
    if (pos_ == start) return error("empty key");
    appendQuoted(out_, in_.substr(start, pos_ - start));
    return Status::Ok();
  }

  Status object(int depth) {
    out_.push_back('{');
    ++pos_;
    skipWs();
    char c;
    if (peek(c) && c == '}') {
      ++pos_;
      out_.push_back('}');
      return Status::Ok();
    }
    while (true) {
      skipWs();
      Status s = key(depth);
      if (!s.ok()) return s;
      skipWs();
      if (!peek(c) || c != ':') return error("expected ':'");
      ++pos_;
      out_.push_back(':');
      skipWs();
      s = value(depth + 1);
      if (!s.ok()) return s;
      skipWs();
      if (!peek(c)) return error("unterminated object");
      ++pos_;
      if (c == '}') break;
      if (c != ',') return error("expected ',' or '}'");
      out_.push_back(',');
      skipWs();
      if (peek(c) && c == '}') {  // fastjson tolerates a trailing comma
        out_.pop_back();
        ++pos_;
        break;
      }
    }
    out_.push_back('}');
    return Status::Ok();
  }

  Status array(int depth) {
    out_.push_back('[');
    ++pos_;
    skipWs();
    char c;
    if (peek(c) && c == ']') {
      ++pos_;
      out_.push_back(']');
      return Status::Ok();
    }
    while (true) {
      skipWs();
      Status s = value(depth + 1);
      if (!s.ok()) return s;
      skipWs();
      if (!peek(c)) return error("unterminated array");
      ++pos_;
      if (c == ']') break;
      if (c != ',') return error("expected ',' or ']'");
      out_.push_back(',');
    }
    out_.push_back(']');
    return Status::Ok();
  }

  Status value(int depth) {
    if (depth > kMaxDepth) return error("nesting too deep");
    char c;
    if (!peek(c)) return error("expected value");
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"' || c == '\'') return string();
    size_t start = pos_;
    while (pos_ < in_.size() && in_[pos_] != ',' && in_[pos_] != '}' && in_[pos_] != ']' &&
           in_[pos_] != ' ' && in_[pos_] != '\n' && in_[pos_] != '\r' && in_[pos_] != '\t') {
      ++pos_;
    }
    if (pos_ == start) return error("expected value");
    out_.append(in_.substr(start, pos_ - start));
    return Status::Ok();
  }

  std::string_view in_;
  std::string& out_;
  size_t pos_ = 0;
};

}  // namespace

Status normalizeLenient(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size() + 16);
  Normalizer n(in, out);
  return n.run();
}

Status parseLenientJson(std::string_view in, rapidjson::Document& doc) {
  std::string normalized;
  Status s = normalizeLenient(in, normalized);
  if (!s.ok()) return s;
  doc.Parse<rapidjson::kParseFullPrecisionFlag>(normalized.data(), normalized.size());
  if (doc.HasParseError()) {
    return Status::Error(std::string("invalid JSON: ") +
                         rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                         std::to_string(doc.GetErrorOffset()));
  }
  return Status::Ok();
}

bool toInt64(const rapidjson::Value& v, int64_t& out) {
  if (v.IsInt64()) {
    out = v.GetInt64();
    return true;
  }
  if (v.IsUint64()) {
    out = static_cast<int64_t>(v.GetUint64());
    return true;
  }
  if (v.IsDouble()) {
    out = static_cast<int64_t>(v.GetDouble());
    return true;
  }
  if (v.IsString()) {
    auto parsed = parseJavaLong(std::string_view(v.GetString(), v.GetStringLength()));
    if (!parsed) return false;
    out = *parsed;
    return true;
  }
  return false;
}

bool getString(const rapidjson::Value& obj, const char* name, std::string& out) {
  if (!obj.IsObject()) return false;
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return false;
  out = toText(it->value);
  return true;
}

bool getInt64(const rapidjson::Value& obj, const char* name, int64_t& out) {
  if (!obj.IsObject()) return false;
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return false;
  return toInt64(it->value, out);
}

bool getInt32(const rapidjson::Value& obj, const char* name, int32_t& out) {
  int64_t v;
  if (!getInt64(obj, name, v)) return false;
  out = static_cast<int32_t>(v);
  return true;
}

bool getBool(const rapidjson::Value& obj, const char* name, bool& out) {
  if (!obj.IsObject()) return false;
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd()) return false;
  if (it->value.IsBool()) {
    out = it->value.GetBool();
    return true;
  }
  if (it->value.IsString()) {
    out = parseJavaBoolean(std::string_view(it->value.GetString(), it->value.GetStringLength()));
    return true;
  }
  if (it->value.IsNumber()) {
    out = it->value.GetDouble() != 0;
    return true;
  }
  return false;
}

std::string toText(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace rmq::json
