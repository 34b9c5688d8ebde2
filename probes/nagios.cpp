#include "probes/nagios.h"

#include <charconv>
#include <cmath>

namespace greenlight::probes {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::optional<double> parse_number(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Splits perfdata into items at spaces outside single-quoted labels.
std::vector<std::string_view> split_perfdata(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    if (i >= s.size()) break;
    const std::size_t start = i;
    bool quoted = false;
    while (i < s.size() && (quoted || s[i] != ' ')) {
      if (s[i] == '\'') quoted = !quoted;
      ++i;
    }
    out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::optional<PerfData> parse_perf_item(std::string_view item) {
  const auto eq = item.rfind('=');
  if (eq == std::string_view::npos || eq == 0) return std::nullopt;
  PerfData p;
  std::string_view label = item.substr(0, eq);
  if (label.size() >= 2 && label.front() == '\'' && label.back() == '\'') label = label.substr(1, label.size() - 2);
  p.label = std::string(label);
  std::vector<std::string_view> fields;
  std::string_view rest = item.substr(eq + 1);
  for (std::size_t pos; (pos = rest.find(';')) != std::string_view::npos; rest.remove_prefix(pos + 1)) {
    fields.push_back(rest.substr(0, pos));
  }
  fields.push_back(rest);
  // value[UOM]: the number is the longest numeric prefix.
  std::string_view v = fields[0];
  if (v == "U") {
    p.value = std::nullopt;
  } else {
    std::size_t n = 0;
    while (n < v.size() && (std::isdigit(static_cast<unsigned char>(v[n])) || v[n] == '.' || v[n] == '-' ||
                            v[n] == '+' || v[n] == 'e' || v[n] == 'E')) {
      ++n;
    }
    // "e"/"E" may be a unit's first letter only if no digit follows; keep it simple: the
    // guideline units (s ms us % B KB MB TB c) never start with e.
    p.value = parse_number(v.substr(0, n));
    if (!p.value) return std::nullopt;
    p.uom = std::string(v.substr(n));
  }
  auto range_field = [&](std::size_t i, std::optional<Range>& out) {
    if (i < fields.size() && !trim(fields[i]).empty()) {
      out = parse_range(trim(fields[i]));
      return out.has_value();
    }
    return true;
  };
  if (!range_field(1, p.warn) || !range_field(2, p.crit)) return std::nullopt;
  if (fields.size() > 3 && !trim(fields[3]).empty()) p.min = parse_number(fields[3]);
  if (fields.size() > 4 && !trim(fields[4]).empty()) p.max = parse_number(fields[4]);
  return p;
}

void parse_perf_into(std::string_view s, PluginOutput& out) {
  for (std::string_view item : split_perfdata(trim(s))) {
    if (auto p = parse_perf_item(item)) {
      out.perfdata.push_back(std::move(*p));
    } else {
      out.errors.push_back("bad perfdata: " + std::string(item));
    }
  }
}

}  // namespace

bool Range::alerts(double value) const {
  const bool within = value >= start && value <= end;
  return inside ? within : !within;
}

std::optional<Range> parse_range(std::string_view text) {
  Range r;
  std::string_view s = trim(text);
  if (s.starts_with('@')) {
    r.inside = true;
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  const auto colon = s.find(':');
  if (colon == std::string_view::npos) {
    auto end = parse_number(s);
    if (!end) return std::nullopt;
    r.end = *end;
  } else {
    const std::string_view start = s.substr(0, colon), end = s.substr(colon + 1);
    if (start == "~") {
      r.start = -std::numeric_limits<double>::infinity();
    } else if (!start.empty()) {
      auto v = parse_number(start);
      if (!v) return std::nullopt;
      r.start = *v;
    }
    if (!end.empty()) {
      auto v = parse_number(end);
      if (!v) return std::nullopt;
      r.end = *v;
    }
  }
  if (r.start > r.end) return std::nullopt;
  return r;
}

PluginOutput parse_plugin_output(std::string_view out) {
  PluginOutput result;
  bool first = true;
  bool in_long_perf = false;
  while (!out.empty()) {
    const auto nl = out.find('\n');
    std::string_view line = out.substr(0, nl);
    out = nl == std::string_view::npos ? std::string_view{} : out.substr(nl + 1);
    const auto bar = line.find('|');
    if (first) {
      result.text = std::string(trim(line.substr(0, bar)));
      if (bar != std::string_view::npos) parse_perf_into(line.substr(bar + 1), result);
      first = false;
    } else if (in_long_perf) {
      parse_perf_into(line, result);
    } else if (bar != std::string_view::npos) {
      // Long text ends at its first '|'; everything after is perfdata, to the end.
      parse_perf_into(line.substr(bar + 1), result);
      in_long_perf = true;
    }
  }
  return result;
}

model::Health health_of_exit_code(int code) {
  switch (code) {
    case 0: return model::Health::Green;
    case 1: return model::Health::Yellow;
    case 2: return model::Health::Red;
    default: return model::Health::Unknown;
  }
}

}  // namespace greenlight::probes
