// Nagios plugin output: a plugin's whole stdout (any bytes: Latin-1, NULs, huge perfdata)
// -> parse_plugin_output; its first line as a threshold range -> parse_range. The text is
// one line; every range parsed can be asked whether a value alerts.

#include <cmath>
#include <limits>
#include <string>

#include "fuzz/fuzz.h"
#include "probes/nagios.h"

GREENLIGHT_FUZZ_TARGET(nagios) {
  using namespace greenlight;
  const std::string_view out = fuzz::text_of(data, size);
  const probes::PluginOutput p = probes::parse_plugin_output(out);
  GREENLIGHT_FUZZ_CHECK(p.text.find('\n') == std::string::npos);
  for (const probes::PerfData& d : p.perfdata) {
    const double v = d.value.value_or(0);
    if (d.warn) (void)d.warn->alerts(v);
    if (d.crit) (void)d.crit->alerts(v);
  }
  const std::string_view first = out.substr(0, out.find('\n'));
  if (const auto r = probes::parse_range(first)) {
    for (double v : {0.0, -1.0, 1e300, std::numeric_limits<double>::quiet_NaN()}) (void)r->alerts(v);
  }
  if (size > 0) (void)probes::health_of_exit_code(static_cast<int>(data[0]) - 128);
  return 0;
}
