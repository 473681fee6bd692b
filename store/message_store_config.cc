#include "store/message_store_config.h"

#include "common/file_util.h"

namespace rmq::store {

const char* flushDiskTypeName(FlushDiskType t) {
  return t == FlushDiskType::SYNC_FLUSH ? "SYNC_FLUSH" : "ASYNC_FLUSH";
}

const char* brokerRoleName(BrokerRole r) {
  switch (r) {
    case BrokerRole::SYNC_MASTER:
      return "SYNC_MASTER";
    case BrokerRole::SLAVE:
      return "SLAVE";
    default:
      return "ASYNC_MASTER";
  }
}

MessageStoreConfig MessageStoreConfig::defaults() {
  MessageStoreConfig c;
  c.storePathRootDir = homeDirectory() + "/store";
  c.storePathCommitLog = c.storePathRootDir + "/commitlog";
  return c;
}

std::string MessageStoreConfig::commitLogDir() const {
  auto comma = storePathCommitLog.find(',');
  return comma == std::string::npos ? storePathCommitLog : storePathCommitLog.substr(0, comma);
}

int32_t MessageStoreConfig::consumeQueueFileSize() const {
  constexpr int32_t unit = 20;
  return ((mappedFileSizeConsumeQueue + unit - 1) / unit) * unit;
}

const ConfigBinder<MessageStoreConfig>& MessageStoreConfig::binder() {
  using C = MessageStoreConfig;
  static const ConfigBinder<C> b = [] {
    ConfigBinder<C> x;
    x.bind("storePathRootDir", &C::storePathRootDir)
        .bind("storePathCommitLog", &C::storePathCommitLog)
        .bind("mappedFileSizeCommitLog", &C::mappedFileSizeCommitLog)
        .bind("mapedFileSizeCommitLog", &C::mappedFileSizeCommitLog)  // name up to 4.5.1
        .bind("mappedFileSizeConsumeQueue", &C::mappedFileSizeConsumeQueue)
        .bind("mapedFileSizeConsumeQueue", &C::mappedFileSizeConsumeQueue)
        .bind("enableConsumeQueueExt", &C::enableConsumeQueueExt)
        .bind(
            "flushDiskType",
            [](C& c, const std::string& v) {
              if (v == "SYNC_FLUSH")
                c.flushDiskType = FlushDiskType::SYNC_FLUSH;
              else if (v == "ASYNC_FLUSH")
                c.flushDiskType = FlushDiskType::ASYNC_FLUSH;
              else
                return false;
              return true;
            },
            [](const C& c) { return std::string(flushDiskTypeName(c.flushDiskType)); })
        .bind(
            "brokerRole",
            [](C& c, const std::string& v) {
              if (v == "SYNC_MASTER")
                c.brokerRole = BrokerRole::SYNC_MASTER;
              else if (v == "ASYNC_MASTER")
                c.brokerRole = BrokerRole::ASYNC_MASTER;
              else if (v == "SLAVE")
                c.brokerRole = BrokerRole::SLAVE;
              else
                return false;
              return true;
            },
            [](const C& c) { return std::string(brokerRoleName(c.brokerRole)); })
        .bind("flushIntervalCommitLog", &C::flushIntervalCommitLog)
        .bind("flushCommitLogTimed", &C::flushCommitLogTimed)
        .bind("flushCommitLogLeastPages", &C::flushCommitLogLeastPages)
        .bind("flushCommitLogThoroughInterval", &C::flushCommitLogThoroughInterval)
        .bind("flushIntervalConsumeQueue", &C::flushIntervalConsumeQueue)
        .bind("flushConsumeQueueLeastPages", &C::flushConsumeQueueLeastPages)
        .bind("flushConsumeQueueThoroughInterval", &C::flushConsumeQueueThoroughInterval)
        .bind("syncFlushTimeout", &C::syncFlushTimeout)
        .bind("cleanResourceInterval", &C::cleanResourceInterval)
        .bind("deleteCommitLogFilesInterval", &C::deleteCommitLogFilesInterval)
        .bind("deleteConsumeQueueFilesInterval", &C::deleteConsumeQueueFilesInterval)
        .bind("destroyMapedFileIntervalForcibly", &C::destroyMapedFileIntervalForcibly)
        .bind("redeleteHangedFileInterval", &C::redeleteHangedFileInterval)
        .bind("deleteWhen", &C::deleteWhen)
        .bind("diskMaxUsedSpaceRatio", &C::diskMaxUsedSpaceRatio)
        .bind("fileReservedTime", &C::fileReservedTime)
        .bind("cleanFileForciblyEnable", &C::cleanFileForciblyEnable)
        .bind("maxMessageSize", &C::maxMessageSize)
        .bind("checkCRCOnRecover", &C::checkCRCOnRecover)
        .bind("maxTransferBytesOnMessageInMemory", &C::maxTransferBytesOnMessageInMemory)
        .bind("maxTransferCountOnMessageInMemory", &C::maxTransferCountOnMessageInMemory)
        .bind("maxTransferBytesOnMessageInDisk", &C::maxTransferBytesOnMessageInDisk)
        .bind("maxTransferCountOnMessageInDisk", &C::maxTransferCountOnMessageInDisk)
        .bind("accessMessageInMemoryMaxRatio", &C::accessMessageInMemoryMaxRatio)
        .bind("messageIndexEnable", &C::messageIndexEnable)
        .bind("messageIndexSafe", &C::messageIndexSafe)
        .bind("maxHashSlotNum", &C::maxHashSlotNum)
        .bind("maxIndexNum", &C::maxIndexNum)
        .bind("maxMsgsNumBatch", &C::maxMsgsNumBatch)
        .bind("defaultQueryMaxNum", &C::defaultQueryMaxNum)
        .bind("messageDelayLevel", &C::messageDelayLevel)
        .bind("flushDelayOffsetInterval", &C::flushDelayOffsetInterval)
        .bind("osPageCacheBusyTimeOutMills", &C::osPageCacheBusyTimeOutMills)
        .bind("warmMapedFileEnable", &C::warmMapedFileEnable)
        .bind("offsetCheckInSlave", &C::offsetCheckInSlave)
        .bind("duplicationEnable", &C::duplicationEnable)
        .bind("haListenPort", &C::haListenPort)
        .bind("haMasterAddress", &C::haMasterAddress);
    return x;
  }();
  return b;
}

}  // namespace rmq::store
