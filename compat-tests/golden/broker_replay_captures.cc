#include "compat-tests/golden/broker_replay_captures.h"

#include "remoting/request_code.h"

namespace rmq::compat::brokerreplay {

namespace req = remoting::request_code;

const std::vector<ReplayedCapture>& replayedCaptures() {
  static const std::vector<ReplayedCapture> captures = {
      {"scenario_send_sync.jsonl", {}},       // 310, 14, 15, 34, 38, 11, 35
      {"scenario_send_async.jsonl", {}},      // async sends in flight together
      {"scenario_send_oneway.jsonl", {}},     // oneway sends
      {"scenario_send_batch.jsonl", {}},      // 320
      {"scenario_tag_filter.jsonl", {}},      // tag subscriptions
      {"scenario_delay.jsonl", {}},           // delay level 2
      {"scenario_retry.jsonl", {}},           // 36, %RETRY%
      {"scenario_dlq.jsonl", {}},             // %DLQ%
      {"scenario_broadcast.jsonl", {}},       // BROADCASTING, 40
      {"scenario_lite_pull.jsonl", {}},       // 30, 31
      {"scenario_pull_offsets.jsonl", {}},    // 29, 30, 31, 32
      {"scenario_offset_resume.jsonl", {}},   // committed offsets
      {"scenario_orderly.jsonl", {}},         // 41, 42
      {"scenario_query_by_key.jsonl", {}},    // 12
      {"scenario_view_by_id.jsonl", {}},      // 33
      {"scenario_sql92_filter.jsonl", {}},    // SQL92 subscriptions, 46
      {"scenario_transaction.jsonl", {}},     // 37, 39 (check-back)
      {"scenario_request_reply.jsonl", {}},   // 325, 326
      {"scenario_admin.jsonl", {}},           // 17, 26, 28, 200, 201, 202, 203, 208, 215
      {"serialize_rocketmq.jsonl", {}},       // ROCKETMQ headers (see leftOut())
      {"mqadmin_updateTopic.jsonl", {}},      // 17
      {"mqadmin_brokerStatus.jsonl", {}},     // 28
      {"mqadmin_updateSubGroup.jsonl", {}},   // 200
      {"mqadmin_getBrokerConfig.jsonl", {}},  // 26
      {"mqadmin_deleteTopic.jsonl", {}},      // 215
  };
  return captures;
}

const std::vector<std::string>& leftOut() {
  static const std::vector<std::string> out = {
      "every client<->name server frame and the broker's REGISTER_BROKER frames (the broker runs "
      "without a name server; namesrv_replay_test replays those)",
      "scenario_acl.jsonl: recorded against a second broker (AclCluster, 127.0.0.1:41911, "
      "aclEnable=true with a plain_acl.yml); our broker reads aclEnable but implements no ACL "
      "(no AccessKey/Signature check), so its answers to the rejected requests cannot be Java's",
      "mqadmin_topicStatus, mqadmin_queryMsgById, mqadmin_queryMsgByKey: they query the 12 "
      "messages produced to MQA_TOPIC between the mqadmin captures, which were not captured",
      "mqadmin_consumerConnection, mqadmin_consumerProgress, mqadmin_resetOffsetByTime: they "
      "need the JcHelper consumer of MQA_GROUP online and the 12 uncaptured messages; the "
      "consumer's connection predates the capture (no heartbeat recorded), so our broker "
      "cannot know it",
  };
  return out;
}

const char* const kToleratedStoreTime =
    "record STORETIMESTAMP: the time our broker stored the message (its own clock)";
const char* const kToleratedMappedStoreTime =
    "store time in a response header (GET_EARLIEST_MSG_STORETIME timestamp, QUERY_MESSAGE "
    "indexLastUpdateTimestamp): ours is our store time of the same message, as Java's is its";
const char* const kToleratedBornHostPort =
    "record BORNHOST port: the recorded client port could not be bound, ours is the replay "
    "socket's port (same IP)";
const char* const kToleratedStoreHostPort =
    "store host port in msgIds and STOREHOST: port 40911 was taken, our broker listens elsewhere";
const char* const kToleratedPropertiesOrder =
    "record PROPERTIES entry order: Java rebuilds the string from a HashMap "
    "(MessageDecoder.messageProperties2String), our broker keeps the received order; same "
    "entries and length";
const char* const kToleratedBrokerOpaque =
    "opaque of a broker-originated request: the broker's own request counter";
const char* const kToleratedBrokerRequestShape =
    "broker-originated request: storeTimestamp and the PUSH_REPLY_TIME property are each "
    "broker's clock (compared by shape), the properties string is compared in sorted order "
    "(Java rebuilds it from a HashMap in ReplyMessageProcessor.pushReplyMessage)";
const char* const kToleratedHeldPullRace =
    "long-polled pull woken by a message arrival: Java's re-run saw fewer/more of the messages "
    "that arrived in the same instant (the records of one answer are a prefix of the other's "
    "and the next pull continues from Java's nextBeginOffset)";

std::span<const OrderRule> orderRules() {
  static constexpr OrderRule rules[] = {
      {req::GET_CONSUMER_LIST_BY_GROUP, "consumerIdList", false, false,
       "ConsumerGroupInfo.getAllClientId iterates a ConcurrentHashMap of channels"},
      {req::LOCK_BATCH_MQ, "lockOKMQSet", false, false,
       "LockBatchResponseBody.lockOKMQSet is a HashSet<MessageQueue>"},
      {req::GET_CONSUMER_CONNECTION_LIST, "subscriptionTable", true, false,
       "ConsumerConnection.subscriptionTable is a ConcurrentHashMap<topic, SubscriptionData>"},
      {req::GET_CONSUMER_CONNECTION_LIST, "connectionSet", false, false,
       "ConsumerConnection.connectionSet is a HashSet<Connection>"},
  };
  return rules;
}

const char* const kToleratedEarlierCaptureState =
    "entry of a topic or group created by an earlier capture (another JavaCompat run id): the "
    "Java broker kept its state from capture to capture, ours starts empty for each";

namespace {

constexpr const char* kStoreTime = "store time of a queue's last message: each broker's own clock";
constexpr const char* kRuntimeFigure =
    "runtime figure measured by each broker over its own recent past (TPS, totals since "
    "midnight including earlier captures)";
constexpr const char* kBootTime = "the broker's start time and uptime";
constexpr const char* kReplayPort =
    "the replay broker's port (40911 when free, else any; HA port = listenPort + 1)";
constexpr const char* kReplayStore =
    "set by the replay for a small temporary store (broker_replay_broker.cc)";
constexpr const char* kReplayClock =
    "set by the replay for its clock (broker_replay_broker.cc: delay levels and the "
    "transaction check-back scaled, half messages of the capture's days not expired)";

}  // namespace

std::span<const ShapeRule> shapeRules() {
  static const ShapeRule rules[] = {
      {req::GET_TOPIC_STATS_INFO, "body.offsetTable.*.lastUpdateTimestamp", Shape::kNumbers,
       kStoreTime},
      {req::GET_CONSUME_STATS, "body.offsetTable.*.lastTimestamp", Shape::kNumbers, kStoreTime},
      {req::GET_CONSUME_STATS, "body.consumeTps", Shape::kNumbers, kRuntimeFigure},
      {req::GET_ALL_SUBSCRIPTIONGROUP_CONFIG, "body.dataVersion.counter", Shape::kNumbers,
       "counts the group table's changes since the Java broker's first start, earlier "
       "captures included"},
      {req::GET_ALL_SUBSCRIPTIONGROUP_CONFIG, "body.dataVersion.timestamp", Shape::kNumbers,
       "time of the group table's last change: each broker's own clock"},
      {req::GET_BROKER_CONFIG, "extFields.version", Shape::kNumbers,
       "the configuration's data version is stamped with the broker's start time"},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.bootTimestamp", Shape::kNumbers, kBootTime},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.runtime", Shape::kNumbers, kBootTime},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.*Tps", Shape::kText,
       "TPS over the last 10 s, 1 min and 10 min: Java writes a window only once the broker "
       "has run that long, and the Java broker had run for minutes, ours for seconds"},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.msg*Total*", Shape::kNumbers, kRuntimeFigure},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.remainHowManyDataToFlush", Shape::kNumbers,
       "bytes not yet flushed at that instant (the ASYNC_FLUSH thread's timing)"},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.commitLogDiskRatio*", Shape::kNumbers,
       "disk usage of each machine (the key names the store path)"},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.consumeQueueDiskRatio", Shape::kNumbers,
       "disk usage of each machine"},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.earliestMessageTimeStamp", Shape::kNumbers,
       "store time of each store's first message (-1 while fewer than 2 x maxMessageSize bytes "
       "follow it, Java's rule)"},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.putMessageDistributeTime", Shape::kText,
       "put times of the last full minute: Java's broker had run for minutes (its histogram), "
       "ours for seconds (\"null\" until its first minute ends, as Java prints then)"},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.putMessage*T*", Shape::kNumbers,
       "StoreStatsService counts and times over each broker's own life (Java's include the "
       "earlier captures)"},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.putMessage*Size*", Shape::kNumbers,
       "StoreStatsService sizes over each broker's own life"},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.getMessageEntireTimeMax", Shape::kNumbers,
       "slowest store read of each broker"},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.putLatency99*", Shape::kNumbers,
       "put-time quantiles of each broker's last full minute"},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.commitLogDirCapacity", Shape::kText,
       "size and free space of each machine's disk"},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.commitLogMaxOffset", Shape::kNumbers,
       "Java's commit log holds every earlier capture; ours only this one (and its padding)"},
      {req::GET_BROKER_RUNTIME_INFO, "body.table.commitLogMinOffset", Shape::kNumbers,
       "first commit log file's offset of each store"},
      {req::GET_BROKER_CONFIG, "body.listenAddress", Shape::kOnlyOurs,
       "our broker's bind address key (Java's broker binds every address)"},
      {req::GET_BROKER_CONFIG, "body.vipChannelEnable", Shape::kOnlyOurs,
       "our switch for the VIP port listenPort-2, which Java's broker always opens"},
      {req::GET_BROKER_CONFIG, "body.listenPort", Shape::kNumbers, kReplayPort},
      {req::GET_BROKER_CONFIG, "body.haListenPort", Shape::kNumbers, kReplayPort},
      {req::GET_BROKER_CONFIG, "body.storePath*", Shape::kText,
       "the replay's temporary store (the captures show Java's as /opt/rocketmq/store)"},
      {req::GET_BROKER_CONFIG, "body.rocketmqHome", Shape::kText,
       "ROCKETMQ_HOME of the Java installation; none is set for the replay"},
      {req::GET_BROKER_CONFIG, "body.namesrvAddr", Shape::kText,
       "the replay broker runs without a name server"},
      {req::GET_BROKER_CONFIG, "body.mappedFileSize*", Shape::kNumbers, kReplayStore},
      {req::GET_BROKER_CONFIG, "body.maxHashSlotNum", Shape::kNumbers, kReplayStore},
      {req::GET_BROKER_CONFIG, "body.maxIndexNum", Shape::kNumbers, kReplayStore},
      {req::GET_BROKER_CONFIG, "body.messageDelayLevel", Shape::kText, kReplayClock},
      {req::GET_BROKER_CONFIG, "body.transactionCheckInterval", Shape::kNumbers, kReplayClock},
      {req::GET_BROKER_CONFIG, "body.transactionTimeOut", Shape::kNumbers, kReplayClock},
      {req::GET_BROKER_CONFIG, "body.fileReservedTime", Shape::kNumbers, kReplayClock},
  };
  return rules;
}

const ShapeRule* findShapeRule(int32_t requestCode, const std::string& field) {
  for (const ShapeRule& r : shapeRules()) {
    if (r.requestCode == requestCode && globMatch(r.field, field)) return &r;
  }
  return nullptr;
}

namespace {

constexpr const char* kDelayQueuesOfEarlierCaptures =
    "the delay-level queues (SCHEDULE_TOPIC_XXXX 1 and 2) hold the delayed and retried messages "
    "of the earlier captures (scenario_delay, scenario_retry, scenario_dlq); ours are empty";

constexpr const char* kCommitLogPathKey =
    "the key names each broker's commit log path (Java's /opt/rocketmq/store/commitlog, the "
    "replay's temporary store); its value is the disk ratio, compared by shape under the "
    "plain commitLogDiskRatio key";

}  // namespace

const std::vector<AllowedDifference>& allowedDifferences() {
  static const std::vector<AllowedDifference> allowed = {
      {"scenario_admin.jsonl", 238, "body.table.scheduleMessageOffset_*",
       kDelayQueuesOfEarlierCaptures},
      {"serialize_rocketmq.jsonl", 1155, "body.table.scheduleMessageOffset_*",
       kDelayQueuesOfEarlierCaptures},
      {"mqadmin_brokerStatus.jsonl", 4, "body.table.scheduleMessageOffset_*",
       kDelayQueuesOfEarlierCaptures},
      {"scenario_admin.jsonl", 238, "body.table.commitLogDiskRatio_*", kCommitLogPathKey},
      {"serialize_rocketmq.jsonl", 1155, "body.table.commitLogDiskRatio_*", kCommitLogPathKey},
      {"mqadmin_brokerStatus.jsonl", 4, "body.table.commitLogDiskRatio_*", kCommitLogPathKey},
  };
  return allowed;
}

const std::vector<KnownBug>& knownBrokerBugs() {
  // Fixed: WAIT kept on delayed/half records; no extFields on VIEW_MESSAGE_BY_ID success;
  // transaction op records and check-back bodies; JSON answers to held pulls; the remark of
  // DELETE_TOPIC_IN_BROKER; the Java-only keys of GET_BROKER_CONFIG; the StoreStatsService keys
  // of GET_BROKER_RUNTIME_INFO.
  static const std::vector<KnownBug> bugs = {};
  return bugs;
}

const KnownBug* findKnownBug(const std::string& capture, const std::string& field,
                             int32_t requestCode) {
  for (const KnownBug& b : knownBrokerBugs()) {
    if (b.capture && capture != b.capture) continue;
    if (b.requestCode != 0 && b.requestCode != requestCode) continue;
    if (globMatch(b.field, field)) return &b;
  }
  return nullptr;
}

}  // namespace rmq::compat::brokerreplay
