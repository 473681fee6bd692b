// How the servers stop: SIGTERM or SIGINT (kill, Ctrl-C; Java's shutdown hook) end the wait of
// the main thread, which then shuts the controller down in order. SIGPIPE is ignored, so a peer
// that closed its socket is an EPIPE on that connection, not the end of the process.
#pragma once

#include <signal.h>

namespace rmq {

class StopSignals {
 public:
  // Blocks SIGTERM and SIGINT in the calling thread, and so in every thread it starts later:
  // construct it before any thread exists, or a worker may take the signal and kill the
  // process before the shutdown runs.
  StopSignals();
  // The signals stay blocked: a second SIGTERM during the shutdown must not cut it short.
  ~StopSignals() = default;
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Waits for one of them and returns its number.
  int wait();

 private:
  sigset_t signals_;
};

}  // namespace rmq
