#include "remoting/response_code.h"

namespace rmq::remoting::response_code {

const char* name(int32_t code) {
  switch (code) {
    case SUCCESS:
      return "SUCCESS";
    case SYSTEM_ERROR:
      return "SYSTEM_ERROR";
    case SYSTEM_BUSY:
      return "SYSTEM_BUSY";
    case REQUEST_CODE_NOT_SUPPORTED:
      return "REQUEST_CODE_NOT_SUPPORTED";
    case TRANSACTION_FAILED:
      return "TRANSACTION_FAILED";
    case FLUSH_DISK_TIMEOUT:
      return "FLUSH_DISK_TIMEOUT";
    case SLAVE_NOT_AVAILABLE:
      return "SLAVE_NOT_AVAILABLE";
    case FLUSH_SLAVE_TIMEOUT:
      return "FLUSH_SLAVE_TIMEOUT";
    case MESSAGE_ILLEGAL:
      return "MESSAGE_ILLEGAL";
    case SERVICE_NOT_AVAILABLE:
      return "SERVICE_NOT_AVAILABLE";
    case VERSION_NOT_SUPPORTED:
      return "VERSION_NOT_SUPPORTED";
    case NO_PERMISSION:
      return "NO_PERMISSION";
    case TOPIC_NOT_EXIST:
      return "TOPIC_NOT_EXIST";
    case TOPIC_EXIST_ALREADY:
      return "TOPIC_EXIST_ALREADY";
    case PULL_NOT_FOUND:
      return "PULL_NOT_FOUND";
    case PULL_RETRY_IMMEDIATELY:
      return "PULL_RETRY_IMMEDIATELY";
    case PULL_OFFSET_MOVED:
      return "PULL_OFFSET_MOVED";
    case QUERY_NOT_FOUND:
      return "QUERY_NOT_FOUND";
    case SUBSCRIPTION_PARSE_FAILED:
      return "SUBSCRIPTION_PARSE_FAILED";
    case SUBSCRIPTION_NOT_EXIST:
      return "SUBSCRIPTION_NOT_EXIST";
    case SUBSCRIPTION_NOT_LATEST:
      return "SUBSCRIPTION_NOT_LATEST";
    case SUBSCRIPTION_GROUP_NOT_EXIST:
      return "SUBSCRIPTION_GROUP_NOT_EXIST";
    case FILTER_DATA_NOT_EXIST:
      return "FILTER_DATA_NOT_EXIST";
    case FILTER_DATA_NOT_LATEST:
      return "FILTER_DATA_NOT_LATEST";
    case TRANSACTION_SHOULD_COMMIT:
      return "TRANSACTION_SHOULD_COMMIT";
    case TRANSACTION_SHOULD_ROLLBACK:
      return "TRANSACTION_SHOULD_ROLLBACK";
    case TRANSACTION_STATE_UNKNOW:
      return "TRANSACTION_STATE_UNKNOW";
    case TRANSACTION_STATE_GROUP_WRONG:
      return "TRANSACTION_STATE_GROUP_WRONG";
    case NO_BUYER_ID:
      return "NO_BUYER_ID";
    case NOT_IN_CURRENT_UNIT:
      return "NOT_IN_CURRENT_UNIT";
    case CONSUMER_NOT_ONLINE:
      return "CONSUMER_NOT_ONLINE";
    case CONSUME_MSG_TIMEOUT:
      return "CONSUME_MSG_TIMEOUT";
    case NO_MESSAGE:
      return "NO_MESSAGE";
    case UPDATE_AND_CREATE_ACL_CONFIG_FAILED:
      return "UPDATE_AND_CREATE_ACL_CONFIG_FAILED";
    case DELETE_ACL_CONFIG_FAILED:
      return "DELETE_ACL_CONFIG_FAILED";
    case UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED:
      return "UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED";
    case FLOW_CONTROL:
      return "FLOW_CONTROL";
    default:
      return nullptr;
  }
}

}  // namespace rmq::remoting::response_code
