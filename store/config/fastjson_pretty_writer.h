// Writes JSON the way fastjson's PrettyFormat does for the broker's config files, so that files
// we write are byte-identical to the Java broker's (checked against real 4.9.8 files):
//   * '{', then every member on its own line indented by one tab per level, '}' on its own line;
//   * an empty object is "{}";
//   * integer map keys are bare and do NOT start a new line ({0:50,1:50 ... \n\t\t}), only the
//     closing brace does;
//   * arrays are compact ("[1,2,3]");
//   * no trailing newline at the end of the document.
// Strings use fastjson's escaping (common/json.h appendQuoted).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rmq::store::config {

class FastjsonPrettyWriter {
 public:
  explicit FastjsonPrettyWriter(std::string& out) : out_(out) {}

  void beginObject();
  void endObject();
  void beginArray();
  void endArray();
  void key(std::string_view name);  // quoted key (bean property or String map key)
  void bareKey(int64_t key);        // unquoted key (Integer/Long map key)
  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(int64_t v);
  void value(int32_t v) { value(static_cast<int64_t>(v)); }
  void value(bool v);

 private:
  struct Level {
    bool array = false;
    bool empty = true;
  };
  void beforeElement();  // ',' between members / elements
  void newline();
  std::string& out_;
  std::vector<Level> levels_;
  bool afterKey_ = false;
};

}  // namespace rmq::store::config
