#include "common/file_util.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace rmq {
namespace {

Status errnoStatus(const std::string& what, const std::string& path) {
  return Status::Error(what + " " + path + ": " + std::strerror(errno));
}

Status writeAll(int fd, const std::string& content, const std::string& path) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errnoStatus("write", path);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

void syncDirectory(const std::string& dir) {
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

std::string parentDirectory(const std::string& path) {
  auto pos = path.find_last_of('/');
  if (pos == std::string::npos) return "";
  if (pos == 0) return "/";
  return path.substr(0, pos);
}

Status makeDirectories(const std::string& path) {
  if (path.empty()) return Status::Ok();
  std::string current;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    current = path.substr(0, next);
    if (!current.empty() && ::mkdir(current.c_str(), 0755) != 0 && errno != EEXIST) {
      return errnoStatus("mkdir", current);
    }
    pos = next + 1;
  }
  return Status::Ok();
}

Status writeFileAtomically(const std::string& path, const std::string& content) {
  Status s = makeDirectories(parentDirectory(path));
  if (!s.ok()) return s;
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errnoStatus("open", tmp);
  s = writeAll(fd, content, tmp);
  if (s.ok() && ::fsync(fd) != 0) s = errnoStatus("fsync", tmp);
  ::close(fd);
  if (!s.ok()) return s;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    const std::string bak = path + ".bak";
    if (::rename(path.c_str(), bak.c_str()) != 0) return errnoStatus("rename", path);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return errnoStatus("rename", tmp);
  syncDirectory(parentDirectory(path));
  return Status::Ok();
}

Status readWholeFile(const std::string& path, std::string& out, bool* missing) {
  out.clear();
  if (missing) *missing = false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (missing && errno == ENOENT) *missing = true;
    return errnoStatus("open", path);
  }
  char buf[65536];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = errnoStatus("read", path);
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return Status::Ok();
}

Status readFileOrBackup(const std::string& path, std::string& out) {
  bool missing = false;
  Status s = readWholeFile(path, out, &missing);
  if (s.ok() && !out.empty()) return s;
  std::string bak;
  Status b = readWholeFile(path + ".bak", bak);
  if (b.ok() && !bak.empty()) {
    out = std::move(bak);
    return Status::Ok();
  }
  return s.ok() ? Status::Ok() : s;
}

std::string homeDirectory() {
  const char* home = std::getenv("HOME");
  if (home && *home) return home;
  struct passwd* pw = getpwuid(getuid());
  return pw ? pw->pw_dir : "/tmp";
}

}  // namespace rmq
