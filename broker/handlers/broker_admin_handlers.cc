// Broker configuration and runtime: UPDATE_BROKER_CONFIG (25), GET_BROKER_CONFIG (26),
// GET_BROKER_RUNTIME_INFO (28); broker-requests.md 9.3.
#include <sys/statvfs.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "broker/handlers/handlers.h"
#include "common/file_util.h"
#include "common/json.h"
#include "common/logging.h"
#include "common/mq_version.h"
#include "common/protocol/route_data.h"
#include "common/time_util.h"
#include "remoting/request_code.h"
#include "remoting/response_code.h"
#include "store/clean_service.h"

namespace rmq::broker {

using remoting::RemotingCommand;
using remoting::RequestContext;
namespace rc = remoting::response_code;
namespace req = remoting::request_code;

namespace {

// Java's MixAll.humanReadableByteCount(bytes, false): "512 B", "1.5 KiB", "252.0 GiB".
std::string humanReadableBytes(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  int exp = static_cast<int>(std::log(static_cast<double>(bytes)) / std::log(1024.0));
  exp = std::clamp(exp, 1, 6);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%.1f %ciB", static_cast<double>(bytes) / std::pow(1024.0, exp),
                "KMGTPE"[exp - 1]);
  return buf;
}

std::string runtimeText(int64_t bootMs) {
  int64_t secs = (nowMillis() - bootMs) / 1000;
  char buf[96];
  std::snprintf(buf, sizeof(buf), "[ %lld days, %lld hours, %lld minutes, %lld seconds ]",
                static_cast<long long>(secs / 86400), static_cast<long long>(secs / 3600 % 24),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

void updateBrokerConfig(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  if (r.body().empty()) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
    return;
  }
  Properties props;
  if (!Properties::parse(r.body(), props).ok()) {
    rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, "string2Properties error"));
    return;
  }
  for (const char* black : {"configBlackList", "brokerConfigPath"}) {
    if (props.contains(black)) {
      rctx.reply(RemotingCommand::createResponse(r, rc::NO_PERMISSION,
                                                 "Can not update config in black list."));
      return;
    }
  }
  const int32_t oldPerm = ctx.config.brokerPermission;
  {
    std::lock_guard<std::mutex> lock(ctx.configMutex);
    BrokerConfiguration updated = ctx.conf;
    Status s = updated.apply(props);
    if (!s.ok()) {
      rctx.reply(RemotingCommand::createResponse(r, rc::SYSTEM_ERROR, s.message()));
      return;
    }
    // Only what can change at runtime is taken over; the rest is persisted for the next start.
    ctx.conf.broker = updated.broker;
    ctx.conf.javaOnly = updated.javaOnly;
    ctx.conf.unknown = updated.unknown;
    ctx.configVersion.nextVersion(nowMillis());
    if (!ctx.configFilePath.empty()) {
      Status ws = writeFileAtomically(ctx.configFilePath, updated.toProperties().toString());
      if (!ws.ok()) RMQ_LOG(WARN) << "persist broker config failed: " << ws.message();
    }
  }
  RMQ_LOG(INFO) << "updateBrokerConfig called by " << rctx.connection()->remoteAddress() << ": "
                << std::string(r.body());
  if (ctx.config.brokerPermission != oldPerm) ctx.registerBrokerAll(false);
  rctx.reply(RemotingCommand::createResponse(r, rc::SUCCESS));
}

void getBrokerConfig(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  std::lock_guard<std::mutex> lock(ctx.configMutex);
  RemotingCommand resp = responseWithBody(r, ctx.conf.toProperties().toString());
  resp.addExt("version", ctx.configVersion.toJson());
  rctx.reply(std::move(resp));
}

void getRuntimeInfo(BrokerContext& ctx, RemotingCommand& r, RequestContext& rctx) {
  std::map<std::string, std::string> t;
  auto& store = ctx.store;
  t["brokerVersion"] = std::to_string(mqversion::CURRENT);
  t["brokerVersionDesc"] = mqversion::CURRENT_DESC;
  const BrokerStats& bs = ctx.brokerStats;
  t["msgPutTotalYesterdayMorning"] = std::to_string(bs.msgPutTotalYesterdayMorning());
  t["msgPutTotalTodayMorning"] = std::to_string(bs.msgPutTotalTodayMorning());
  t["msgPutTotalTodayNow"] = std::to_string(ctx.msgPutTotal.load());
  t["msgGetTotalYesterdayMorning"] = std::to_string(bs.msgGetTotalYesterdayMorning());
  t["msgGetTotalTodayMorning"] = std::to_string(bs.msgGetTotalTodayMorning());
  t["msgGetTotalTodayNow"] = std::to_string(ctx.msgGetTotal.load());
  // Java leaves a window empty until it has that many seconds of samples ("0.0 4.8 "), except
  // getTotalTps, the found + miss sum, which writes 0.0 there.
  t["putTps"] = ctx.putTps.text();
  t["getTransferedTps"] = ctx.getTps.text();
  t["getFoundTps"] = ctx.getFoundTps.text();
  t["getMissTps"] = ctx.getMissTps.text();
  t["getTotalTps"] = TpsSampler::sumText(ctx.getFoundTps, ctx.getMissTps);
  t["sendThreadPoolQueueSize"] = "0";
  t["sendThreadPoolQueueCapacity"] = std::to_string(ctx.config.sendThreadPoolQueueCapacity);
  t["sendThreadPoolQueueHeadWaitTimeMills"] = "0";
  t["pullThreadPoolQueueSize"] = std::to_string(ctx.pullExecutor.queueSize());
  t["pullThreadPoolQueueCapacity"] = std::to_string(ctx.config.pullThreadPoolQueueCapacity);
  t["pullThreadPoolQueueHeadWaitTimeMills"] = "0";
  t["queryThreadPoolQueueSize"] = std::to_string(ctx.adminExecutor.queueSize());
  t["queryThreadPoolQueueCapacity"] = "20000";
  t["queryThreadPoolQueueHeadWaitTimeMills"] = "0";
  t["EndTransactionQueueSize"] = "0";
  t["EndTransactionThreadPoolQueueCapacity"] = "100000";
  t["pageCacheLockTimeMills"] = "0";
  t["commitLogMinOffset"] = std::to_string(std::max<int64_t>(0, store.minPhyOffset()));
  t["commitLogMaxOffset"] = std::to_string(store.maxPhyOffset());
  t["dispatchBehindBytes"] = std::to_string(store.dispatchBehindBytes());
  t["remainHowManyDataToFlush"] =
      humanReadableBytes(store.maxPhyOffset() - store.commitLog().flushedWhere());
  // No transient store pool: Java reports Integer.MAX_VALUE buffers left.
  t["remainTransientStoreBufferNumbs"] = "2147483647";
  const std::string cl = ctx.conf.store.commitLogDir();
  const double clRatio = store::CleanService::diskUsedRatio(cl);
  t["commitLogDiskRatio"] = json::javaDoubleText(clRatio);
  t["commitLogDiskRatio_" + cl] = json::javaDoubleText(clRatio);
  t["consumeQueueDiskRatio"] =
      json::javaDoubleText(store::CleanService::diskUsedRatio(ctx.conf.store.storePathRootDir));
  struct statvfs fs {};
  if (::statvfs(cl.c_str(), &fs) == 0) {
    const auto total = static_cast<int64_t>(fs.f_blocks) * static_cast<int64_t>(fs.f_frsize);
    const auto usable = static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize);
    t["commitLogDirCapacity"] =
        "Total : " + humanReadableBytes(total) + ", Free : " + humanReadableBytes(usable) + ".";
  }
  // Java's StoreStatsService figures.
  const store::StoreStatsService& ss = store.storeStats();
  const int64_t putTimes = std::max<int64_t>(1, ss.putTimesTotal());
  t["putMessageEntireTimeMax"] = std::to_string(ss.putEntireTimeMax());
  t["putMessageTimesTotal"] = std::to_string(putTimes);
  t["putMessageFailedTimes"] = std::to_string(ss.putFailedTimes());
  t["putMessageSizeTotal"] = std::to_string(ss.putSizeTotal());
  t["putMessageDistributeTime"] = ss.distributionText().value_or("null");
  t["putMessageAverageSize"] =
      json::javaDoubleText(static_cast<double>(ss.putSizeTotal()) / static_cast<double>(putTimes));
  t["dispatchMaxBuffer"] = "0";  // never set in Java 4.9.8 either
  t["getMessageEntireTimeMax"] = std::to_string(ss.getEntireTimeMax());
  char px[32];
  std::snprintf(px, sizeof(px), "%.2f", ss.putLatency(0.99));
  t["putLatency99"] = px;
  std::snprintf(px, sizeof(px), "%.2f", ss.putLatency(0.999));
  t["putLatency999"] = px;
  t["bootTimestamp"] = std::to_string(ctx.bootTimestamp);
  t["runtime"] = runtimeText(ctx.bootTimestamp);
  t["startAcceptSendRequestTimeStamp"] = std::to_string(ctx.config.startAcceptSendRequestTimeStamp);
  // Java reads the store time of the first record only when twice maxMessageSize bytes follow
  // it in its file (CommitLog.pickupStoreTimestamp), else -1.
  int64_t earliest = -1;
  const int64_t minOffset = store.minPhyOffset();
  if (minOffset >= 0) {
    store::MappedRegion first =
        store.commitLog().getData(minOffset, ctx.conf.store.maxMessageSize * 2);
    store::DecodedRecord rec;
    if (first.valid() &&
        store::decodeRecord(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(first.data),
                                                     static_cast<size_t>(first.size)),
                            rec, store::DecodeOptions{false, true})
            .ok() &&
        rec.kind == store::RecordKind::kMessage) {
      earliest = rec.storeTimestamp;
    }
  }
  t["earliestMessageTimeStamp"] = std::to_string(earliest);
  if (ctx.delayOffsets) {
    for (int32_t level = 1; level <= store.delayLevels().maxLevel(); ++level) {
      int64_t max = store.maxOffsetInQueue("SCHEDULE_TOPIC_XXXX", level - 1);
      auto offsets = ctx.delayOffsets();
      auto it = offsets.find(level);
      if (it == offsets.end() && max == 0) continue;
      t["scheduleMessageOffset_" + std::to_string(level)] =
          std::to_string(it == offsets.end() ? 0 : it->second) + "," + std::to_string(max);
    }
  }
  rctx.reply(responseWithBody(r, protocol::encodeKVTable(t)));
}

}  // namespace

void registerBrokerAdminHandlers(remoting::RequestDispatcher& d, BrokerContext& ctx) {
  registerAdminHandler(d, ctx, req::UPDATE_BROKER_CONFIG, updateBrokerConfig);
  registerAdminHandler(d, ctx, req::GET_BROKER_CONFIG, getBrokerConfig);
  registerAdminHandler(d, ctx, req::GET_BROKER_RUNTIME_INFO, getRuntimeInfo);
}

}  // namespace rmq::broker
