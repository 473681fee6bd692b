#include "compat-tests/golden/broker_replay_captures.h"

#include "remoting/request_code.h"

namespace rmq::compat::brokerreplay {

namespace req = remoting::request_code;

const std::vector<ReplayedCapture>& replayedCaptures() {
  static const std::vector<ReplayedCapture> captures = {
      {"scenario_send_sync.jsonl", {}},
      {"scenario_send_async.jsonl", {}},
      {"scenario_send_oneway.jsonl", {}},
      {"scenario_send_batch.jsonl", {}},
      {"scenario_tag_filter.jsonl", {}},
      {"scenario_delay.jsonl", {}},
      {"scenario_retry.jsonl", {}},
      {"scenario_dlq.jsonl", {}},
      {"scenario_broadcast.jsonl", {}},
      {"scenario_lite_pull.jsonl", {}},
      {"scenario_pull_offsets.jsonl", {}},
      {"scenario_offset_resume.jsonl", {}},
      {"scenario_orderly.jsonl", {}},
      {"scenario_query_by_key.jsonl", {}},
      {"scenario_view_by_id.jsonl", {}},
      {"serialize_rocketmq.jsonl", {"transaction", "admin", "request_reply"}},
  };
  return captures;
}

const std::vector<std::string>& leftOut() {
  static const std::vector<std::string> out = {
      "every client<->name server frame and the broker's REGISTER_BROKER frames (the broker runs "
      "without a name server; namesrv_replay_test replays those)",
      "serialize_rocketmq.jsonl parts transaction, admin and request_reply (their codes - 37, "
      "39, 17, 26, 28, 200-216, 325/326 - are outside the producer/consumer scenarios replayed "
      "here; the transaction part also waits for the broker's 5-10 s check-back)",
      "scenario_sql92_filter, scenario_transaction, scenario_admin, scenario_request_reply, "
      "scenario_acl and the mqadmin captures (not producer/consumer scenarios of this test)",
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
  };
  return rules;
}

const std::vector<AllowedDifference>& allowedDifferences() {
  static const std::vector<AllowedDifference> allowed = {};
  return allowed;
}

const std::vector<KnownBug>& knownBrokerBugs() {
  // Fixed: WAIT kept on delayed/half records; no extFields on VIEW_MESSAGE_BY_ID success.
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
