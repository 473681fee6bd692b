// Helpers shared by the SQL92 filter tests: a map-backed property lookup and a one-character
// outcome code ('T' true, 'F' false, 'N' unknown/NULL, 'E' evaluation error, 'P' parse error).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "broker/filter/sql92/sql92.h"

namespace rmq::broker::sql92::testing {

using Props = std::map<std::string, std::string, std::less<>>;

inline PropertyLookup lookupIn(const Props& props) {
  return [&props](std::string_view name) -> std::optional<std::string_view> {
    auto it = props.find(name);
    if (it == props.end()) return std::nullopt;
    return std::string_view(it->second);
  };
}

inline char outcome(std::string_view expr, const Props& props = {}) {
  std::unique_ptr<Expression> e;
  if (!compile(expr, e).ok()) return 'P';
  switch (evaluate(*e, lookupIn(props))) {
    case Result::kTrue:
      return 'T';
    case Result::kFalse:
      return 'F';
    case Result::kUnknown:
      return 'N';
    case Result::kError:
      return 'E';
  }
  return '?';
}

// describe() of the compiled expression, or "ERROR: <message>".
inline std::string tree(std::string_view expr) {
  std::unique_ptr<Expression> e;
  Status st = compile(expr, e);
  if (!st.ok()) return "ERROR: " + st.message();
  return describe(*e);
}

inline std::string errorOf(std::string_view expr) {
  std::unique_ptr<Expression> e;
  Status st = compile(expr, e);
  return st.ok() ? std::string() : st.message();
}

}  // namespace rmq::broker::sql92::testing
