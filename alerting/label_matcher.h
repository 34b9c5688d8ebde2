#pragma once

// Label matchers of Alertmanager's four kinds, for silences made through its API (SPEC 6.6,
// dashboards/alertmanager_api.h). Pure.

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include "model/model.h"

namespace greenlight::alerting {

// A label matcher of Alertmanager's kinds (=, !=, =~, !~), as its API and amtool send
// them: an absent label matches as the empty string; a regex is anchored (ECMAScript, which
// agrees with Go's RE2 on the usual `a|b`, `.*`, classes and groups).
struct LabelMatcher {
  enum class Op : std::uint8_t { Equal, NotEqual, Regex, NotRegex };
  std::string name, value;
  Op op = Op::Equal;
  std::regex re;  // of `value` when op is Regex or NotRegex
  // A matcher, or nullopt and `error` (a name that is not [a-zA-Z_][a-zA-Z0-9_]*, a bad regex).
  static std::optional<LabelMatcher> make(std::string name, std::string value, Op op, std::string& error);
  bool matches(const model::Labels& labels) const;
  bool matches_empty() const;  // whether an absent label matches
};
std::string_view to_string(LabelMatcher::Op op);  // "=", "!=", "=~", "!~"

}  // namespace greenlight::alerting
