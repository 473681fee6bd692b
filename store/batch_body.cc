#include "store/batch_body.h"

#include <string>

#include "store/byte_io.h"
#include "store/store_format.h"

namespace rmq::store {

Status decodeBatchBody(std::span<const uint8_t> body, std::vector<BatchEntry>& out,
                       const BatchDecodeOptions& options) {
  out.clear();
  if (body.empty()) return Status::Error("empty batch body");
  const uint8_t* p = body.data();
  const size_t size = body.size();
  size_t pos = 0;
  std::vector<BatchEntry> entries;
  while (pos < size) {
    // Built only on failure so that the success path stays cheap.
    const auto fail = [&](const std::string& what) {
      return Status::Error("batch entry " + std::to_string(entries.size()) + " at byte " +
                           std::to_string(pos) + ": " + what);
    };
    if (size - pos < static_cast<size_t>(batch::kMinEntryLength)) {
      return fail("truncated header");
    }
    BatchEntry e;
    e.declaredTotalSize = loadI32(p + pos + batch::kTotalSizeOffset);
    e.magicCode = loadI32(p + pos + batch::kMagicOffset);
    e.bodyCrc = loadI32(p + pos + batch::kBodyCrcOffset);
    e.flag = loadI32(p + pos + batch::kFlagOffset);
    const int32_t bodyLen = loadI32(p + pos + batch::kBodyLengthOffset);
    size_t cur = pos + batch::kBodyOffset;
    // The properties length field must follow the body, hence the extra 2 bytes.
    if (bodyLen < 0 || static_cast<size_t>(bodyLen) > size - cur - batch::kPropertiesLengthSize) {
      return fail("bad body length " + std::to_string(bodyLen));
    }
    e.body = body.subspan(cur, static_cast<size_t>(bodyLen));
    cur += static_cast<size_t>(bodyLen);
    const int16_t propsLen = loadI16(p + cur);
    cur += batch::kPropertiesLengthSize;
    if (propsLen < 0 || static_cast<size_t>(propsLen) > size - cur) {
      return fail("bad properties length " + std::to_string(propsLen));
    }
    e.properties =
        std::string_view(reinterpret_cast<const char*>(p + cur), static_cast<size_t>(propsLen));
    cur += static_cast<size_t>(propsLen);
    if (options.checkDeclaredTotalSize &&
        static_cast<size_t>(static_cast<uint32_t>(e.declaredTotalSize)) != cur - pos) {
      return fail("declared size " + std::to_string(e.declaredTotalSize) + " but the entry has " +
                  std::to_string(cur - pos) + " bytes");
    }
    entries.push_back(e);
    pos = cur;
  }
  out = std::move(entries);
  return Status::Ok();
}

}  // namespace rmq::store
