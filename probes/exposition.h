#pragma once

// Reads one sample from the Prometheus text exposition format (version 0.0.4), as served
// on /metrics, for the `scrape` probe. Pure.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace greenlight::probes {

using LabelMatchers = std::map<std::string, std::string>;

struct SampleLookup {
  std::optional<double> value;  // the first sample of `metric` whose labels match
  std::string error;            // why there is none (no such metric, bad line)
};

// Exact-match label matchers; a sample may have more labels than the matchers name.
SampleLookup find_sample(std::string_view text, std::string_view metric, const LabelMatchers& matchers);

}  // namespace greenlight::probes
