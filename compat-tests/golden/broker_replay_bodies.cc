#include "compat-tests/golden/broker_replay_bodies.h"

#include <cctype>
#include <map>
#include <utility>

namespace rmq::compat::brokerreplay {

namespace {

std::vector<std::pair<std::string, std::string>> propertyLines(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    if (line.empty()) continue;
    const size_t eq = line.find('=');
    out.emplace_back(std::string(line.substr(0, eq)), eq == std::string_view::npos
                                                          ? std::string()
                                                          : std::string(line.substr(eq + 1)));
  }
  return out;
}

bool isNumberChar(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '.';
}

std::string maskNumbers(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (isNumberChar(s[i]) || (s[i] == '-' && i + 1 < s.size() && isNumberChar(s[i + 1]))) {
      ++i;
      while (i < s.size() &&
             (isNumberChar(s[i]) || s[i] == 'E' || (s[i] == '-' && s[i - 1] == 'E'))) {
        ++i;
      }
      out += '#';
    } else {
      out += s[i++];
    }
  }
  return out;
}

bool isRunChar(char c) {
  return std::isupper(static_cast<unsigned char>(c)) != 0 ||
         std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// The run ids in `s`: the <run> of every JC_<run>_ / JCG_<run>_.
std::vector<std::string> runIdsIn(std::string_view s) {
  std::vector<std::string> out;
  for (std::string_view prefix : {"JC_", "JCG_"}) {
    for (size_t at = s.find(prefix); at != std::string_view::npos; at = s.find(prefix, at + 1)) {
      if (at > 0 && (isRunChar(s[at - 1]) || s[at - 1] == '_')) continue;
      size_t b = at + prefix.size(), e = b;
      while (e < s.size() && isRunChar(s[e])) ++e;
      if (e > b && e < s.size() && s[e] == '_') out.emplace_back(s.substr(b, e - b));
    }
  }
  return out;
}

}  // namespace

void comparePropertiesBodies(std::string_view ours, std::string_view java, std::vector<Diff>& diffs,
                             std::vector<std::string>& notes) {
  if (ours == java) return;
  const auto o = propertyLines(ours), j = propertyLines(java);
  std::map<std::string, std::string> om(o.begin(), o.end()), jm(j.begin(), j.end());
  for (const auto& [k, v] : jm) {
    auto it = om.find(k);
    if (it == om.end()) {
      diffs.push_back({"body." + k, "<absent>", v});
    } else if (it->second != v) {
      diffs.push_back({"body." + k, it->second, v});
    }
  }
  for (const auto& [k, v] : om) {
    if (!jm.contains(k)) diffs.push_back({"body." + k, v, "<absent>"});
  }
  std::vector<std::string> ok, jk;
  for (const auto& [k, v] : o) ok.push_back(k);
  for (const auto& [k, v] : j) jk.push_back(k);
  if (ok != jk) {
    notes.push_back(
        "properties body line order: MixAll.properties2String writes a Properties (Hashtable) "
        "in hash order");
  }
}

bool sameShape(Shape shape, std::string_view ours, std::string_view java) {
  if (shape == Shape::kOnlyOurs) return ours != "<absent>" && java == "<absent>";
  if (ours == "<absent>" || java == "<absent>") return false;
  switch (shape) {
    case Shape::kNumbers:
      return maskNumbers(ours) == maskNumbers(java);
    case Shape::kText:
      return true;
    case Shape::kOnlyOurs:
      break;
  }
  return false;
}

std::string captureRunId(const std::vector<std::string>& texts) {
  for (const std::string& t : texts) {
    for (const std::string& id : runIdsIn(t)) return id;
  }
  return "";
}

bool namesOtherRun(std::string_view field, std::string_view runId) {
  if (runId.empty()) return false;
  for (const std::string& id : runIdsIn(field)) {
    if (id != runId) return true;
  }
  return false;
}

}  // namespace rmq::compat::brokerreplay
