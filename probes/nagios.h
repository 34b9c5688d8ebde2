#pragma once

// The Nagios / monitoring-plugins plugin API (Monitoring Plugins Development Guidelines):
// exit codes, the output line "TEXT | PERFDATA", and performance data with the threshold
// range syntax. Pure parsing; the exec probe runs the plugin.

#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/types.h"

namespace greenlight::probes {

// A threshold range. Per the guidelines an alert is raised when the value lies outside
// [start, end], or inside it when the range starts with '@'.
struct Range {
  double start = 0;
  double end = std::numeric_limits<double>::infinity();
  bool inside = false;
  bool alerts(double value) const;
};

// "10" (0..10), "10:" (10..inf), "~:10" (-inf..10), "10:20", "@10:20". nullopt if malformed.
std::optional<Range> parse_range(std::string_view text);

struct PerfData {
  std::string label;
  std::optional<double> value;  // nullopt for "U" (unknown)
  std::string uom;
  std::optional<Range> warn, crit;
  std::optional<double> min, max;
};

struct PluginOutput {
  std::string text;  // the first line's text before '|'
  std::vector<PerfData> perfdata;
  std::vector<std::string> errors;  // perfdata that could not be parsed
};

// Parses the whole stdout of a plugin: the first line, and long text lines whose
// perfdata (after a '|') follows the first line's.
PluginOutput parse_plugin_output(std::string_view out);

// 0 OK green, 1 WARNING yellow, 2 CRITICAL red, 3 UNKNOWN (and anything else) unknown.
model::Health health_of_exit_code(int code);

}  // namespace greenlight::probes
