// Prometheus text exposition (a scrape target's /metrics, any bytes) -> find_sample.
// Input: the first line is the metric asked for, the second "name=value,..." the label
// matchers, the rest the exposition text. Either a value or an error, never neither.

#include <string>

#include "fuzz/fuzz.h"
#include "probes/exposition.h"

GREENLIGHT_FUZZ_TARGET(exposition) {
  using namespace greenlight;
  std::string_view in = fuzz::text_of(data, size);
  auto line = [&in]() {
    const std::size_t nl = in.find('\n');
    const std::string_view l = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    return l;
  };
  const std::string_view metric = line();
  probes::LabelMatchers matchers;
  std::string_view spec = line();
  while (!spec.empty()) {
    const std::size_t comma = spec.find(',');
    const std::string_view m = spec.substr(0, comma);
    if (const std::size_t eq = m.find('='); eq != std::string_view::npos) {
      matchers[std::string(m.substr(0, eq))] = std::string(m.substr(eq + 1));
    }
    spec = comma == std::string_view::npos ? std::string_view() : spec.substr(comma + 1);
  }
  const probes::SampleLookup r = probes::find_sample(in, metric, matchers);
  GREENLIGHT_FUZZ_CHECK(r.value.has_value() || !r.error.empty());
  return 0;
}
