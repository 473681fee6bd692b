// MessageStoreConfig: the store's settings with the Java key names and 4.9.8 defaults (shared
// protocol store-format.md section 12). Read from the broker's properties file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/config_binder.h"

namespace rmq::store {

enum class FlushDiskType { ASYNC_FLUSH, SYNC_FLUSH };
enum class BrokerRole { ASYNC_MASTER, SYNC_MASTER, SLAVE };

struct MessageStoreConfig {
  std::string storePathRootDir;    // default ${user.home}/store
  std::string storePathCommitLog;  // default <root>/commitlog
  int32_t mappedFileSizeCommitLog = 1024 * 1024 * 1024;
  int32_t mappedFileSizeConsumeQueue = 300000 * 20;
  bool enableConsumeQueueExt = false;
  FlushDiskType flushDiskType = FlushDiskType::ASYNC_FLUSH;
  BrokerRole brokerRole = BrokerRole::ASYNC_MASTER;
  int32_t flushIntervalCommitLog = 500;
  bool flushCommitLogTimed = true;
  int32_t flushCommitLogLeastPages = 4;
  int32_t flushCommitLogThoroughInterval = 10000;
  int32_t flushIntervalConsumeQueue = 1000;
  int32_t flushConsumeQueueLeastPages = 2;
  int32_t flushConsumeQueueThoroughInterval = 60000;
  int64_t syncFlushTimeout = 5000;
  int32_t cleanResourceInterval = 10000;
  int32_t deleteCommitLogFilesInterval = 100;
  int32_t deleteConsumeQueueFilesInterval = 100;
  int32_t destroyMapedFileIntervalForcibly = 120000;
  int32_t redeleteHangedFileInterval = 120000;
  std::string deleteWhen = "04";
  int32_t diskMaxUsedSpaceRatio = 75;
  int32_t fileReservedTime = 72;  // hours
  bool cleanFileForciblyEnable = true;
  int32_t maxMessageSize = 1024 * 1024 * 4;
  bool checkCRCOnRecover = true;
  int32_t maxTransferBytesOnMessageInMemory = 1024 * 256;
  int32_t maxTransferCountOnMessageInMemory = 32;
  int32_t maxTransferBytesOnMessageInDisk = 1024 * 64;
  int32_t maxTransferCountOnMessageInDisk = 8;
  int32_t accessMessageInMemoryMaxRatio = 40;
  bool messageIndexEnable = true;
  bool messageIndexSafe = false;
  int32_t maxHashSlotNum = 5000000;
  int32_t maxIndexNum = 5000000 * 4;
  int32_t maxMsgsNumBatch = 64;
  int32_t defaultQueryMaxNum = 32;
  std::string messageDelayLevel = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";
  int32_t flushDelayOffsetInterval = 10000;
  int64_t osPageCacheBusyTimeOutMills = 1000;
  bool warmMapedFileEnable = false;
  bool offsetCheckInSlave = false;
  bool duplicationEnable = false;
  int32_t haListenPort = 10912;
  std::string haMasterAddress;
  // Thresholds of the disk-space guard (Java system properties rocketmq.broker.*).
  double diskSpaceWarningLevelRatio = 0.90;
  double diskSpaceCleanForciblyRatio = 0.85;

  static MessageStoreConfig defaults();
  static const ConfigBinder<MessageStoreConfig>& binder();

  std::string commitLogDir() const;  // first of storePathCommitLog's ','-list
  std::string consumeQueueDir() const { return storePathRootDir + "/consumequeue"; }
  std::string indexDir() const { return storePathRootDir + "/index"; }
  std::string checkpointPath() const { return storePathRootDir + "/checkpoint"; }
  std::string abortPath() const { return storePathRootDir + "/abort"; }
  std::string lockPath() const { return storePathRootDir + "/lock"; }
  std::string configDir() const { return storePathRootDir + "/config"; }
  // ConsumeQueue file size rounded up to whole 20-byte units, as Java does.
  int32_t consumeQueueFileSize() const;
  bool isSyncFlush() const { return flushDiskType == FlushDiskType::SYNC_FLUSH; }
};

const char* flushDiskTypeName(FlushDiskType t);
const char* brokerRoleName(BrokerRole r);

}  // namespace rmq::store
