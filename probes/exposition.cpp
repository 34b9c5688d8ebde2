#include "probes/exposition.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace greenlight::probes {

namespace {

bool name_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
}

std::optional<double> parse_value(std::string_view s) {
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "+Inf" || s == "Inf") return std::numeric_limits<double>::infinity();
  if (s == "-Inf") return -std::numeric_limits<double>::infinity();
  double v = 0;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// Parses `{a="x",b="y"}` starting at s[i] == '{'; leaves i after the '}'.
bool parse_labels(std::string_view s, std::size_t& i, LabelMatchers& out) {
  ++i;  // '{'
  while (true) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
    if (i < s.size() && s[i] == '}') {
      ++i;
      return true;
    }
    const std::size_t name_start = i;
    while (i < s.size() && name_char(s[i], i == name_start)) ++i;
    const std::string name(s.substr(name_start, i - name_start));
    while (i < s.size() && s[i] == ' ') ++i;
    if (name.empty() || i >= s.size() || s[i] != '=') return false;
    ++i;
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size() || s[i] != '"') return false;
    ++i;
    std::string value;
    while (i < s.size() && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < s.size()) {
        ++i;
        value += s[i] == 'n' ? '\n' : s[i];
      } else {
        value += s[i];
      }
      ++i;
    }
    if (i >= s.size()) return false;
    ++i;  // closing quote
    out.emplace(name, std::move(value));
  }
}

}  // namespace

SampleLookup find_sample(std::string_view text, std::string_view metric, const LabelMatchers& matchers) {
  bool seen_metric = false;
  int line_no = 0;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::size_t i = 0;
    while (i < line.size() && name_char(line[i], i == 0)) ++i;
    if (line.substr(0, i) != metric) continue;
    LabelMatchers labels;
    if (i < line.size() && line[i] == '{' && !parse_labels(line, i, labels)) {
      return {std::nullopt, "line " + std::to_string(line_no) + ": malformed labels"};
    }
    if (i < line.size() && line[i] != ' ' && line[i] != '\t') continue;  // a longer name
    seen_metric = true;
    bool match = true;
    for (const auto& [k, v] : matchers) {
      auto it = labels.find(k);
      if (it == labels.end() || it->second != v) {
        match = false;
        break;
      }
    }
    if (!match) continue;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    std::size_t end = i;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    auto v = parse_value(line.substr(i, end - i));
    if (!v) return {std::nullopt, "line " + std::to_string(line_no) + ": bad sample value"};
    return {v, {}};
  }
  return {std::nullopt, seen_metric ? "no " + std::string(metric) + " sample matches the labels"
                                    : "no metric " + std::string(metric) + " in the exposition"};
}

}  // namespace greenlight::probes
