// Message store benchmarks: what the store does with a disk, next to what the same disk does
// with plain write(2)/fdatasync(2) in the same directory. Every run prints one line of
// key=value figures per measurement (bench/store.sh parses them); nothing here asserts timings.
//
//   store_bench --mode append  [--threads N] [--bytes B] [--body 1024]
//   store_bench --mode sync    [--appenders 1,16,64] [--seconds S] [--issue thread|callback]
//   store_bench --mode raw     [--bytes B] [--block 1048576] [--prealloc]
//   store_bench --mode raw     --sync-every K [--record R] [--seconds S] [--prealloc]
//   store_bench --mode recover [--bytes B] [--cold]
//   store_bench --mode scan    [--bytes B] [--cold]
// Common: [--dir PARENT] (temp directories are made and removed under it; default $TMPDIR or
// /tmp), [--file-size BYTES] (CommitLog file size, default the Java 1 GiB), [--no-index],
// [--log-level WARN], [--keep].
// [--warm-memory B] touches and frees B of memory just before measuring (see warmMemory()).
// Diagnostics (not part of the standard run): raw --via mmap (preallocate, map, memcpy, msync:
// the store's I/O pattern without the store), --advise random|nohuge|hugepage (madvise of the
// first CommitLog file / the raw mapping before any write).
//
// MB means 10^6 bytes. Byte figures count whole CommitLog records (header + topic + properties +
// body), i.e. what reaches the disk, so they compare directly with the raw write figures.
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/latency_histogram.h"
#include "common/logging.h"
#include "common/time_util.h"
#include "store/message_properties.h"
#include "store/message_store.h"
#include "store/store_format.h"

using namespace rmq;
using namespace rmq::store;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string mode;
  std::string dir;
  int threads = 1;
  int64_t bytes = 1000 * 1000 * 1000;
  int body = 1024;
  std::vector<int> appenders{1, 16, 64};
  double seconds = 5;
  std::string issue = "thread";
  int64_t block = 1 << 20;
  int syncEvery = 0;
  int record = 0;  // raw fdatasync variant: bytes per write (0 = record length of --body)
  bool prealloc = false;
  bool cold = false;
  int64_t fileSize = 1 << 30;
  bool index = true;
  bool keep = false;
  // Diagnostic only: madvise() the first CommitLog file before any write (none|random|nohuge|
  // hugepage), to measure how the page-cache folio size of the mapping affects flushing.
  std::string advise = "none";
  std::string via = "write";
  int64_t warmMemory = 0;  // raw: write(2)+fdatasync (baseline) or mmap+msync (diagnostic)
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "store_bench: %s\n", what.c_str());
  std::exit(1);
}

void usage() {
  std::fprintf(stderr,
               "usage: store_bench --mode append|sync|raw|recover|scan [--threads N] [--bytes B]\n"
               "  [--body N] [--appenders 1,16,64] [--seconds S] [--issue thread|callback]\n"
               "  [--block N] [--sync-every K] [--record N] [--prealloc] [--cold]\n"
               "  [--file-size N] [--no-index] [--dir PARENT] [--log-level L] [--keep]\n"
               "  [--advise none|random|nohuge|hugepage] [--via write|mmap] [--warm-memory B]\n");
  std::exit(2);
}

int64_t parseSize(const std::string& s) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  std::string unit(end);
  double mult = 1;
  if (unit == "k" || unit == "K") mult = 1e3;
  if (unit == "M") mult = 1e6;
  if (unit == "G") mult = 1e9;
  if (unit == "KiB") mult = 1024.0;
  if (unit == "MiB") mult = 1024.0 * 1024;
  if (unit == "GiB") mult = 1024.0 * 1024 * 1024;
  if (v <= 0 || (mult == 1 && !unit.empty())) die("bad size " + s);
  return static_cast<int64_t>(v * mult);
}

Options parseArgs(int argc, char** argv) {
  Options o;
  if (const char* t = std::getenv("TMPDIR")) o.dir = t;
  if (o.dir.empty()) o.dir = "/tmp";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (a == "--mode") {
      o.mode = next();
    } else if (a == "--dir") {
      o.dir = next();
    } else if (a == "--threads") {
      o.threads = std::atoi(next().c_str());
    } else if (a == "--bytes") {
      o.bytes = parseSize(next());
    } else if (a == "--body") {
      o.body = static_cast<int>(parseSize(next()));
    } else if (a == "--appenders") {
      o.appenders.clear();
      std::string list = next();
      for (size_t p = 0; p < list.size();) {
        size_t c = list.find(',', p);
        if (c == std::string::npos) c = list.size();
        o.appenders.push_back(std::atoi(list.substr(p, c - p).c_str()));
        p = c + 1;
      }
    } else if (a == "--seconds") {
      o.seconds = std::atof(next().c_str());
    } else if (a == "--issue") {
      o.issue = next();
    } else if (a == "--block") {
      o.block = parseSize(next());
    } else if (a == "--sync-every") {
      o.syncEvery = std::atoi(next().c_str());
    } else if (a == "--record") {
      o.record = static_cast<int>(parseSize(next()));
    } else if (a == "--prealloc") {
      o.prealloc = true;
    } else if (a == "--cold") {
      o.cold = true;
    } else if (a == "--file-size") {
      o.fileSize = parseSize(next());
    } else if (a == "--no-index") {
      o.index = false;
    } else if (a == "--warm-memory") {
      o.warmMemory = parseSize(next());
    } else if (a == "--via") {
      o.via = next();
    } else if (a == "--advise") {
      o.advise = next();
    } else if (a == "--keep") {
      o.keep = true;
    } else if (a == "--log-level") {
      log::Level l;
      if (!log::parseLevel(next(), l)) usage();
      log::setLevel(l);
    } else {
      usage();
    }
  }
  if (o.mode.empty() || o.threads < 1 || o.seconds <= 0 || o.issue.empty() ||
      (o.issue != "thread" && o.issue != "callback")) {
    usage();
  }
  for (int c : o.appenders) {
    if (c < 1) usage();
  }
  if (o.via != "write" && o.via != "mmap") usage();
  if (o.advise != "none" && o.advise != "random" && o.advise != "nohuge" &&
      o.advise != "hugepage") {
    usage();
  }
  return o;
}

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

uint64_t nanosBetween(Clock::time_point a, Clock::time_point b) {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(b - a).count());
}

// CPU time and page faults of the whole process (every store thread included).
struct Usage {
  double cpu = 0;
  int64_t minflt = 0;
  int64_t majflt = 0;
  static Usage now() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    Usage u;
    u.cpu = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
            double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    u.minflt = ru.ru_minflt;
    u.majflt = ru.ru_majflt;
    return u;
  }
  Usage operator-(const Usage& o) const {
    return {cpu - o.cpu, minflt - o.minflt, majflt - o.majflt};
  }
};

// Device-wide I/O counters (/proc/diskstats) of the block device holding a directory: what
// really went to the disk, including write amplification. Other writers of the same device are
// counted too.
struct DiskCounters {
  int64_t sectorsWritten = 0;
  int64_t writes = 0;
  int64_t sectorsRead = 0;
  int64_t flushes = 0;
  bool ok = false;
  static DiskCounters of(const std::string& dir) {
    DiskCounters d;
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) return d;
    const unsigned maj = major(st.st_dev), min = minor(st.st_dev);
    std::ifstream in("/proc/diskstats");
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream f(line);
      unsigned a = 0, b = 0;
      std::string name;
      int64_t v[17] = {};
      f >> a >> b >> name;
      for (auto& x : v) f >> x;
      if (a != maj || b != min) continue;
      d.sectorsRead = v[2];
      d.writes = v[4];
      d.sectorsWritten = v[6];
      d.flushes = v[15];
      d.ok = true;
    }
    return d;
  }
  DiskCounters operator-(const DiskCounters& o) const {
    return {sectorsWritten - o.sectorsWritten, writes - o.writes, sectorsRead - o.sectorsRead,
            flushes - o.flushes, ok && o.ok};
  }
  double writtenMB() const { return double(sectorsWritten) * 512 / 1e6; }
  double readMB() const { return double(sectorsRead) * 512 / 1e6; }
};

void printDisk(const DiskCounters& d, double payloadBytes) {
  if (!d.ok) return;
  std::printf(
      " disk_write_mb=%.1f disk_writes=%lld disk_flushes=%lld disk_read_mb=%.1f write_amp=%.2f",
      d.writtenMB(), (long long)d.writes, (long long)d.flushes, d.readMB(),
      payloadBytes > 0 ? d.writtenMB() * 1e6 / payloadBytes : 0.0);
}

// A scratch directory that is removed again (unless --keep).
class TempDir {
 public:
  TempDir(const Options& o, const char* prefix) : keep_(o.keep) {
    std::string tmpl = o.dir + "/" + prefix + "XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) die("mkdtemp " + tmpl + ": " + std::strerror(errno));
    path_ = buf.data();
  }
  ~TempDir() {
    if (keep_) {
      std::fprintf(stderr, "kept %s\n", path_.c_str());
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  bool keep_;
};

// Refuses to start when the run could fill the disk: wants `need` bytes plus 2 GB spare.
void checkSpace(const Options& o, int64_t need) {
  struct statvfs st {};
  if (::statvfs(o.dir.c_str(), &st) != 0) die("statvfs " + o.dir + ": " + std::strerror(errno));
  const int64_t avail = int64_t(st.f_bavail) * int64_t(st.f_frsize);
  const int64_t spare = 2LL * 1000 * 1000 * 1000;
  if (need + spare > avail) {
    die("not enough space in " + o.dir + ": need " + std::to_string(need / 1000000) +
        " MB + 2000 MB spare, " + std::to_string(avail / 1000000) + " MB free");
  }
}

// Files a store of `bytes` record bytes occupies: preallocated CommitLog files and the index.
int64_t storeFootprint(const Options& o, int64_t bytes) {
  int64_t files = (bytes + o.fileSize - 1) / o.fileSize + 1;
  return files * o.fileSize + (o.index ? 420LL * 1000 * 1000 : 0) + bytes / 40;
}

MessageStoreConfig storeConfig(const Options& o, const std::string& root, FlushDiskType type) {
  MessageStoreConfig c = MessageStoreConfig::defaults();
  c.storePathRootDir = root;
  c.storePathCommitLog = root + "/commitlog";
  c.mappedFileSizeCommitLog = static_cast<int32_t>(o.fileSize);
  c.flushDiskType = type;
  c.messageIndexEnable = o.index;
  return c;
}

std::unique_ptr<MessageStore> openStore(const MessageStoreConfig& c,
                                        const std::string& advise = "none") {
  auto store = std::make_unique<MessageStore>(c);
  Status s = store->load();
  if (!s.ok()) die("store load: " + s.message());
  s = store->start();
  if (!s.ok()) die("store start: " + s.message());
  if (advise != "none") {
    // Creates the first CommitLog file ahead of the first put (the put path then finds it).
    MappedFilePtr f = store->commitLog().files().lastFileForWrite(0, s);
    if (!f) die("create CommitLog file: " + s.message());
    const int a = advise == "random"   ? MADV_RANDOM
                  : advise == "nohuge" ? MADV_NOHUGEPAGE
                                       : MADV_HUGEPAGE;
    if (::madvise(f->data(), static_cast<size_t>(f->fileSize()), a) != 0) {
      die(std::string("madvise: ") + std::strerror(errno));
    }
  }
  return store;
}

// Builds the messages of one producer thread: 1 KB (--body) body, the properties a Java producer
// sends (TAGS, WAIT, a fresh UNIQ_KEY per message).
class MessageMaker {
 public:
  MessageMaker(const Options& o, int thread, int32_t queueId)
      : body_(size_t(o.body)), thread_(thread) {
    for (size_t i = 0; i < body_.size(); ++i)
      body_[i] = static_cast<uint8_t>('a' + (i * 7 + thread) % 26);
    msg_.topic = "BenchTopic";
    msg_.queueId = queueId;
    msg_.body = body_;
    msg_.bornHost = HostAddress::ipv4(127, 0, 0, 1, 40000 + thread);
    msg_.storeHost = HostAddress::ipv4(127, 0, 0, 1, 10911);
    next(0);
  }
  // Only the UNIQ_KEY digits change from one message to the next (the client's cost is kept
  // out of the figures as far as possible).
  const MessageToStore& next(uint64_t seq) {
    if (props_.empty()) {
      const std::string placeholder(32, '0');
      const Property props[] = {{property::kTags, "TagA"},
                                {property::kWaitStoreMsgOk, "true"},
                                {property::kUniqClientMessageIdKeyIdx, placeholder}};
      props_ = encodeProperties(props);
      uniqAt_ = props_.size() - placeholder.size();
      msg_.properties = props_;
      msg_.tagsCode = tagsCodeOf("TagA");
    }
    // "7F000001" + 4 hex digits of the thread + 20 hex digits of the sequence (32 chars),
    // written without printf: this runs on the appender thread, inside the measurement.
    static constexpr char kHex[] = "0123456789ABCDEF";
    char* u = props_.data() + uniqAt_;
    std::memcpy(u, "7F000001", 8);
    for (int i = 0; i < 4; ++i) u[8 + i] = kHex[(unsigned(thread_) >> (12 - 4 * i)) & 0xf];
    for (int i = 0; i < 20; ++i) {
      u[12 + i] = i < 4 ? '0' : kHex[(seq >> (4 * (19 - i))) & 0xf];
    }
    msg_.bornTimestamp = nowMillis();
    return msg_;
  }
  size_t recordLength() const { return store::recordLength(msg_); }

 private:
  std::vector<uint8_t> body_;
  int thread_;
  std::string props_;
  size_t uniqAt_ = 0;
  MessageToStore msg_;
};

// One put in flight: the completion may arrive on the caller's thread (ASYNC_FLUSH) or on the
// group commit thread (SYNC_FLUSH).
struct Completion {
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  PutMessageResult result;
  void set(const PutMessageResult& r) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      result = r;
      done = true;
    }
    cv.notify_one();
  }
  PutMessageResult wait() {
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait(lock, [this] { return done; });
    done = false;
    return result;
  }
};

void printLatency(const bench::LatencyHistogram& h) {
  std::printf(" avg_us=%.1f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f", h.mean() / 1e3,
              double(h.percentile(0.50)) / 1e3, double(h.percentile(0.99)) / 1e3,
              double(h.percentile(0.999)) / 1e3, double(h.max()) / 1e3);
}

// Fills `store` with about `bytes` record bytes from `threads` threads (queue = thread % 4 unless
// oneQueue); returns per-thread histograms merged and the put phase's wall time.
struct FillResult {
  int64_t msgs = 0;
  int64_t bytes = 0;
  int64_t failures = 0;
  double seconds = 0;
  int recordLength = 0;
  bench::LatencyHistogram latency;
  uint64_t firstPutNs = 0;  // the very first put creates the first CommitLog file
};

FillResult fill(MessageStore& store, const Options& o, int threads, int64_t bytes, bool oneQueue) {
  FillResult fr;
  fr.recordLength = static_cast<int>(MessageMaker(o, 0, 0).recordLength());
  const int64_t perThread = std::max<int64_t>(1, bytes / fr.recordLength / threads);
  std::vector<bench::LatencyHistogram> hist(static_cast<size_t>(threads));
  std::vector<int64_t> failures(static_cast<size_t>(threads), 0);
  std::vector<uint64_t> firstNs(static_cast<size_t>(threads), 0);
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      MessageMaker maker(o, t, oneQueue ? 0 : t % 4);
      Completion c;
      auto& h = hist[size_t(t)];
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      for (int64_t i = 0; i < perThread; ++i) {
        const MessageToStore& m = maker.next(uint64_t(i));
        auto start = Clock::now();
        store.putMessage(m, [&c](const PutMessageResult& r) { c.set(r); });
        PutMessageResult r = c.wait();
        const uint64_t ns = nanosBetween(start, Clock::now());
        h.record(ns);
        if (i == 0) firstNs[size_t(t)] = ns;
        if (r.status != PutMessageStatus::PUT_OK) ++failures[size_t(t)];
      }
    });
  }
  while (ready.load() < threads) std::this_thread::yield();
  auto t0 = Clock::now();
  go.store(true);
  for (auto& w : workers) w.join();
  fr.seconds = secondsSince(t0);
  for (int t = 0; t < threads; ++t) {
    fr.latency.merge(hist[size_t(t)]);
    fr.failures += failures[size_t(t)];
    fr.firstPutNs = std::max(fr.firstPutNs, firstNs[size_t(t)]);
  }
  fr.msgs = perThread * threads;
  fr.bytes = fr.msgs * fr.recordLength;
  return fr;
}

bool waitDispatched(MessageStore& store, double timeoutSeconds) {
  auto t0 = Clock::now();
  while (store.dispatchBehindBytes() > 0) {
    if (secondsSince(t0) > timeoutSeconds) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Pushes the page cache of every file under `dir` to disk and drops it, so the next read of the
// files comes from the device.
void evictPageCache(const std::string& dir) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    int fd = ::open(e.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    (void)::fdatasync(fd);
    (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
}

// The same for a running store, whose files are mapped: drop this process's page table entries
// first (MADV_DONTNEED on a shared mapping loses no data), else the mapped pages stay cached.
void evictStorePageCache(MessageStore& store, const std::string& dir) {
  auto drop = [](MappedFileQueue& q) {
    for (const auto& f : q.files()) {
      (void)f->flush(0);
      (void)::madvise(f->data(), static_cast<size_t>(f->fileSize()), MADV_DONTNEED);
    }
  };
  drop(store.commitLog().files());
  for (const auto& [topic, id] : store.consumeQueueKeys()) {
    if (ConsumeQueue* cq = store.findConsumeQueue(topic, id, false)) drop(cq->files());
  }
  evictPageCache(dir);
}

// Touches and frees `bytes` of anonymous memory right before a measurement. In a VM whose
// balloon reports free pages to the host (virtio-balloon free page reporting, e.g. Firecracker),
// memory freed more than ~2 s ago goes back to the host and its next first touch costs a host
// fault: a fresh page-cache page then costs several times more than on bare metal or in a
// steady-state broker (whose page cache recycles pages). Pages freed just now are reused hot.
void warmMemory(const Options& o) {
  if (o.warmMemory <= 0) return;
  void* p = ::mmap(nullptr, size_t(o.warmMemory), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return;
  auto* c = static_cast<volatile char*>(p);
  for (int64_t i = 0; i < o.warmMemory; i += 4096) c[i] = 1;
  ::munmap(p, size_t(o.warmMemory));
}

// ---- append ----

int runAppend(const Options& o) {
  checkSpace(o, storeFootprint(o, o.bytes));
  TempDir dir(o, "store-bench-append-");
  auto store = openStore(storeConfig(o, dir.path(), FlushDiskType::ASYNC_FLUSH), o.advise);
  warmMemory(o);
  const DiskCounters disk0 = DiskCounters::of(dir.path());
  const Usage u0 = Usage::now();
  FillResult fr = fill(*store, o, o.threads, o.bytes, false);
  const Usage u1 = Usage::now();
  auto f0 = Clock::now();
  store->commitLog().flushAll();
  const double flushSeconds = secondsSince(f0);
  const DiskCounters disk = DiskCounters::of(dir.path()) - disk0;
  auto d0 = Clock::now();
  const bool dispatched = waitDispatched(*store, 600);
  const double dispatchSeconds = secondsSince(d0);
  const Usage u = u1 - u0;
  const double total = fr.seconds + flushSeconds;
  std::printf(
      "mode=append threads=%d body=%d record=%d msgs=%lld bytes=%lld failures=%lld put_s=%.3f "
      "flush_s=%.3f total_s=%.3f msgs_per_s=%.0f mb_per_s=%.1f put_msgs_per_s=%.0f "
      "put_mb_per_s=%.1f cpu_us_per_msg=%.2f minflt=%lld majflt=%lld dispatch_after_s=%.3f "
      "dispatched=%d",
      o.threads, o.body, fr.recordLength, (long long)fr.msgs, (long long)fr.bytes,
      (long long)fr.failures, fr.seconds, flushSeconds, total, double(fr.msgs) / total,
      double(fr.bytes) / total / 1e6, double(fr.msgs) / fr.seconds,
      double(fr.bytes) / fr.seconds / 1e6, u.cpu * 1e6 / double(fr.msgs), (long long)u.minflt,
      (long long)u.majflt, dispatchSeconds, dispatched ? 1 : 0);
  std::printf(" advise=%s first_put_us=%.1f", o.advise.c_str(), double(fr.firstPutNs) / 1e3);
  printDisk(disk, double(fr.bytes));
  printLatency(fr.latency);
  std::printf("\n");
  std::fflush(stdout);
  store->shutdown();
  store.reset();
  return fr.failures == 0 ? 0 : 1;
}

// ---- sync ----

int runSyncLevel(const Options& o, int appenders) {
  MessageMaker probe(o, 0, 0);
  const int recordLength = static_cast<int>(probe.recordLength());
  TempDir dir(o, "store-bench-sync-");
  MessageStoreConfig cfg = storeConfig(o, dir.path(), FlushDiskType::SYNC_FLUSH);
  auto store = openStore(cfg, o.advise);
  warmMemory(o);
  // Stop when the time is up or when the data would outgrow --bytes, whichever comes first.
  const int64_t maxMsgs = o.bytes / recordLength;

  std::atomic<bool> measuring{false};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> issued{0};
  std::atomic<int64_t> completed{0};  // measured window only
  std::atomic<int64_t> timeouts{0};
  std::atomic<int64_t> failures{0};
  std::atomic<int64_t> flushes{0};
  std::atomic<int64_t> lastFlushed{-1};
  CommitLog& log = store->commitLog();
  // Runs where the completion runs (the group commit thread, one completion after the other):
  // counts the distinct flushes that completed puts, from the durable offset each one sees.
  auto countFlush = [&] {
    if (!measuring.load(std::memory_order_relaxed)) return;
    const int64_t fw = log.flushedWhere();
    if (lastFlushed.exchange(fw, std::memory_order_relaxed) != fw) flushes.fetch_add(1);
  };
  // Runs on the appender's side once the put is complete.
  auto account = [&](const PutMessageResult& r, uint64_t ns, bench::LatencyHistogram& h) {
    if (r.status == PutMessageStatus::FLUSH_DISK_TIMEOUT) timeouts.fetch_add(1);
    if (!r.ok()) failures.fetch_add(1);
    if (!measuring.load(std::memory_order_relaxed)) return;
    completed.fetch_add(1, std::memory_order_relaxed);
    h.record(ns);
  };

  struct Appender {
    std::unique_ptr<MessageMaker> maker;
    bench::LatencyHistogram hist;
    Clock::time_point start;
    uint64_t seq = 0;
    Completion c;
  };
  std::vector<std::unique_ptr<Appender>> slots;
  for (int i = 0; i < appenders; ++i) {
    auto a = std::make_unique<Appender>();
    a->maker = std::make_unique<MessageMaker>(o, i, i % 4);
    slots.push_back(std::move(a));
  }
  std::atomic<int> inFlight{0};
  std::mutex idleMutex;
  std::condition_variable idleCv;
  auto retire = [&] {
    if (inFlight.fetch_sub(1) == 1) {
      std::lock_guard<std::mutex> lock(idleMutex);
      idleCv.notify_all();
    }
  };
  // Closed loop without appender threads: each completion (on the group commit thread) issues
  // that appender's next put.
  std::function<void(Appender*)> issue = [&](Appender* a) {
    if (stop.load(std::memory_order_relaxed) || issued.fetch_add(1) >= maxMsgs) {
      retire();
      return;
    }
    const MessageToStore& m = a->maker->next(a->seq++);
    a->start = Clock::now();
    store->putMessage(m, [&, a](const PutMessageResult& r) {
      countFlush();
      account(r, nanosBetween(a->start, Clock::now()), a->hist);
      if (!r.ok()) {
        retire();  // a refused put completes inline: do not recurse on it
        return;
      }
      issue(a);
    });
  };

  std::vector<std::thread> threads;
  if (o.issue == "thread") {
    for (int i = 0; i < appenders; ++i) {
      threads.emplace_back([&, i] {
        Appender& a = *slots[size_t(i)];
        while (!stop.load(std::memory_order_relaxed)) {
          if (issued.fetch_add(1) >= maxMsgs) break;
          const MessageToStore& m = a.maker->next(a.seq++);
          auto start = Clock::now();
          store->putMessage(m, [&](const PutMessageResult& r) {
            countFlush();
            a.c.set(r);
          });
          PutMessageResult r = a.c.wait();
          account(r, nanosBetween(start, Clock::now()), a.hist);
        }
      });
    }
  } else {
    inFlight.store(appenders);
    for (auto& a : slots) issue(a.get());
  }
  // Half a second of warm-up, then the measured window.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const int64_t issuedAtStart = issued.load();
  const Usage um0 = Usage::now();
  auto t0 = Clock::now();
  const int64_t durableAtStart = log.flushedWhere();
  const DiskCounters d0 = DiskCounters::of(dir.path());
  measuring.store(true);
  while (secondsSince(t0) < o.seconds && issued.load() < maxMsgs) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  measuring.store(false);
  const double secs = secondsSince(t0);
  const int64_t durableAtEnd = log.flushedWhere();
  const DiskCounters disk = DiskCounters::of(dir.path()) - d0;
  const Usage um = Usage::now() - um0;
  stop.store(true);
  for (auto& t : threads) t.join();
  if (o.issue == "callback") {
    std::unique_lock<std::mutex> lock(idleMutex);
    idleCv.wait(lock, [&] { return inFlight.load() == 0; });
  }
  bench::LatencyHistogram h;
  for (auto& a : slots) h.merge(a->hist);
  const int64_t n = completed.load();
  const int64_t f = std::max<int64_t>(1, flushes.load());
  std::printf(
      "mode=sync appenders=%d issue=%s body=%d record=%d msgs=%lld secs=%.3f msgs_per_s=%.0f "
      "mb_per_s=%.2f durable_mb_per_s=%.2f flushes=%lld flushes_per_s=%.0f msgs_per_flush=%.2f "
      "bytes_per_flush=%.0f timeouts=%lld failures=%lld cpu_us_per_msg=%.2f warmup_msgs=%lld",
      appenders, o.issue.c_str(), o.body, recordLength, (long long)n, secs, double(n) / secs,
      double(n) * recordLength / secs / 1e6, double(durableAtEnd - durableAtStart) / secs / 1e6,
      (long long)flushes.load(), double(flushes.load()) / secs, double(n) / double(f),
      double(n) * recordLength / double(f), (long long)timeouts.load(), (long long)failures.load(),
      n ? um.cpu * 1e6 / double(n) : 0.0, (long long)issuedAtStart);
  std::printf(" advise=%s", o.advise.c_str());
  printDisk(disk, double(durableAtEnd - durableAtStart));
  printLatency(h);
  std::printf("\n");
  std::fflush(stdout);
  store->shutdown();
  store.reset();
  return failures.load() == 0 ? 0 : 1;
}

int runSync(const Options& o) {
  checkSpace(o, storeFootprint(o, o.bytes));
  int rc = 0;
  for (int c : o.appenders) rc |= runSyncLevel(o, c);
  return rc;
}

// ---- raw ----

void fillPattern(std::vector<char>& buf) {
  for (size_t i = 0; i < buf.size(); ++i) buf[i] = static_cast<char>('a' + (i * 13) % 26);
}

// The raw file: written with pwrite(2) and fdatasync(2) (--via write, the baseline), or, as the
// store does, preallocated, mapped MAP_SHARED, filled with memcpy and flushed with
// msync(MS_SYNC) (--via mmap, a diagnostic that isolates the kernel's cost of that design).
class RawFile {
 public:
  RawFile(const Options& o, const std::string& path) : mmap_(o.via == "mmap"), size_(o.bytes) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) die("open " + path + ": " + std::strerror(errno));
    if (o.prealloc || mmap_) {
      int rc = ::posix_fallocate(fd_, 0, size_);
      if (rc != 0) die("fallocate " + path + ": " + std::strerror(rc));
      (void)::fsync(fd_);  // the allocation itself is not what is measured
    }
    if (mmap_) {
      void* p = ::mmap(nullptr, size_t(size_), PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
      if (p == MAP_FAILED) die(std::string("mmap: ") + std::strerror(errno));
      base_ = static_cast<char*>(p);
      if (o.advise != "none") {
        const int a = o.advise == "random"   ? MADV_RANDOM
                      : o.advise == "nohuge" ? MADV_NOHUGEPAGE
                                             : MADV_HUGEPAGE;
        if (::madvise(base_, size_t(size_), a) != 0) die("madvise");
      }
    }
  }
  ~RawFile() {
    if (base_) ::munmap(base_, size_t(size_));
    ::close(fd_);
  }
  void write(const char* p, size_t n) {
    if (mmap_) {
      std::memcpy(base_ + at_, p, n);
      at_ += int64_t(n);
      return;
    }
    int64_t at = at_;
    while (n > 0) {
      ssize_t w = ::pwrite(fd_, p, n, at);
      if (w < 0) {
        if (errno == EINTR) continue;
        die(std::string("write: ") + std::strerror(errno));
      }
      p += w;
      n -= size_t(w);
      at += w;
    }
    at_ = at;
  }
  void sync() {
    if (mmap_) {
      const int64_t start = flushed_ / 4096 * 4096;
      const int64_t end = std::min<int64_t>(size_, (at_ + 4095) / 4096 * 4096);
      if (end > start && ::msync(base_ + start, size_t(end - start), MS_SYNC) != 0) {
        die(std::string("msync: ") + std::strerror(errno));
      }
      flushed_ = at_;
      return;
    }
    if (::fdatasync(fd_) != 0) die(std::string("fdatasync: ") + std::strerror(errno));
  }
  int64_t position() const { return at_; }

 private:
  bool mmap_;
  int64_t size_;
  int fd_ = -1;
  char* base_ = nullptr;
  int64_t at_ = 0;
  int64_t flushed_ = 0;
};

int recordLengthOf(const Options& o) {
  return o.record > 0 ? o.record : static_cast<int>(MessageMaker(o, 0, 0).recordLength());
}

int runRawBandwidth(const Options& o) {
  checkSpace(o, o.bytes);
  TempDir dir(o, "store-bench-raw-");
  // write(2) in 1 MiB blocks; the mmap variant copies one record at a time, as the store does.
  const int64_t chunk = o.via == "mmap" ? recordLengthOf(o) : o.block;
  RawFile file(o, dir.path() + "/seq");
  warmMemory(o);
  std::vector<char> buf(static_cast<size_t>(chunk));
  fillPattern(buf);
  const int64_t chunks = o.bytes / chunk;
  const DiskCounters d0 = DiskCounters::of(dir.path());
  const Usage u0 = Usage::now();
  auto t0 = Clock::now();
  for (int64_t i = 0; i < chunks; ++i) file.write(buf.data(), buf.size());
  const double writeSeconds = secondsSince(t0);
  auto s0 = Clock::now();
  file.sync();
  const double syncSeconds = secondsSince(s0);
  const Usage u = Usage::now() - u0;
  const DiskCounters disk = DiskCounters::of(dir.path()) - d0;
  const double total = writeSeconds + syncSeconds;
  const double bytes = double(file.position());
  std::printf(
      "mode=raw kind=seq via=%s block=%lld prealloc=%d advise=%s bytes=%.0f write_s=%.3f "
      "fdatasync_s=%.3f total_s=%.3f mb_per_s=%.1f write_mb_per_s=%.1f minflt=%lld",
      o.via.c_str(), (long long)chunk, (o.prealloc || o.via == "mmap") ? 1 : 0, o.advise.c_str(),
      bytes, writeSeconds, syncSeconds, total, bytes / total / 1e6, bytes / writeSeconds / 1e6,
      (long long)u.minflt);
  printDisk(disk, bytes);
  std::printf("\n");
  std::fflush(stdout);
  return 0;
}

int runRawSync(const Options& o) {
  checkSpace(o, o.bytes);
  const int record = recordLengthOf(o);
  TempDir dir(o, "store-bench-rawsync-");
  RawFile file(o, dir.path() + "/sync");
  warmMemory(o);
  std::vector<char> buf(static_cast<size_t>(record));
  fillPattern(buf);
  bench::LatencyHistogram syncLatency;   // one fdatasync call
  bench::LatencyHistogram groupLatency;  // k writes + their fdatasync
  int64_t writes = 0;
  int64_t syncs = 0;
  const DiskCounters d0 = DiskCounters::of(dir.path());
  auto t0 = Clock::now();
  auto deadline =
      t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  while (Clock::now() < deadline && file.position() + int64_t(record) * o.syncEvery <= o.bytes) {
    auto g0 = Clock::now();
    for (int i = 0; i < o.syncEvery; ++i) {
      file.write(buf.data(), buf.size());
      ++writes;
    }
    auto s0 = Clock::now();
    file.sync();
    auto s1 = Clock::now();
    syncLatency.record(nanosBetween(s0, s1));
    groupLatency.record(nanosBetween(g0, s1));
    ++syncs;
  }
  const double secs = secondsSince(t0);
  const DiskCounters disk = DiskCounters::of(dir.path()) - d0;
  const double bytes = double(file.position());
  std::printf(
      "mode=raw kind=fdatasync via=%s record=%d sync_every=%d prealloc=%d advise=%s writes=%lld "
      "syncs=%lld secs=%.3f writes_per_s=%.0f syncs_per_s=%.0f mb_per_s=%.2f sync_p50_us=%.1f "
      "sync_p99_us=%.1f",
      o.via.c_str(), record, o.syncEvery, (o.prealloc || o.via == "mmap") ? 1 : 0, o.advise.c_str(),
      (long long)writes, (long long)syncs, secs, double(writes) / secs, double(syncs) / secs,
      bytes / secs / 1e6, double(syncLatency.percentile(0.5)) / 1e3,
      double(syncLatency.percentile(0.99)) / 1e3);
  printDisk(disk, bytes);
  printLatency(groupLatency);
  std::printf("\n");
  std::fflush(stdout);
  return 0;
}

// ---- recover ----

int runRecover(const Options& o) {
  checkSpace(o, storeFootprint(o, o.bytes));
  TempDir dir(o, "store-bench-recover-");
  const MessageStoreConfig cfg = storeConfig(o, dir.path(), FlushDiskType::ASYNC_FLUSH);
  int pipeFd[2];
  if (::pipe(pipeFd) != 0) die("pipe");
  std::fflush(stdout);
  pid_t child = ::fork();
  if (child < 0) die("fork");
  if (child == 0) {
    // The child fills the store and dies without a shutdown: abort file present, CommitLog tail
    // beyond the last flush, checkpoint behind, consume queues partly built.
    ::close(pipeFd[0]);
    auto store = openStore(cfg, o.advise);
    FillResult fr = fill(*store, o, o.threads, o.bytes, false);
    int64_t report[4] = {store->maxPhyOffset(), store->commitLog().flushedWhere(), fr.msgs,
                         static_cast<int64_t>(fr.seconds * 1e6)};
    if (::write(pipeFd[1], report, sizeof(report)) != sizeof(report)) _exit(3);
    ::raise(SIGKILL);
    _exit(4);
  }
  ::close(pipeFd[1]);
  int64_t report[4] = {0, 0, 0, 0};
  ssize_t got = ::read(pipeFd[0], report, sizeof(report));
  ::close(pipeFd[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (got != sizeof(report) || !WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
    die("the filling child did not end with SIGKILL as planned");
  }
  const int64_t written = report[0];
  const int64_t flushedByStore = report[1];
  const bool abortPresent = std::filesystem::exists(cfg.abortPath());
  if (o.cold) evictPageCache(dir.path());
  warmMemory(o);

  const DiskCounters d0 = DiskCounters::of(dir.path());
  const Usage u0 = Usage::now();
  auto t0 = Clock::now();
  auto store = std::make_unique<MessageStore>(cfg);
  Status s = store->load();
  if (!s.ok()) die("store load: " + s.message());
  const double loadSeconds = secondsSince(t0);
  auto t1 = Clock::now();
  s = store->start();
  if (!s.ok()) die("store start: " + s.message());
  const double startSeconds = secondsSince(t1);
  const Usage u = Usage::now() - u0;
  const DiskCounters disk = DiskCounters::of(dir.path()) - d0;
  const double total = loadSeconds + startSeconds;
  int64_t queued = 0;
  for (int q = 0; q < 4; ++q) queued += store->maxOffsetInQueue("BenchTopic", q);
  const int64_t recovered = store->maxPhyOffset();
  std::printf(
      "mode=recover cold=%d record=%d bytes=%lld msgs=%lld unflushed_at_kill=%lld abort=%d "
      "last_exit_ok=%d "
      "recovered_bytes=%lld queued_msgs=%lld complete=%d load_s=%.3f start_s=%.3f total_s=%.3f "
      "s_per_gb=%.3f mb_per_s=%.1f cpu_s=%.3f majflt=%lld fill_s=%.3f",
      o.cold ? 1 : 0, recordLengthOf(o), (long long)written, (long long)report[2],
      (long long)(written - flushedByStore), abortPresent ? 1 : 0, store->lastExitOK() ? 1 : 0,
      (long long)recovered, (long long)queued,
      (recovered == written && queued == report[2]) ? 1 : 0, loadSeconds, startSeconds, total,
      total / (double(written) / 1e9), double(written) / total / 1e6, u.cpu, (long long)u.majflt,
      double(report[3]) / 1e6);
  printDisk(disk, double(written));
  std::printf("\n");
  std::fflush(stdout);
  store->shutdown();
  store.reset();
  return 0;
}

// ---- scan ----

int runScan(const Options& o) {
  checkSpace(o, storeFootprint(o, o.bytes));
  TempDir dir(o, "store-bench-scan-");
  const MessageStoreConfig cfg = storeConfig(o, dir.path(), FlushDiskType::ASYNC_FLUSH);
  FillResult fr;
  {
    auto store = openStore(cfg);
    fr = fill(*store, o, 1, o.bytes, true);
    if (!waitDispatched(*store, 600)) die("dispatch did not catch up");
    store->shutdown();
  }
  // Reopened as after a clean restart; its recovery reads the newest files, so the page cache is
  // dropped after that, just before the scan.
  auto store = openStore(cfg);
  if (o.cold) evictStorePageCache(*store, dir.path());
  warmMemory(o);
  std::vector<char> out(1 << 20);  // what a pull response would copy the records into
  int64_t offset = 0;
  int64_t msgs = 0;
  int64_t bytes = 0;
  int64_t calls = 0;
  uint64_t checksum = 0;
  const DiskCounters d0 = DiskCounters::of(dir.path());
  const Usage u0 = Usage::now();
  auto t0 = Clock::now();
  while (true) {
    GetMessageResult r = store->getMessage("BenchTopic", 0, offset, 32, nullptr);
    ++calls;
    if (r.status != GetMessageStatus::FOUND) break;
    size_t at = 0;
    for (const auto& m : r.messages) {
      if (at + size_t(m.size) > out.size()) at = 0;
      std::memcpy(out.data() + at, m.data, size_t(m.size));
      checksum += static_cast<uint8_t>(out[at + size_t(m.size) - 1]);
      at += size_t(m.size);
      bytes += m.size;
      ++msgs;
    }
    offset = r.nextBeginOffset;
  }
  const double secs = secondsSince(t0);
  const Usage u = Usage::now() - u0;
  const DiskCounters disk = DiskCounters::of(dir.path()) - d0;
  std::printf(
      "mode=scan cold=%d record=%d bytes=%lld msgs=%lld expected_msgs=%lld calls=%lld secs=%.3f "
      "msgs_per_s=%.0f mb_per_s=%.1f cpu_us_per_msg=%.3f minflt=%lld majflt=%lld checksum=%llu",
      o.cold ? 1 : 0, fr.recordLength, (long long)bytes, (long long)msgs, (long long)fr.msgs,
      (long long)calls, secs, double(msgs) / secs, double(bytes) / secs / 1e6,
      u.cpu * 1e6 / double(std::max<int64_t>(1, msgs)), (long long)u.minflt, (long long)u.majflt,
      (unsigned long long)checksum);
  printDisk(disk, double(bytes));
  std::printf("\n");
  std::fflush(stdout);
  store->shutdown();
  store.reset();
  return msgs == fr.msgs ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  log::setLevel(log::Level::WARN);
  Options o = parseArgs(argc, argv);
  if (o.mode == "append") return runAppend(o);
  if (o.mode == "sync") return runSync(o);
  if (o.mode == "raw") return o.syncEvery > 0 ? runRawSync(o) : runRawBandwidth(o);
  if (o.mode == "recover") return runRecover(o);
  if (o.mode == "scan") return runScan(o);
  usage();
}
