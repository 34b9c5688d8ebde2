#pragma once

// Small random health models for property tests of the what-if simulation: components
// that depend on later ones (so the graph is acyclic) with every impact, redundancy
// groups with random quotas, components without signals, signals with failures and
// successes above 1, flows of every criticality (some with alert_after), components that
// alert, webhook receivers and routes with matchers, min_severity, group_by, group_wait
// and continue. bench/model_gen.h makes large layered models for benchmarks; these are
// small and varied, to reach the corners.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace greenlight::test {

struct RandomModel {
  std::string toml;
  int components = 0;
  std::vector<int> groups;     // component numbers that are redundancy groups
  std::vector<int> signalless;  // component numbers without signals (and not groups)
  std::vector<int> signals;     // per component: its signal count
};

inline RandomModel random_model(std::uint32_t seed) {
  std::mt19937 rng(seed);
  const auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const char* impacts[] = {"critical", "critical", "degrading", "informational"};
  const char* criticality[] = {"high", "medium", "low"};
  RandomModel r;
  r.components = pick(3, 12);
  r.signals.assign(static_cast<std::size_t>(r.components), 0);
  std::string& out = r.toml;
  out += "[daemon]\ninterval = \"1s\"\n\n";
  for (int c = 0; c < r.components; ++c) {
    out += "[components.c" + std::to_string(c) + "]\n";
    if (pick(0, 3) == 0) out += "alert = true\ncriticality = \"" + std::string(criticality[pick(0, 2)]) + "\"\n";
    const int later = r.components - c - 1;
    const bool group = later >= 2 && pick(0, 4) == 0;
    const int deps = later == 0 ? 0 : pick(0, std::min(3, later));
    std::vector<int> used;
    const auto later_one = [&] {
      int d = 0;
      do d = pick(c + 1, r.components - 1); while (std::find(used.begin(), used.end(), d) != used.end());
      used.push_back(d);
      return d;
    };
    if (group) {
      const int members = pick(2, std::min(4, later));
      out += "members = [";
      for (int i = 0; i < members; ++i) out += std::string(i ? ", " : "") + "\"c" + std::to_string(later_one()) + "\"";
      out += "]\nhealthy_min = " + std::to_string(pick(1, members)) + "\navailable_min = " +
             std::to_string(pick(1, members)) + "\n";
      r.groups.push_back(c);
      continue;
    }
    if (deps > 0) {
      out += "depends_on = [";
      for (int i = 0; i < deps; ++i) {
        out += std::string(i ? ", " : "") + "{ component = \"c" + std::to_string(later_one()) + "\", impact = \"" +
               impacts[pick(0, 3)] + "\" }";
      }
      out += "]\n";
    }
    const int signals = deps > 0 && pick(0, 5) == 0 ? 0 : pick(1, 2);
    if (signals == 0) r.signalless.push_back(c);
    r.signals[static_cast<std::size_t>(c)] = signals;
    for (int s = 0; s < signals; ++s) {
      out += "  [[components.c" + std::to_string(c) + ".signals]]\n  id = \"s" + std::to_string(s) +
             "\"\n  probe = \"tcp\"\n  target = \"127.0.0.1:9\"\n  failures = " + std::to_string(pick(1, 3)) +
             "\n  successes = " + std::to_string(pick(1, 2)) + "\n";
    }
  }
  const int flows = pick(1, 4);
  for (int f = 0; f < flows; ++f) {
    out += "[flows.f" + std::to_string(f) + "]\ncriticality = \"" + criticality[pick(0, 2)] + "\"\n";
    if (pick(0, 2) == 0) out += "alert_after = \"3s\"\n";
    out += "steps = [";
    const int steps = pick(1, 3);
    for (int s = 0; s < steps; ++s) {
      out += std::string(s ? ", " : "") + "{ component = \"c" + std::to_string(pick(0, r.components - 1)) +
             "\", impact = \"" + impacts[pick(0, 3)] + "\" }";
    }
    out += "]\n";
  }
  const int receivers = pick(1, 2);
  for (int i = 0; i < receivers; ++i) {
    out += "[alerting.receivers.r" + std::to_string(i) + "]\ntype = \"webhook\"\nurl = \"http://127.0.0.1:9/hook\"\n";
  }
  const char* severities[] = {"info", "warning", "error", "critical"};
  const int routes = pick(1, 3);
  for (int i = 0; i < routes; ++i) {
    out += "[[alerting.routes]]\nreceiver = \"r" + std::to_string(pick(0, receivers - 1)) + "\"\nmin_severity = \"" +
           severities[pick(0, 3)] + "\"\ngroup_wait = \"" + (pick(0, 1) ? "2s" : "0s") + "\"\ngroup_interval = \"" +
           (pick(0, 1) ? "3s" : "5s") + "\"\n";
    if (pick(0, 2) == 0) out += "match = { criticality = \"" + std::string(criticality[pick(0, 2)]) + "\" }\n";
    if (pick(0, 2) == 0) out += "group_by = [\"...\"]\n";
    if (pick(0, 1) == 0) out += "continue = true\n";
  }
  return r;
}

}  // namespace greenlight::test
