#include "compat-tests/golden/capture_reader.h"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <map>
#include <system_error>
#include <tuple>

#include "common/json.h"

namespace rmq::compat {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Locating the data

namespace {

std::optional<std::string> envValue(const char* name) {
  const char* v = std::getenv(name);
  // ctest passes RMQ_COMPAT_DATA= (empty) when it was unset at configure time: treat as unset.
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

bool isDir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

}  // namespace

CompatDataLocation locateCompatData() {
  CompatDataLocation loc;
  if (auto env = envValue("RMQ_COMPAT_DATA")) {
    loc.dir = fs::path(*env);
    loc.how = "$RMQ_COMPAT_DATA";
  } else if (auto src = envValue("RMQ_SOURCE_DIR")) {
    loc.dir = (fs::path(*src) / ".." / "shared" / "compat").lexically_normal();
    loc.how = "$RMQ_SOURCE_DIR/../shared/compat";
  } else {
    // Run by hand from somewhere inside the repo (e.g. build/tests): the repo's parent holds
    // shared/, so walk up until an ancestor has shared/compat/captures.
    std::error_code ec;
    fs::path cwd = fs::current_path(ec);
    loc.dir = (cwd / ".." / "shared" / "compat").lexically_normal();
    loc.how = "../shared/compat relative to the current directory";
    for (fs::path p = cwd; !ec && !p.empty(); p = p.parent_path()) {
      if (isDir(p / "shared" / "compat" / "captures")) {
        loc.dir = p / "shared" / "compat";
        loc.how = "shared/compat found above the current directory";
        break;
      }
      if (p == p.parent_path()) break;
    }
  }
  loc.exists = isDir(capturesDir(loc));
  return loc;
}

fs::path capturesDir(const CompatDataLocation& loc) {
  return loc.dir / "captures";
}

std::vector<fs::path> listCaptureFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return files;
  for (const auto& entry : it) {
    if (entry.path().extension() == ".jsonl" && entry.is_regular_file(ec)) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// ---------------------------------------------------------------------------------------------
// Base64

namespace {

constexpr std::array<int8_t, 256> makeBase64Table() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr auto kBase64Table = makeBase64Table();

}  // namespace

bool decodeBase64(std::string_view in, std::string& out) {
  out.clear();
  // Strip correct padding: with it the length is a multiple of 4 and at most two '=' end it.
  size_t n = in.size();
  if (n % 4 == 0 && n > 0) {
    if (in[n - 1] == '=') --n;
    if (in[n - 1] == '=') --n;
  }
  // Without padding a single leftover character cannot encode a byte.
  if (n % 4 == 1) return false;
  out.reserve(n / 4 * 3 + 2);
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    int8_t v = kBase64Table[static_cast<unsigned char>(in[i])];
    if (v < 0) return false;  // also rejects '=' in the middle
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero in a canonical encoding; nonzero means a damaged string.
  return (acc & ((1u << bits) - 1)) == 0;
}

// ---------------------------------------------------------------------------------------------
// Parties

const char* partyName(Party p) {
  switch (p) {
    case Party::kClient:
      return "client";
    case Party::kBroker:
      return "broker";
    case Party::kNamesrv:
      return "namesrv";
    case Party::kUnknown:
      break;
  }
  return "unknown";
}

Party partyFromName(std::string_view name) {
  if (name == "client") return Party::kClient;
  if (name == "broker") return Party::kBroker;
  if (name == "namesrv") return Party::kNamesrv;
  return Party::kUnknown;
}

// ---------------------------------------------------------------------------------------------
// Loading

namespace {

// Typed member access for one line; the first problem is kept with the member's name.
class LineReader {
 public:
  explicit LineReader(const rapidjson::Value& obj) : obj_(obj) {}

  const std::string& error() const { return error_; }
  bool ok() const { return error_.empty(); }

  const rapidjson::Value* member(const char* name, bool required) {
    auto it = obj_.FindMember(name);
    if (it == obj_.MemberEnd()) {
      if (required) fail(name, "missing");
      return nullptr;
    }
    return &it->value;
  }
  std::string str(const char* name, bool required = true) {
    const rapidjson::Value* v = member(name, required);
    if (v == nullptr || v->IsNull()) return {};
    if (!v->IsString()) {
      fail(name, "not a string");
      return {};
    }
    return std::string(v->GetString(), v->GetStringLength());
  }
  std::optional<std::string> nullableStr(const char* name) {
    const rapidjson::Value* v = member(name, false);
    if (v == nullptr || v->IsNull()) return std::nullopt;
    if (!v->IsString()) {
      fail(name, "not a string");
      return std::nullopt;
    }
    return std::string(v->GetString(), v->GetStringLength());
  }
  std::optional<int64_t> integer(const char* name, bool required = true) {
    const rapidjson::Value* v = member(name, required);
    if (v == nullptr || v->IsNull()) {
      if (v != nullptr && required) fail(name, "null");
      return std::nullopt;
    }
    if (!v->IsInt64()) {
      fail(name, "not an integer");
      return std::nullopt;
    }
    return v->GetInt64();
  }
  int32_t int32(const char* name) {
    auto v = integer(name);
    if (v && (*v < INT32_MIN || *v > INT32_MAX)) fail(name, "out of int32 range");
    return v ? static_cast<int32_t>(*v) : 0;
  }
  double number(const char* name) {
    const rapidjson::Value* v = member(name, true);
    if (v == nullptr) return 0;
    if (!v->IsNumber()) {
      fail(name, "not a number");
      return 0;
    }
    return v->GetDouble();
  }
  bool boolean(const char* name, bool required = true) {
    const rapidjson::Value* v = member(name, required);
    if (v == nullptr) return false;
    if (!v->IsBool()) {
      fail(name, "not a boolean");
      return false;
    }
    return v->GetBool();
  }
  void fail(const char* name, const std::string& what) {
    if (error_.empty()) error_ = std::string("member ") + name + " " + what;
  }

 private:
  const rapidjson::Value& obj_;
  std::string error_;
};

std::string compactJson(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

Status lineError(const CaptureFrame& f, const std::string& what) {
  return Status::Error(f.where() + ": " + what);
}

// Fills `f` from one parsed line. The header is left in `obj` for the caller to move.
Status readFrame(const rapidjson::Value& obj, CaptureFrame& f) {
  if (!obj.IsObject()) return lineError(f, "line is not a JSON object");
  LineReader r(obj);
  f.t = r.number("t");
  f.tComplete = r.member("tComplete", false) ? r.number("tComplete") : f.t;
  f.conn = r.str("conn");
  f.fromName = r.str("from");
  f.toName = r.str("to");
  f.from = partyFromName(f.fromName);
  f.to = partyFromName(f.toName);
  f.peer = r.str("peer", false);
  f.server = r.str("server", false);
  f.peerProc = r.str("peerProc", false);
  f.connHasSyn = r.member("connHasSyn", false) ? r.boolean("connHasSyn") : false;
  std::string serialize = r.str("serialize");
  if (r.ok()) {
    if (serialize == "JSON") {
      f.serialize = remoting::SerializeType::JSON;
    } else if (serialize == "ROCKETMQ") {
      f.serialize = remoting::SerializeType::ROCKETMQ;
    } else {
      r.fail("serialize", "is neither JSON nor ROCKETMQ: " + serialize);
    }
  }
  f.code = r.int32("code");
  f.flag = r.int32("flag");
  f.opaque = r.int32("opaque");
  f.isResponse = r.boolean("isResponse");
  f.oneway = r.boolean("oneway");
  f.codeName = r.str("codeName", false);
  if (auto rc = r.integer("reqCode", false)) f.reqCode = static_cast<int32_t>(*rc);
  f.reqCodeName = r.str("reqCodeName", false);
  f.bodyText = r.nullableStr("bodyText");
  if (auto bl = r.integer("bodyLength")) f.bodyLength = static_cast<size_t>(*bl);
  std::string b64 = r.str("bodyBase64");
  if (r.ok() && !decodeBase64(b64, f.body)) r.fail("bodyBase64", "is not valid base64");
  b64 = r.str("frameBase64");
  if (r.ok() && !decodeBase64(b64, f.frame)) r.fail("frameBase64", "is not valid base64");
  const rapidjson::Value* header = r.member("header", true);
  if (header != nullptr && !header->IsObject()) r.fail("header", "is not an object");
  if (!r.ok()) return lineError(f, r.error());
  f.headerJson = compactJson(*header);
  return Status::Ok();
}

void indexConnectionsAndPairs(CaptureFile& cf) {
  std::map<std::string, size_t, std::less<>> connIndex;
  // Requests awaiting a response: (connection, requester, opaque) -> frame indices, newest last.
  std::map<std::tuple<std::string, std::string, int32_t>, std::vector<size_t>> pending;
  for (size_t i = 0; i < cf.frames.size(); ++i) {
    CaptureFrame& f = cf.frames[i];
    auto [it, inserted] = connIndex.try_emplace(f.conn, cf.connections.size());
    if (inserted) {
      cf.connections.push_back(
          CaptureConnection{f.conn, f.peer, f.server, f.peerProc, f.connHasSyn, {}});
    }
    cf.connections[it->second].frames.push_back(i);
    if (!f.isResponse) {
      // A oneway request is never answered, so it must not capture a later response.
      if (!f.oneway) pending[{f.conn, f.fromName, f.opaque}].push_back(i);
      continue;
    }
    // The response travels back to the requester, so the request came from `to`.
    auto p = pending.find({f.conn, f.toName, f.opaque});
    if (p == pending.end() || p->second.empty()) continue;
    // Opaques are per-sender counters and are not reused while in flight; should a request go
    // unanswered and its opaque come round again, the newest one is the one answered.
    size_t req = p->second.back();
    p->second.pop_back();
    f.pair = req;
    cf.frames[req].pair = i;
  }
}

}  // namespace

Status loadCapture(const fs::path& file, CaptureFile& out) {
  out = CaptureFile();
  out.path = file;
  out.name = file.filename().string();
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::Error(file.string() + ": cannot open");
  out.headers_ = std::make_unique<rapidjson::Document>();
  out.headers_->SetArray();
  auto& alloc = out.headers_->GetAllocator();

  std::string line;
  size_t lineNo = 0;
  while (std::getline(in, line)) {
    ++lineNo;
    if (line.empty() || line == "\r") continue;
    CaptureFrame f;
    f.file = out.name;
    f.line = lineNo;
    rapidjson::Document doc;
    doc.Parse(line.data(), line.size());
    if (doc.HasParseError()) {
      return lineError(f, std::string("bad JSON: ") +
                              rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                              std::to_string(doc.GetErrorOffset()));
    }
    if (Status s = readFrame(doc, f); !s.ok()) return s;
    // Copy the header into the file-wide document: one allocator for all headers instead of a
    // Document (and its 64 KiB pool) per frame.
    rapidjson::Value header(doc["header"], alloc);
    out.headers_->PushBack(header, alloc);
    f.index = out.frames.size();
    out.frames.push_back(std::move(f));
  }
  if (in.bad())
    return Status::Error(file.string() + ": read error after line " + std::to_string(lineNo));
  // Pointers are taken only now: PushBack may have moved the array's elements.
  for (size_t i = 0; i < out.frames.size(); ++i) out.frames[i].header = &(*out.headers_)[i];
  indexConnectionsAndPairs(out);
  return Status::Ok();
}

const CaptureConnection* CaptureFile::connection(std::string_view id) const {
  for (const auto& c : connections) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const CaptureFrame* CaptureFile::responseOf(size_t i) const {
  if (i >= frames.size() || frames[i].isResponse || !frames[i].pair) return nullptr;
  return &frames[*frames[i].pair];
}

const CaptureFrame* CaptureFile::requestOf(size_t i) const {
  if (i >= frames.size() || !frames[i].isResponse || !frames[i].pair) return nullptr;
  return &frames[*frames[i].pair];
}

std::vector<std::pair<std::string, std::string>> CaptureFile::headerExtFields(
    const rapidjson::Value& header) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!header.IsObject()) return out;
  auto it = header.FindMember("extFields");
  if (it == header.MemberEnd() || !it->value.IsObject()) return out;
  for (const auto& m : it->value.GetObject()) {
    out.emplace_back(std::string(m.name.GetString(), m.name.GetStringLength()),
                     json::toText(m.value));
  }
  return out;
}

}  // namespace rmq::compat
