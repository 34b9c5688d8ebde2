// /metrics rendering: the state sets and values written from a snapshot, read back by the
// scrape probe's exposition reader (promtool checks the whole output in the integration
// tests).
#include <catch2/catch.hpp>

#include "daemon/runtime/metrics.h"
#include "probes/exposition.h"
#include "model/load.h"

using greenlight::daemon::Metrics;
using greenlight::model::Health;
using greenlight::probes::find_sample;

TEST_CASE("/metrics writes every component's state set and each signal's last value", "[metrics]") {
  auto loaded = greenlight::model::load(R"(
[flows.checkout]
kind = "user"
criticality = "high"
steps = ["api", "db"]
[components.api]
  [[components.api.signals]]
  id = "latency"
  probe = "tcp"
  target = "127.0.0.1:1"
[components.db]
  [[components.db.signals]]
  id = "up"
  probe = "tcp"
  target = "127.0.0.1:1"
)", "metrics.toml");
  REQUIRE(loaded.ok());
  const auto m = loaded.model;
  greenlight::engine::Snapshot snap;
  snap.model = m;
  snap.state = greenlight::model::HealthState::initial(*m, {});
  snap.state.components[m->component_index.at("db")].state = Health::Red;
  snap.state.flows[0].state = Health::Red;
  for (std::size_t s = 0; s < m->signals.size(); ++s) snap.state.signals[s].value = m->signals[s].id == "up" ? 1e-7 : 0.125;
  const std::string text = Metrics().render(&snap);

  const auto get = [&](const char* metric, greenlight::probes::LabelMatchers labels) {
    const auto r = find_sample(text, metric, labels);
    INFO(metric << ": " << r.error);
    REQUIRE(r.value);
    return *r.value;
  };
  CHECK(get("greenlight_component_state", {{"component", "db"}, {"state", "red"}}) == 1);
  CHECK(get("greenlight_component_state", {{"component", "db"}, {"state", "green"}}) == 0);
  CHECK(get("greenlight_component_state", {{"component", "api"}, {"state", "unknown"}}) == 1);
  CHECK(get("greenlight_flow_state", {{"flow", "checkout"}, {"kind", "user"}, {"criticality", "high"}, {"state", "red"}}) == 1);
  CHECK(get("greenlight_signal_value", {{"component", "api"}, {"signal", "latency"}}) == 0.125);
  CHECK(get("greenlight_signal_value", {{"component", "db"}, {"signal", "up"}}) == 1e-7);  // read back exactly
  CHECK(get("greenlight_alerts", {{"severity", "critical"}, {"status", "firing"}}) == 0);
  CHECK(get("greenlight_probe_runs_total", {{"type", "tcp"}, {"result", "ok"}}) == 0);  // the registry's part
  CHECK(text.find("# TYPE greenlight_component_state gauge\n") != std::string::npos);
  CHECK(text.find("greenlight_overall_state{state=\"unknown\"} 1\n") != std::string::npos);
  CHECK(text.back() == '\n');
}
