// Body and value comparisons of the broker golden replay beyond replay_support's JSON bodies:
// Java properties texts (GET_BROKER_CONFIG) key by key, and the shape comparison of values that
// must differ between two runs (timestamps, runtime figures, paths; broker_replay_captures.h
// ShapeRule).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "compat-tests/golden/replay_support.h"

namespace rmq::compat::brokerreplay {

// Compares two Java properties texts ("key=value" lines as MixAll.properties2String writes
// them) entry by entry: a difference per key ("body.<key>"), absent keys as "<absent>". The
// line order is not compared: Java writes the entries in Hashtable order (a note says so when it
// differs).
void comparePropertiesBodies(std::string_view ours, std::string_view java, std::vector<Diff>& diffs,
                             std::vector<std::string>& notes);

// How a value that must differ is still compared.
enum class Shape {
  kNumbers,   // equal once every number in it is masked (same text, same count of numbers)
  kText,      // present on both sides, any text
  kOnlyOurs,  // a key of our broker's own that Java does not have
};

// Whether `ours` and `java` (as a Diff reports them) have the same shape.
bool sameShape(Shape shape, std::string_view ours, std::string_view java);

// The run id of a JavaCompat capture (JC_<run>_<scenario> topic names), "" for other captures.
std::string captureRunId(const std::vector<std::string>& texts);

// Whether `field` names a topic or group of another JavaCompat run than `runId`
// (JC_<other>_... / JCG_<other>_...).
bool namesOtherRun(std::string_view field, std::string_view runId);

}  // namespace rmq::compat::brokerreplay
