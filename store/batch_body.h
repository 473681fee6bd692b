// The body of a SEND_BATCH_MESSAGE request (message-format.md 9): entries of
// TOTALSIZE, MAGIC, BODYCRC, FLAG, BODYLENGTH, BODY, PROPERTIESLENGTH, PROPERTIES. Each entry
// becomes one full record, so a malformed body must be rejected as a whole before anything is
// stored (storing a prefix would leave the producer unable to tell which messages made it).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace rmq::store {

struct BatchEntry {
  int32_t declaredTotalSize = 0;  // as the client wrote it; Java never checks it
  int32_t magicCode = 0;          // client writes 0; ignored
  int32_t bodyCrc = 0;            // client writes 0; the broker computes the real CRC
  int32_t flag = 0;
  std::span<const uint8_t> body;  // views into the request body
  std::string_view properties;    // entry properties, stored verbatim (not re-encoded)
};

struct BatchDecodeOptions {
  // Java walks entries by their field lengths and ignores TOTALSIZE; set this to also require
  // TOTALSIZE == 22 + bodyLen + propertiesLen (what the Java client writes).
  bool checkDeclaredTotalSize = false;
};

// Decodes every entry or none: on error `out` is left empty. An empty body is an error (Java
// clients never send one and it would store nothing while answering SEND_OK).
Status decodeBatchBody(std::span<const uint8_t> body, std::vector<BatchEntry>& out,
                       const BatchDecodeOptions& options = {});

}  // namespace rmq::store
