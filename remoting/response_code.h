// ResponseCode (Java ResponseCode.java, 4.9.8).
#pragma once

#include <cstdint>

namespace rmq::remoting::response_code {

constexpr int32_t SUCCESS = 0;
constexpr int32_t SYSTEM_ERROR = 1;
constexpr int32_t SYSTEM_BUSY = 2;
constexpr int32_t REQUEST_CODE_NOT_SUPPORTED = 3;
constexpr int32_t TRANSACTION_FAILED = 4;
constexpr int32_t FLUSH_DISK_TIMEOUT = 10;
constexpr int32_t SLAVE_NOT_AVAILABLE = 11;
constexpr int32_t FLUSH_SLAVE_TIMEOUT = 12;
constexpr int32_t MESSAGE_ILLEGAL = 13;
constexpr int32_t SERVICE_NOT_AVAILABLE = 14;
constexpr int32_t VERSION_NOT_SUPPORTED = 15;
constexpr int32_t NO_PERMISSION = 16;
constexpr int32_t TOPIC_NOT_EXIST = 17;
constexpr int32_t TOPIC_EXIST_ALREADY = 18;
constexpr int32_t PULL_NOT_FOUND = 19;
constexpr int32_t PULL_RETRY_IMMEDIATELY = 20;
constexpr int32_t PULL_OFFSET_MOVED = 21;
constexpr int32_t QUERY_NOT_FOUND = 22;
constexpr int32_t SUBSCRIPTION_PARSE_FAILED = 23;
constexpr int32_t SUBSCRIPTION_NOT_EXIST = 24;
constexpr int32_t SUBSCRIPTION_NOT_LATEST = 25;
constexpr int32_t SUBSCRIPTION_GROUP_NOT_EXIST = 26;
constexpr int32_t FILTER_DATA_NOT_EXIST = 27;
constexpr int32_t FILTER_DATA_NOT_LATEST = 28;
constexpr int32_t TRANSACTION_SHOULD_COMMIT = 200;
constexpr int32_t TRANSACTION_SHOULD_ROLLBACK = 201;
constexpr int32_t TRANSACTION_STATE_UNKNOW = 202;
constexpr int32_t TRANSACTION_STATE_GROUP_WRONG = 203;
constexpr int32_t NO_BUYER_ID = 204;
constexpr int32_t NOT_IN_CURRENT_UNIT = 205;
constexpr int32_t CONSUMER_NOT_ONLINE = 206;
constexpr int32_t CONSUME_MSG_TIMEOUT = 207;
constexpr int32_t NO_MESSAGE = 208;
constexpr int32_t UPDATE_AND_CREATE_ACL_CONFIG_FAILED = 209;
constexpr int32_t DELETE_ACL_CONFIG_FAILED = 210;
constexpr int32_t UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED = 211;
constexpr int32_t FLOW_CONTROL = 215;

// Name of a code, or nullptr when unknown.
const char* name(int32_t code);

}  // namespace rmq::remoting::response_code
