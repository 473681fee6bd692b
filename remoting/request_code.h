// RequestCode (Java RequestCode.java, 4.9.8).
#pragma once

#include <cstdint>

namespace rmq::remoting::request_code {

constexpr int32_t SEND_MESSAGE = 10;
constexpr int32_t PULL_MESSAGE = 11;
constexpr int32_t QUERY_MESSAGE = 12;
constexpr int32_t QUERY_BROKER_OFFSET = 13;
constexpr int32_t QUERY_CONSUMER_OFFSET = 14;
constexpr int32_t UPDATE_CONSUMER_OFFSET = 15;
constexpr int32_t UPDATE_AND_CREATE_TOPIC = 17;
constexpr int32_t UPDATE_AND_CREATE_TOPIC_LIST = 18;
constexpr int32_t GET_ALL_TOPIC_CONFIG = 21;
constexpr int32_t GET_TOPIC_CONFIG_LIST = 22;
constexpr int32_t GET_TOPIC_NAME_LIST = 23;
constexpr int32_t UPDATE_BROKER_CONFIG = 25;
constexpr int32_t GET_BROKER_CONFIG = 26;
constexpr int32_t TRIGGER_DELETE_FILES = 27;
constexpr int32_t GET_BROKER_RUNTIME_INFO = 28;
constexpr int32_t SEARCH_OFFSET_BY_TIMESTAMP = 29;
constexpr int32_t GET_MAX_OFFSET = 30;
constexpr int32_t GET_MIN_OFFSET = 31;
constexpr int32_t GET_EARLIEST_MSG_STORETIME = 32;
constexpr int32_t VIEW_MESSAGE_BY_ID = 33;
constexpr int32_t HEART_BEAT = 34;
constexpr int32_t UNREGISTER_CLIENT = 35;
constexpr int32_t CONSUMER_SEND_MSG_BACK = 36;
constexpr int32_t END_TRANSACTION = 37;
constexpr int32_t GET_CONSUMER_LIST_BY_GROUP = 38;
constexpr int32_t CHECK_TRANSACTION_STATE = 39;
constexpr int32_t NOTIFY_CONSUMER_IDS_CHANGED = 40;
constexpr int32_t LOCK_BATCH_MQ = 41;
constexpr int32_t UNLOCK_BATCH_MQ = 42;
constexpr int32_t GET_ALL_CONSUMER_OFFSET = 43;
constexpr int32_t GET_ALL_DELAY_OFFSET = 45;
constexpr int32_t CHECK_CLIENT_CONFIG = 46;
constexpr int32_t GET_CLIENT_CONFIG = 47;
constexpr int32_t UPDATE_AND_CREATE_ACL_CONFIG = 50;
constexpr int32_t DELETE_ACL_CONFIG = 51;
constexpr int32_t GET_BROKER_CLUSTER_ACL_INFO = 52;
constexpr int32_t UPDATE_GLOBAL_WHITE_ADDRS_CONFIG = 53;
constexpr int32_t GET_BROKER_CLUSTER_ACL_CONFIG = 54;
constexpr int32_t PUT_KV_CONFIG = 100;
constexpr int32_t GET_KV_CONFIG = 101;
constexpr int32_t DELETE_KV_CONFIG = 102;
constexpr int32_t REGISTER_BROKER = 103;
constexpr int32_t UNREGISTER_BROKER = 104;
constexpr int32_t GET_ROUTEINFO_BY_TOPIC = 105;
constexpr int32_t GET_BROKER_CLUSTER_INFO = 106;
constexpr int32_t UPDATE_AND_CREATE_SUBSCRIPTIONGROUP = 200;
constexpr int32_t GET_ALL_SUBSCRIPTIONGROUP_CONFIG = 201;
constexpr int32_t GET_TOPIC_STATS_INFO = 202;
constexpr int32_t GET_CONSUMER_CONNECTION_LIST = 203;
constexpr int32_t GET_PRODUCER_CONNECTION_LIST = 204;
constexpr int32_t WIPE_WRITE_PERM_OF_BROKER = 205;
constexpr int32_t GET_ALL_TOPIC_LIST_FROM_NAMESERVER = 206;
constexpr int32_t DELETE_SUBSCRIPTIONGROUP = 207;
constexpr int32_t GET_CONSUME_STATS = 208;
constexpr int32_t SUSPEND_CONSUMER = 209;
constexpr int32_t RESUME_CONSUMER = 210;
constexpr int32_t RESET_CONSUMER_OFFSET_IN_CONSUMER = 211;
constexpr int32_t RESET_CONSUMER_OFFSET_IN_BROKER = 212;
constexpr int32_t ADJUST_CONSUMER_THREAD_POOL = 213;
constexpr int32_t WHO_CONSUME_THE_MESSAGE = 214;
constexpr int32_t DELETE_TOPIC_IN_BROKER = 215;
constexpr int32_t DELETE_TOPIC_IN_NAMESRV = 216;
constexpr int32_t REGISTER_TOPIC_IN_NAMESRV = 217;
constexpr int32_t GET_KVLIST_BY_NAMESPACE = 219;
constexpr int32_t RESET_CONSUMER_CLIENT_OFFSET = 220;
constexpr int32_t GET_CONSUMER_STATUS_FROM_CLIENT = 221;
constexpr int32_t INVOKE_BROKER_TO_RESET_OFFSET = 222;
constexpr int32_t INVOKE_BROKER_TO_GET_CONSUMER_STATUS = 223;
constexpr int32_t GET_TOPICS_BY_CLUSTER = 224;
constexpr int32_t UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST = 225;
constexpr int32_t QUERY_TOPIC_CONSUME_BY_WHO = 300;
constexpr int32_t REGISTER_FILTER_SERVER = 301;
constexpr int32_t REGISTER_MESSAGE_FILTER_CLASS = 302;
constexpr int32_t QUERY_CONSUME_TIME_SPAN = 303;
constexpr int32_t GET_SYSTEM_TOPIC_LIST_FROM_NS = 304;
constexpr int32_t GET_SYSTEM_TOPIC_LIST_FROM_BROKER = 305;
constexpr int32_t CLEAN_EXPIRED_CONSUMEQUEUE = 306;
constexpr int32_t GET_CONSUMER_RUNNING_INFO = 307;
constexpr int32_t QUERY_CORRECTION_OFFSET = 308;
constexpr int32_t CONSUME_MESSAGE_DIRECTLY = 309;
constexpr int32_t SEND_MESSAGE_V2 = 310;
constexpr int32_t GET_UNIT_TOPIC_LIST = 311;
constexpr int32_t GET_HAS_UNIT_SUB_TOPIC_LIST = 312;
constexpr int32_t GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST = 313;
constexpr int32_t CLONE_GROUP_OFFSET = 314;
constexpr int32_t VIEW_BROKER_STATS_DATA = 315;
constexpr int32_t CLEAN_UNUSED_TOPIC = 316;
constexpr int32_t GET_BROKER_CONSUME_STATS = 317;
constexpr int32_t UPDATE_NAMESRV_CONFIG = 318;
constexpr int32_t GET_NAMESRV_CONFIG = 319;
constexpr int32_t SEND_BATCH_MESSAGE = 320;
constexpr int32_t QUERY_CONSUME_QUEUE = 321;
constexpr int32_t QUERY_DATA_VERSION = 322;
constexpr int32_t RESUME_CHECK_HALF_MESSAGE = 323;
constexpr int32_t SEND_REPLY_MESSAGE = 324;
constexpr int32_t SEND_REPLY_MESSAGE_V2 = 325;
constexpr int32_t PUSH_REPLY_MESSAGE_TO_CLIENT = 326;
constexpr int32_t ADD_WRITE_PERM_OF_BROKER = 327;
constexpr int32_t GET_ALL_PRODUCER_INFO = 328;
constexpr int32_t DELETE_EXPIRED_COMMITLOG = 329;
constexpr int32_t LITE_PULL_MESSAGE = 361;
constexpr int32_t GET_BROKER_MEMBER_GROUP = 901;
constexpr int32_t BROKER_HEARTBEAT = 904;

// Name of a code, or nullptr when unknown.
const char* name(int32_t code);

}  // namespace rmq::remoting::request_code
