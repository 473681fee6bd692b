#include "compat-tests/golden/broker_replay_records.h"

#include <algorithm>
#include <utility>

#include "compat-tests/golden/broker_replay_captures.h"
#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::compat::brokerreplay {

Records decodeRecords(std::string_view body) {
  Records r;
  auto bytes = store::asBytes(body);
  size_t at = 0;
  while (at < bytes.size()) {
    store::DecodedRecord rec;
    Status s = store::decodeRecord(bytes.subspan(at), rec, store::DecodeOptions{true, true});
    if (!s.ok() || rec.kind != store::RecordKind::kMessage || rec.totalSize <= 0) {
      r.error = "record at body offset " + std::to_string(at) + " undecodable" +
                (s.ok() ? std::string() : ": " + s.message());
      return r;
    }
    r.list.push_back(rec);
    at += static_cast<size_t>(rec.totalSize);
  }
  return r;
}

namespace {

std::string hostText(const store::HostAddress& h) {
  return store::formatHostAddress(h);
}

}  // namespace

std::string hexOf(std::span<const uint8_t> b) {
  static const char* digits = "0123456789ABCDEF";
  std::string s;
  for (uint8_t c : b) {
    s.push_back(digits[c >> 4]);
    s.push_back(digits[c & 15]);
  }
  return s;
}

std::string normalizeHost(std::string s, const RecordContext& ctx, bool& changed) {
  if (ctx.ourHostHex == ctx.javaHostHex) return s;
  for (size_t at = s.find(ctx.ourHostHex); at != std::string::npos;
       at = s.find(ctx.ourHostHex, at + ctx.javaHostHex.size())) {
    s.replace(at, ctx.ourHostHex.size(), ctx.javaHostHex);
    changed = true;
  }
  return s;
}

// Compares two lists of records field by field.
void compareRecordLists(const Records& ours, const Records& java, const RecordContext& ctx,
                        std::vector<Diff>& diffs, std::vector<std::string>& notes, size_t limit) {
  if (!java.error.empty()) {
    diffs.push_back({"body records", "-", "recorded body: " + java.error});
    return;
  }
  if (!ours.error.empty()) {
    diffs.push_back({"body records", ours.error, std::to_string(java.list.size()) + " records"});
    return;
  }
  if (ours.list.size() != java.list.size()) {
    diffs.push_back(
        {"body record count", std::to_string(ours.list.size()), std::to_string(java.list.size())});
  }
  const size_t n = std::min({ours.list.size(), java.list.size(), limit});
  for (size_t i = 0; i < n; ++i) {
    const store::DecodedRecord& o = ours.list[i];
    const store::DecodedRecord& j = java.list[i];
    const std::string p = "body.record[" + std::to_string(i) + "].";
    auto num = [&](const char* name, int64_t a, int64_t b) {
      if (a != b) diffs.push_back({p + name, std::to_string(a), std::to_string(b)});
    };
    num("totalSize", o.totalSize, j.totalSize);
    num("magicCode", o.magicCode, j.magicCode);
    num("bodyCrc", o.bodyCrc, j.bodyCrc);
    num("queueId", o.queueId, j.queueId);
    num("flag", o.flag, j.flag);
    num("queueOffset", o.queueOffset, j.queueOffset);
    num("physicalOffset", o.physicalOffset, j.physicalOffset);
    num("sysFlag", o.sysFlag, j.sysFlag);
    num("bornTimestamp", o.bornTimestamp, j.bornTimestamp);
    num("reconsumeTimes", o.reconsumeTimes, j.reconsumeTimes);
    num("preparedTransactionOffset", o.preparedTransactionOffset, j.preparedTransactionOffset);
    if (o.storeTimestamp != j.storeTimestamp) notes.push_back(kToleratedStoreTime);
    if (!(o.bornHost == j.bornHost)) {
      store::HostAddress oi = o.bornHost, ji = j.bornHost;
      oi.port = ji.port = 0;
      auto it = ctx.clientPorts.find(j.bornHost.port);
      if (oi == ji && it != ctx.clientPorts.end() && it->second == o.bornHost.port &&
          it->first != it->second) {
        notes.push_back(kToleratedBornHostPort);
      } else {
        diffs.push_back({p + "bornHost", hostText(o.bornHost), hostText(j.bornHost)});
      }
    }
    if (!(o.storeHost == j.storeHost)) {
      if (o.storeHost == ctx.ourStoreHost && j.storeHost == ctx.javaStoreHost) {
        notes.push_back(kToleratedStoreHostPort);
      } else {
        diffs.push_back({p + "storeHost", hostText(o.storeHost), hostText(j.storeHost)});
      }
    }
    if (o.topic != j.topic)
      diffs.push_back({p + "topic", std::string(o.topic), std::string(j.topic)});
    if (!std::equal(o.body.begin(), o.body.end(), j.body.begin(), j.body.end())) {
      diffs.push_back({p + "body", shorten(hexOf(o.body), 80), shorten(hexOf(j.body), 80)});
    }
    if (o.properties != j.properties) {
      // The same segments in another order is Java's HashMap order; anything else is a
      // difference, reported per property.
      bool hostChanged = false;
      auto segments = [](std::string_view s) {
        std::vector<std::string> out;
        for (size_t at = 0;;) {
          size_t end = s.find(store::property::kPropertySeparator, at);
          out.emplace_back(s.substr(at, end == std::string_view::npos ? end : end - at));
          if (end == std::string_view::npos) return out;
          at = end + 1;
        }
      };
      std::vector<std::string> os = segments(
                                   normalizeHost(std::string(o.properties), ctx, hostChanged)),
                               js = segments(j.properties);
      std::sort(os.begin(), os.end());
      std::sort(js.begin(), js.end());
      std::vector<std::pair<std::string, std::string>> op, jp;
      for (const auto& pr : store::parseProperties(o.properties)) {
        op.emplace_back(std::string(pr.name),
                        normalizeHost(std::string(pr.value), ctx, hostChanged));
      }
      for (const auto& pr : store::parseProperties(j.properties)) {
        jp.emplace_back(std::string(pr.name), std::string(pr.value));
      }
      if (os == js) {
        if (op != jp) notes.push_back(kToleratedPropertiesOrder);
        if (hostChanged) notes.push_back(kToleratedStoreHostPort);
      } else {
        std::map<std::string, std::string> om(op.begin(), op.end()), jm(jp.begin(), jp.end());
        for (const auto& [k, v] : jm) {
          auto it = om.find(k);
          if (it == om.end()) {
            diffs.push_back({p + "properties." + k, "<absent>", v});
          } else if (it->second != v) {
            diffs.push_back({p + "properties." + k, it->second, v});
          }
        }
        for (const auto& [k, v] : om) {
          if (!jm.contains(k)) diffs.push_back({p + "properties." + k, v, "<absent>"});
        }
        if (om == jm) {
          diffs.push_back({p + "properties", shorten(std::string(o.properties), 120),
                           shorten(std::string(j.properties), 120)});
        }
      }
    }
  }
}

}  // namespace rmq::compat::brokerreplay
