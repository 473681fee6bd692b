#include "store/clean_service.h"

#include <algorithm>

#include <sys/statvfs.h>

#include <ctime>
#include <sstream>

#include "common/logging.h"
#include "common/time_util.h"
#include "store/message_store.h"

namespace rmq::store {

CleanService::CleanService(MessageStore& store, const MessageStoreConfig& config)
    : store_(store), config_(config) {
  usage_ = [this] { return diskUsedRatio(config_.commitLogDir()); };
  now_ = [] { return nowMillis(); };
}

double CleanService::diskUsedRatio(const std::string& path) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) != 0) return -1;
  const auto unit = static_cast<uint64_t>(st.f_frsize);
  return usedRatioOf(uint64_t(st.f_blocks) * unit, uint64_t(st.f_bfree) * unit,
                     uint64_t(st.f_bavail) * unit);
}

double CleanService::usedRatioOf(uint64_t total, uint64_t free, uint64_t usable) {
  if (total == 0) return -1;
  // Java's UtilAll.getDiskPartitionSpaceUsedPercent: blocks reserved for root count neither as
  // used nor as usable, and the percentage is rounded up to a whole number.
  const uint64_t used = total - std::min(total, free);
  const uint64_t entire = used + usable;
  if (entire == 0) return -1;
  const uint64_t percent = used * 100 / entire + (used * 100 % entire != 0 ? 1 : 0);
  return static_cast<double>(percent) / 100.0;
}

bool CleanService::isTimeToDelete(int64_t nowMs) const {
  time_t secs = static_cast<time_t>(nowMs / 1000);
  tm local{};
  localtime_r(&secs, &local);
  std::istringstream in(config_.deleteWhen);
  std::string hour;
  while (std::getline(in, hour, ';')) {
    if (!hour.empty() && std::atoi(hour.c_str()) == local.tm_hour) return true;
  }
  return false;
}

void CleanService::run() {
  const int64_t now = now_();
  const double used = usage_();
  // The disk-full guard: refuse writes above the warning ratio, accept again below it.
  if (used >= 0) {
    const bool full = used > config_.diskSpaceWarningLevelRatio;
    if (full != store_.isDiskFull()) {
      if (full) {
        RMQ_LOG(ERROR) << "disk usage " << int(used * 100) << "%: store refuses writes";
      } else {
        RMQ_LOG(INFO) << "disk usage " << int(used * 100) << "%: store accepts writes again";
      }
      store_.setDiskFull(full);
    }
  }
  const bool timeUp = isTimeToDelete(now);
  const bool spaceFull = used > config_.diskMaxUsedSpaceRatio / 100.0;
  const bool cleanImmediately =
      config_.cleanFileForciblyEnable && used > config_.diskSpaceCleanForciblyRatio;
  int manual = manualDeleteRounds_.load();
  const bool manualDelete = manual > 0;
  if (manualDelete) manualDeleteRounds_.store(manual - 1);
  if (timeUp || spaceFull || manualDelete) {
    const int64_t reserveMs = int64_t(config_.fileReservedTime) * 3600 * 1000;
    int n = store_.commitLog().files().deleteFromFront(
        [&](const MappedFile& f) {
          return cleanImmediately || now >= f.lastModifiedMillis() + reserveMs;
        },
        10);
    if (n > 0) {
      deletedFiles_ += n;
      RMQ_LOG(INFO) << "deleted " << n << " expired CommitLog files (time " << timeUp << ", space "
                    << spaceFull << ", manual " << manualDelete << ", forced " << cleanImmediately
                    << ")";
    }
  }
  cleanConsumeQueuesAndIndex();
}

void CleanService::cleanConsumeQueuesAndIndex() {
  const int64_t minPhy = store_.minPhyOffset();
  if (minPhy <= lastPhyMinOffset_) return;
  lastPhyMinOffset_ = minPhy;
  int files = 0;
  for (const auto& [topic, queueId] : store_.consumeQueueKeys()) {
    if (auto* cq = store_.findConsumeQueue(topic, queueId, false)) {
      files += cq->deleteExpiredFiles(minPhy);
    }
  }
  files += store_.indexService().deleteExpiredFiles(minPhy);
  if (files > 0) {
    RMQ_LOG(INFO) << "deleted " << files << " consume queue / index files below offset " << minPhy;
  }
}

}  // namespace rmq::store
