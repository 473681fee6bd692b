#include "common/signals.h"

#include <pthread.h>

namespace rmq {

StopSignals::StopSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGTERM);
  sigaddset(&signals_, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

int StopSignals::wait() {
  int sig = 0;
  sigwait(&signals_, &sig);
  return sig;
}

}  // namespace rmq
