// Reader for the golden wire captures in <compat data>/captures/*.jsonl (layout described in the
// captures' README.md: one JSON object per remoting frame, sorted by time).
//
// Used by the codec golden test and meant for the replay tests that send recorded client
// requests to our servers: a CaptureFile keeps the frames in capture order, groups them per
// connection, and pairs every response with the request it answers (same connection, opposite
// direction, same opaque).
//
// Nothing here throws on bad data: loading returns a Status naming file:line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "common/status.h"
#include "remoting/remoting_command.h"

namespace rmq::compat {

// ---- locating the data ----

struct CompatDataLocation {
  std::filesystem::path dir;  // the compat data directory (holds captures/)
  std::string how;            // which rule picked it, for messages
  bool exists = false;        // dir/captures is a directory
};

// $RMQ_COMPAT_DATA if set and non-empty (used as given, even when missing, so a wrong setting
// is reported rather than silently replaced); else $RMQ_SOURCE_DIR/../shared/compat (ctest sets
// RMQ_SOURCE_DIR); else the first <ancestor of the current dir>/shared/compat that has a
// captures/ directory, falling back to ../shared/compat for the message.
CompatDataLocation locateCompatData();

std::filesystem::path capturesDir(const CompatDataLocation& loc);

// The *.jsonl files of `dir`, sorted by name. Empty when the directory is absent.
std::vector<std::filesystem::path> listCaptureFiles(const std::filesystem::path& dir);

// ---- base64 ----

// Standard alphabet (RFC 4648 section 4). Padding is optional, but if present it must be
// correct; white space and any other byte are errors, so a corrupt capture is noticed.
bool decodeBase64(std::string_view in, std::string& out);

// ---- frames ----

enum class Party { kClient, kBroker, kNamesrv, kUnknown };
const char* partyName(Party p);
Party partyFromName(std::string_view name);

struct CaptureFrame {
  std::string file;  // capture file name, e.g. "scenario_send_sync.jsonl"
  size_t line = 0;   // 1-based line in that file
  size_t index = 0;  // position in CaptureFile::frames

  double t = 0;  // seconds since the capture's first packet (frame's first byte)
  double tComplete = 0;
  std::string conn;  // "c1", "c2", ... within the file
  Party from = Party::kUnknown;
  Party to = Party::kUnknown;
  std::string fromName, toName;  // as recorded
  std::string peer, server, peerProc;
  bool connHasSyn = false;

  remoting::SerializeType serialize = remoting::SerializeType::JSON;
  int32_t code = 0;
  int32_t flag = 0;
  int32_t opaque = 0;
  bool isResponse = false;
  bool oneway = false;
  std::string codeName;
  std::optional<int32_t> reqCode;  // responses only; nullopt when the request is not captured
  std::string reqCodeName;

  // The recorded header object (points into the owning CaptureFile, valid as long as it lives)
  // and its compact JSON text (member order as recorded).
  const rapidjson::Value* header = nullptr;
  std::string headerJson;

  std::string body;                     // decoded bodyBase64
  std::optional<std::string> bodyText;  // null when the capture tool found no valid text
  size_t bodyLength = 0;                // as recorded
  std::string frame;                    // decoded frameBase64: the whole frame incl. length

  // Index of the paired request (for a response) or response (for a request), if captured.
  std::optional<size_t> pair;

  // "file:line", for failure messages.
  std::string where() const { return file + ":" + std::to_string(line); }
};

// One TCP connection of a capture, frames in capture order.
struct CaptureConnection {
  std::string id;  // "c1", ...
  std::string peer, server, peerProc;
  bool connHasSyn = false;
  std::vector<size_t> frames;  // indices into CaptureFile::frames
};

class CaptureFile {
 public:
  std::filesystem::path path;
  std::string name;  // file name only
  std::vector<CaptureFrame> frames;
  std::vector<CaptureConnection> connections;  // in order of first frame

  const CaptureConnection* connection(std::string_view id) const;
  // The response recorded for request `i` / the request answered by response `i`.
  const CaptureFrame* responseOf(size_t i) const;
  const CaptureFrame* requestOf(size_t i) const;

  // Extfields of a recorded header in recorded order; non-string values as their JSON text.
  static std::vector<std::pair<std::string, std::string>> headerExtFields(
      const rapidjson::Value& header);

 private:
  friend Status loadCapture(const std::filesystem::path& file, CaptureFile& out);
  // Owns every frame's header value; a unique_ptr so the pointers survive moves of the file.
  std::unique_ptr<rapidjson::Document> headers_;
};

// Reads and decodes a whole capture. On error `out` is left partially filled; the message names
// file:line and the member at fault.
Status loadCapture(const std::filesystem::path& file, CaptureFile& out);

}  // namespace rmq::compat
