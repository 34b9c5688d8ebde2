#include "alerting/label_matcher.h"

#include <algorithm>
#include <cctype>

#include "model/user_regex.h"

namespace greenlight::alerting {

using model::Labels;

std::optional<LabelMatcher> LabelMatcher::make(std::string name, std::string value, Op op, std::string& error) {
  const bool valid_name = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                          std::all_of(name.begin(), name.end(), [](char c) {
                            return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
                          });
  if (!valid_name) {
    error = "invalid label name \"" + name + "\"";
    return std::nullopt;
  }
  LabelMatcher m{std::move(name), std::move(value), op, {}};
  if (op == Op::Regex || op == Op::NotRegex) {
    if (const std::string problem = model::compile_user_regex(m.value, m.re); !problem.empty()) {
      error = "invalid regular expression \"" + m.value + "\": " + problem;
      return std::nullopt;
    }
  }
  return m;
}

bool LabelMatcher::matches(const Labels& labels) const {
  const auto it = labels.find(name);
  const std::string& v = it == labels.end() ? std::string() : it->second;
  switch (op) {
    case Op::Equal: return v == value;
    case Op::NotEqual: return v != value;
    case Op::Regex: return std::regex_match(v, re);
    case Op::NotRegex: return !std::regex_match(v, re);
  }
  return false;
}

bool LabelMatcher::matches_empty() const { return matches(Labels{}); }

std::string_view to_string(LabelMatcher::Op op) {
  switch (op) {
    case LabelMatcher::Op::Equal: return "=";
    case LabelMatcher::Op::NotEqual: return "!=";
    case LabelMatcher::Op::Regex: return "=~";
    case LabelMatcher::Op::NotRegex: return "!~";
  }
  return "=";
}

}  // namespace greenlight::alerting
