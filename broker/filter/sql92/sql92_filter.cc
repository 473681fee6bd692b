#include "broker/filter/sql92/sql92_filter.h"

#include "store/message_properties.h"

namespace rmq::broker::sql92 {

Status Sql92Filter::compile(std::string_view expression, std::unique_ptr<Sql92Filter>& out) {
  std::unique_ptr<Expression> compiled;
  Status st = sql92::compile(expression, compiled);
  if (!st.ok()) return st;
  out = std::make_unique<Sql92Filter>(Key{}, std::string(expression), std::move(compiled));
  return Status::Ok();
}

Result Sql92Filter::evaluateProperties(std::string_view properties) const {
  PropertyLookup lookup = [properties](std::string_view name) {
    return store::findProperty(properties, name);
  };
  return evaluate(*compiled_, lookup);
}

bool Sql92Filter::matchesProperties(std::string_view properties) const {
  return evaluateProperties(properties) == Result::kTrue;
}

}  // namespace rmq::broker::sql92
