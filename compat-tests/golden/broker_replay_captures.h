// The broker golden replay's tables: which captures are replayed and what is left out of them,
// and every difference the comparison tolerates (classes of differences with their reasons,
// HashMap-ordered bodies, individual accepted differences) or reports as a known broker bug.
// Nothing else may differ from the recorded Java answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "compat-tests/golden/broker_replay_bodies.h"
#include "compat-tests/golden/replay_support.h"

namespace rmq::compat::brokerreplay {

// ---- the captures replayed ----

struct ReplayedCapture {
  const char* file;
  // Parts of the run not replayed: connections whose frames name JC_<run>_<part> / JCG_<run>_...
  std::vector<std::string> skippedParts;
};

const std::vector<ReplayedCapture>& replayedCaptures();

// What is not replayed, and why.
const std::vector<std::string>& leftOut();

// ---- classes of tolerated differences, each with its reason ----

extern const char* const kToleratedStoreTime;
extern const char* const kToleratedMappedStoreTime;
extern const char* const kToleratedBornHostPort;
extern const char* const kToleratedStoreHostPort;
extern const char* const kToleratedPropertiesOrder;
extern const char* const kToleratedBrokerOpaque;
extern const char* const kToleratedBrokerRequestShape;
extern const char* const kToleratedHeldPullRace;

// JSON bodies Java fills in HashMap/HashSet order (replay_support.h OrderRule).
std::span<const OrderRule> orderRules();

// Values that must differ between Java's run and ours (timestamps, runtime figures, paths):
// compared by shape instead of value (broker_replay_bodies.h Shape).
struct ShapeRule {
  int32_t requestCode;
  const char* field;  // as reported (globMatch pattern)
  Shape shape;
  const char* reason;
};

std::span<const ShapeRule> shapeRules();
const ShapeRule* findShapeRule(int32_t requestCode, const std::string& field);

// A topic or group of an earlier capture (another JavaCompat run id) that Java's broker still
// held: our broker starts empty for each capture.
extern const char* const kToleratedEarlierCaptureState;

// Individual differences that are accepted (capture, recorded response line, field).
const std::vector<AllowedDifference>& allowedDifferences();

// ---- known broker bugs ----

// Differences that are broker bugs (reported; a capture whose only failures are these is
// skipped with GTEST_SKIP naming them).
struct KnownBug {
  const char* capture;  // nullptr = any capture
  int32_t requestCode;  // 0 = any
  const char* field;    // as reported (globMatch pattern)
  const char* description;
};

const std::vector<KnownBug>& knownBrokerBugs();

// The known bug a difference of `field` in the answer to `requestCode` in `capture` is, if any.
const KnownBug* findKnownBug(const std::string& capture, const std::string& field,
                             int32_t requestCode);

}  // namespace rmq::compat::brokerreplay
