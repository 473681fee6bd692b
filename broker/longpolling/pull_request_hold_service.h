// Long polling of PULL_MESSAGE (Java PullRequestHoldService): a pull that found nothing is held
// under "topic@queueId" and answered when a matching message is dispatched to that queue or its
// hold time ends. Wake-ups come from the dispatcher thread (notifyMessageArriving, cheap: it only
// moves ready requests to the pull executor) and from a periodic check.
//
// Threading: suspend()/notify*() from any thread; re-execution happens on the pull executor.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "remoting/request_dispatcher.h"
#include "store/message_store.h"

namespace rmq::broker {

struct HeldPullRequest {
  std::shared_ptr<remoting::RemotingCommand> request;  // owned copy
  remoting::Responder responder;
  std::weak_ptr<remoting::Connection> connection;
  std::shared_ptr<store::MessageFilter> filter;
  int64_t pullFromThisOffset = 0;
  int64_t suspendTimestamp = 0;  // monotonic ms
  int64_t timeoutMillis = 0;
};

class PullRequestHoldService {
 public:
  // `reexecute` processes a held request again without suspension and answers it.
  using Reexecute = std::function<void(HeldPullRequest&&)>;
  PullRequestHoldService(store::MessageStore& store, Reexecute reexecute, int64_t checkMillis);
  ~PullRequestHoldService();

  void start();
  void shutdown();
  void suspend(const std::string& topic, int32_t queueId, HeldPullRequest&& req);
  // A unit was written to the queue: wake held requests whose offset it passes and whose
  // filter it matches (no tagsCode: wake them all, the re-execution filters).
  void notifyMessageArriving(std::string_view topic, int32_t queueId, int64_t maxOffset,
                             std::optional<int64_t> tagsCode, std::string_view properties);
  size_t heldCount() const;

 private:
  void run();
  void checkAll();
  static std::string key(std::string_view topic, int32_t queueId);

  store::MessageStore& store_;
  Reexecute reexecute_;
  int64_t checkMillis_;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<HeldPullRequest>, std::less<>> held_;
  std::thread thread_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace rmq::broker
