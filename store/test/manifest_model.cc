#include "store/test/manifest_model.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <mutex>

#include "store/mapped_file.h"
#include "store/message_id.h"
#include "store/message_properties.h"
#include "store/store_format.h"

namespace rmq::store::testing {

std::string jstr(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd()) return "<missing " + std::string(key) + ">";
  if (it->value.IsNull()) return "";
  if (!it->value.IsString()) return "<not a string: " + std::string(key) + ">";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

int64_t jnum(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  if (it == v.MemberEnd() || !it->value.IsInt64()) return INT64_MIN;
  return it->value.GetInt64();
}

bool jnull(const rapidjson::Value& v, const char* key) {
  auto it = v.FindMember(key);
  return it == v.MemberEnd() || it->value.IsNull();
}

ManifestModel buildManifestModel(const JavaStoreSample& sample) {
  ManifestModel model;
  const auto& manifest = sample.manifest;
  for (const auto& t : manifest["topics"].GetObject()) model.dataTopics.insert(t.name.GetString());
  for (const auto& m : manifest["messages"].GetArray()) {
    if (!m.HasMember("stored")) model.invisibleIds.insert(jstr(m, "msgId"));
    for (const char* name : {"stored", "scheduleRecord", "halfRecord"}) {
      if (!m.HasMember(name)) continue;
      const auto& view = m[name];
      ManifestRecord r;
      r.label = jstr(m, "label") + "/" + name;
      r.kind = jstr(m, "kind");
      r.viewName = name;
      r.message = &m;
      r.view = &view;
      r.topic = jstr(view, "topic");
      r.queueId = static_cast<int32_t>(jnum(view, "queueId"));
      r.queueOffset = jnum(view, "queueOffset");
      r.offset = jnum(view, "commitLogOffset");
      r.size = static_cast<int32_t>(jnum(view, "storeSize"));
      r.uniqKey = jstr(m, "msgId");
      r.keys.push_back(r.uniqKey);
      if (!jnull(view, "keys")) {
        const std::string keys = jstr(view, "keys");
        for (auto k : splitKeys(keys)) r.keys.emplace_back(k);
      }
      model.end = std::max<int64_t>(model.end, r.offset + r.size);
      const size_t index = model.records.size();
      model.byOffset[r.offset] = index;
      // Every record of the samples is a NOT or COMMIT record, so each has a unit.
      model.queues[{r.topic, r.queueId}][r.queueOffset] = index;
      model.records.push_back(std::move(r));
    }
  }
  return model;
}

namespace {

std::string inflate(std::span<const uint8_t> in, size_t expectedLength) {
  std::string out(expectedLength + 1, '\0');
  uLongf len = static_cast<uLongf>(out.size());
  if (uncompress(reinterpret_cast<Bytef*>(out.data()), &len, in.data(),
                 static_cast<uLong>(in.size())) != Z_OK) {
    return "<inflate failed>";
  }
  out.resize(len);
  return out;
}

std::map<std::string, std::string> jsonMap(const rapidjson::Value& v) {
  std::map<std::string, std::string> out;
  for (const auto& m : v.GetObject()) out[m.name.GetString()] = m.value.GetString();
  return out;
}

}  // namespace

void expectMatchesManifest(const DecodedRecord& r, const ManifestRecord& m) {
  SCOPED_TRACE(m.label);
  const auto& view = *m.view;
  const auto& raw = view["raw"];
  char magic[16];
  std::snprintf(magic, sizeof(magic), "0x%08x", static_cast<uint32_t>(r.magicCode));
  EXPECT_EQ(jstr(raw, "magicCode"), magic);
  for (const rapidjson::Value* v : {&view, &raw}) {
    EXPECT_EQ(jnum(*v, "storeSize"), r.totalSize);
    EXPECT_EQ(jnum(*v, "bodyCRC"), r.bodyCrc);
    EXPECT_EQ(jnum(*v, "queueId"), r.queueId);
    EXPECT_EQ(jnum(*v, "queueOffset"), r.queueOffset);
    EXPECT_EQ(jnum(*v, "sysFlag"), r.sysFlag);
    EXPECT_EQ(jnum(*v, "bornTimestamp"), r.bornTimestamp);
    EXPECT_EQ(jnum(*v, "storeTimestamp"), r.storeTimestamp);
    EXPECT_EQ(jstr(*v, "bornHost"), formatHostAddress(r.bornHost));
    EXPECT_EQ(jstr(*v, "storeHost"), formatHostAddress(r.storeHost));
    EXPECT_EQ(jnum(*v, "reconsumeTimes"), r.reconsumeTimes);
    EXPECT_EQ(jnum(*v, "preparedTransactionOffset"), r.preparedTransactionOffset);
    EXPECT_EQ(jstr(*v, "topic"), r.topic);
  }
  EXPECT_EQ(jnum(raw, "flag"), r.flag);
  EXPECT_EQ(jnum(raw, "physicalOffset"), r.physicalOffset);
  EXPECT_EQ(jnum(view, "commitLogOffset"), r.physicalOffset);
  EXPECT_EQ(jstr(view, "offsetMsgId"), offsetMsgId(r.storeHost, r.physicalOffset));
  EXPECT_EQ(jstr(view, "msgId"), m.uniqKey);
  EXPECT_EQ(findProperty(r.properties, property::kUniqClientMessageIdKeyIdx).value_or(""),
            m.uniqKey);
  EXPECT_EQ(jstr(view, "tags"), tagsOf(r.properties));
  EXPECT_EQ(jstr(view, "keys"), findProperty(r.properties, property::kKeys).value_or(""));
  EXPECT_EQ(jstr(raw, "propertiesString"), r.properties);
  std::map<std::string, std::string> ours;
  for (const Property& p : parseProperties(r.properties)) ours[std::string(p.name)] = p.value;
  EXPECT_EQ(jsonMap(raw["properties"]), ours);
  EXPECT_EQ(jsonMap(view["properties"]), ours);
  // The body as stored, and the body the application sent.
  EXPECT_EQ(jnum(raw, "storedBodyLength"), static_cast<int64_t>(r.body.size()));
  EXPECT_EQ(jstr(raw, "storedBodySha256"), sha256Hex(r.body));
  std::string app;
  if (r.sysFlag & sysflag::kCompressed) {
    app = inflate(r.body, static_cast<size_t>(jnum(view, "bodyLength")));
  } else {
    app.assign(asText(r.body));
  }
  EXPECT_EQ(jnum(view, "bodyLength"), static_cast<int64_t>(app.size()));
  EXPECT_EQ(jstr(view, "bodySha256"), sha256Hex(asBytes(app)));
  EXPECT_EQ(jstr(*m.message, "bodySha256"), sha256Hex(asBytes(app)));
}

std::string pristineRecordBytes(const JavaStoreSample& sample, int64_t offset, int32_t size) {
  static std::mutex mutex;
  static std::map<std::string, std::string> cache;
  const int64_t fileSize = jnum(sample.manifest["store"], "commitLogFileSize");
  const std::string path =
      sample.storeDir + "/commitlog/" + offsetToFileName(offset - offset % fileSize);
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(path);
  if (it == cache.end()) {
    std::string data;
    if (!readWholeFile(path, data)) return "<cannot read " + path + ">";
    it = cache.emplace(path, std::move(data)).first;
  }
  const size_t pos = static_cast<size_t>(offset % fileSize);
  if (pos + static_cast<size_t>(size) > it->second.size()) return "<out of range>";
  return it->second.substr(pos, static_cast<size_t>(size));
}

}  // namespace rmq::store::testing
