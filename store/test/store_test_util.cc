#include "store/test/store_test_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <thread>

#include "store/test/java_store_samples.h"

namespace rmq::store::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "rmq-store-test-XXXXXX").string();
  if (mkdtemp(tmpl.data())) path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) fs::remove_all(path_, ec);
}

Status copyTree(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return Status::Error("mkdir " + to + ": " + ec.message());
  for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const fs::path rel = fs::relative(it->path(), from);
    const fs::path target = fs::path(to) / rel;
    if (it->is_directory()) {
      fs::create_directories(target, ec);
    } else {
      fs::copy_file(it->path(), target, fs::copy_options::overwrite_existing, ec);
      if (!ec) fs::last_write_time(target, fs::last_write_time(it->path()), ec);
    }
    if (ec) return Status::Error("copy " + it->path().string() + ": " + ec.message());
  }
  if (ec) return Status::Error("walk " + from + ": " + ec.message());
  return Status::Ok();
}

namespace {
Status pwriteAll(const std::string& path, int64_t position, const void* data, size_t n) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error("open " + path + ": " + std::strerror(errno));
  ssize_t w = ::pwrite(fd, data, n, position);
  ::close(fd);
  if (w != static_cast<ssize_t>(n)) return Status::Error("pwrite " + path + " failed");
  return Status::Ok();
}
}  // namespace

Status flipByte(const std::string& path, int64_t position, uint8_t mask) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Error("open " + path + ": " + std::strerror(errno));
  uint8_t b = 0;
  ssize_t r = ::pread(fd, &b, 1, position);
  ::close(fd);
  if (r != 1) return Status::Error("pread " + path + " failed");
  b ^= mask;
  return pwriteAll(path, position, &b, 1);
}

Status zeroRange(const std::string& path, int64_t position, int64_t length) {
  std::string zeros(static_cast<size_t>(length), '\0');
  return pwriteAll(path, position, zeros.data(), zeros.size());
}

Status writeBytes(const std::string& path, int64_t position, const std::string& bytes) {
  return pwriteAll(path, position, bytes.data(), bytes.size());
}

Status resizeFile(const std::string& path, int64_t length) {
  if (::truncate(path.c_str(), length) != 0) {
    return Status::Error("truncate " + path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

int64_t fileLength(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

Status walkCommitLog(const std::string& dir, int64_t fileSize, CommitLogWalk& out, bool checkCrc) {
  out = CommitLogWalk();
  out.names = listDirectory(dir);
  for (const auto& name : out.names) {
    std::string data;
    if (!readWholeFile(dir + "/" + name, data)) return Status::Error("cannot read " + name);
    if (static_cast<int64_t>(data.size()) != fileSize) {
      return Status::Error(name + " has length " + std::to_string(data.size()));
    }
    if (name.size() != 20 || name.find_first_not_of("0123456789") != std::string::npos) {
      return Status::Error("bad file name " + name);
    }
    if (!out.data.empty() &&
        std::stoll(name) != std::stoll(out.names[out.data.size() - 1]) + fileSize) {
      return Status::Error("gap before " + name);
    }
    out.data.push_back(std::move(data));
  }
  const DecodeOptions options{checkCrc, true};
  for (size_t fi = 0; fi < out.data.size(); ++fi) {
    const int64_t start = std::stoll(out.names[fi]);
    const auto bytes = asBytes(out.data[fi]);
    int64_t pos = 0;
    while (true) {
      DecodedRecord r;
      Status s = decodeRecord(bytes.subspan(static_cast<size_t>(pos)), r, options);
      if (s.ok() && r.kind == RecordKind::kMessage) {
        if (r.physicalOffset != start + pos) {
          return Status::Error("record at " + std::to_string(start + pos) +
                               " says PHYSICALOFFSET " + std::to_string(r.physicalOffset));
        }
        out.byOffset[start + pos] = out.records.size();
        out.records.push_back({fi, pos, r});
        pos += r.totalSize;
        continue;
      }
      if (s.ok() && r.kind == RecordKind::kBlank) {
        if (r.totalSize != fileSize - pos || fileSize - pos < record::kBlankMarkerLength) {
          return Status::Error("blank marker in " + out.names[fi] + " at " + std::to_string(pos) +
                               " has size " + std::to_string(r.totalSize));
        }
        out.blanks.emplace_back(fi, pos);
        break;
      }
      out.end = start + pos;
      out.endReason = s.ok() ? "zero" : s.message();
      return Status::Ok();
    }
  }
  // Every file ended with a blank marker (or there is no file).
  out.end = out.names.empty() ? 0 : std::stoll(out.names.back()) + fileSize;
  out.endReason = "end of the last file";
  return Status::Ok();
}

bool zeroAfterEnd(const CommitLogWalk& walk) {
  for (size_t fi = 0; fi < walk.data.size(); ++fi) {
    const int64_t start = std::stoll(walk.names[fi]);
    const int64_t size = static_cast<int64_t>(walk.data[fi].size());
    if (start + size <= walk.end) continue;
    const size_t from = walk.end > start ? static_cast<size_t>(walk.end - start) : 0;
    if (walk.data[fi].find_first_not_of('\0', from) != std::string::npos) return false;
  }
  return true;
}

Status decodeRegion(const MappedRegion& region, DecodedRecord& out, bool checkCrc) {
  if (!region.valid()) return Status::Error("no data");
  Status s = decodeRecord(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(region.data),
                                                   static_cast<size_t>(region.size)),
                          out, DecodeOptions{checkCrc, true});
  if (!s.ok()) return s;
  if (out.kind != RecordKind::kMessage) return Status::Error("not a message record");
  if (out.totalSize != region.size) return Status::Error("region is not exactly one record");
  return Status::Ok();
}

Status loadWithin(MessageStore& store, int seconds) {
  auto f = std::async(std::launch::async, [&store] { return store.load(); });
  if (f.wait_for(std::chrono::seconds(seconds)) != std::future_status::ready) {
    std::fprintf(stderr, "FATAL: MessageStore::load() did not return within %d s\n", seconds);
    std::abort();
  }
  return f.get();
}

PutMessageResult putAndWait(MessageStore& store, const MessageToStore& msg) {
  return putBatchAndWait(store, {msg});
}

PutMessageResult putBatchAndWait(MessageStore& store, const std::vector<MessageToStore>& batch) {
  std::promise<PutMessageResult> p;
  auto f = p.get_future();
  store.putMessages(batch, [&p](const PutMessageResult& r) { p.set_value(r); });
  return f.get();
}

bool waitDispatched(MessageStore& store, int64_t timeoutMs) {
  for (int64_t waited = 0; store.dispatchBehindBytes() > 0; ++waited) {
    if (waited >= timeoutMs) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace rmq::store::testing
