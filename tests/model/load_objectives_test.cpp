// Objectives in the configuration (SPEC 6.2): [flows.X.objective] with its burn alerts,
// `rto`, a signal's `trend`, a heartbeat's `rpo`, and every bad input as an error at
// file:line:col.

#include <catch2/catch.hpp>

#include "model/load.h"
#include "tests/support/world.h"

using namespace greenlight;
using namespace greenlight::model;
using namespace std::chrono_literals;
using greenlight::test::require_config_error;
using greenlight::test::require_model;

namespace {

// A flow "checkout" whose objective's keys start on line 9.
std::string with_objective(const std::string& keys) {
  return "[components.web]\n"
         "  [[components.web.signals]]\n"
         "  id = \"http\"\n"
         "  probe = \"tcp\"\n"
         "  target = \"localhost:80\"\n"
         "[flows.checkout]\n"
         "steps = [\"web\"]\n"
         "[flows.checkout.objective]\n" +
         keys;
}

// A scrape signal whose extra keys start on line 7.
std::string signal_with(const std::string& keys) {
  return "[components.web]\n"
         "  [[components.web.signals]]\n"
         "  id = \"latency\"\n"
         "  probe = \"scrape\"\n"
         "  url = \"http://localhost:9100/metrics\"\n"
         "  metric = \"latency_seconds\"\n" +
         keys;
}

}  // namespace

TEST_CASE("an objective loads its target, window and the SRE workbook's four burn alerts", "[model][load][slo]") {
  const auto m = require_model(HM_HERE, with_objective("target = \"99.9%\"\nwindow = \"30d\"\n"));
  const Flow& f = m->flows.at(0);
  REQUIRE(f.objective);
  CHECK(f.objective->target == Approx(0.999));
  CHECK(f.objective->window == 30 * 24h);
  CHECK(f.objective->burn_alerts == default_burn_alerts());
  REQUIRE(m->slo_alerts.size() == 2);  // critical, warning
  CHECK(m->slo_alerts[0].severity == Severity::Critical);
  CHECK(m->slo_alerts[1].severity == Severity::Warning);
}

TEST_CASE("burn alerts, rto, trend and rpo load as written", "[model][load][slo]") {
  const auto m = require_model(HM_HERE, with_objective("target = \"99.5%\"\nwindow = \"7d\"\n"
                                                       "[[flows.checkout.objective.burn_alerts]]\n"
                                                       "severity = \"critical\"\nfactor = 10\n"
                                                       "long = \"1h\"\nshort = \"5m\"\n") +
                                            "[flows.pay]\nsteps = [\"web\"]\nrto = \"15m\"\n"
                                            "[components.disk]\n  [[components.disk.signals]]\n"
                                            "  id = \"used\"\n  probe = \"exec\"\n  command = [\"/bin/true\"]\n"
                                            "  red_above = 0.9\n  trend = { window = \"30m\", horizon = \"4h\" }\n"
                                            "[components.backup]\n  [[components.backup.signals]]\n"
                                            "  id = \"nightly\"\n  probe = \"heartbeat\"\n  rpo = \"26h\"\n");
  const Objective& o = *m->flows.at(0).objective;
  CHECK(o.target == Approx(0.995));
  REQUIRE(o.burn_alerts.size() == 1);
  CHECK(o.burn_alerts[0].factor == 10);
  CHECK(m->slo_alerts.size() == 1);
  CHECK(m->flows.at(1).rto == 15min);
  CHECK_FALSE(m->flows.at(1).objective);
  const Signal& used = m->signals.at(*m->find_signal("disk", "used"));
  REQUIRE(used.trend);
  CHECK(used.trend->window == 30min);
  CHECK(used.trend->horizon == 4h);
  const Signal& nightly = m->signals.at(*m->find_signal("backup", "nightly"));
  CHECK(nightly.rpo == 26h);
  CHECK(nightly.thresholds.red_above == Approx(26 * 3600));
}

TEST_CASE("bad objectives are config errors at their file:line:col", "[model][load][slo]") {
  // Not a percentage, or outside (0 %, 100 %).
  require_config_error(HM_HERE, with_objective("target = 0.999\n"), 9, 10, "target must be a percentage");
  require_config_error(HM_HERE, with_objective("target = \"99.9\"\n"), 9, 10, "target must be a percentage");
  require_config_error(HM_HERE, with_objective("target = \"100%\"\n"), 9, 10, "above 0% and below 100%");
  require_config_error(HM_HERE, with_objective("target = \"0%\"\n"), 9, 10, "above 0% and below 100%");
  require_config_error(HM_HERE, with_objective("window = \"30d\"\n"), 8, 1, "missing required key \"target\"");
  // The default burn alerts look back 3 d; a shorter window needs its own.
  require_config_error(HM_HERE, with_objective("target = \"99.9%\"\nwindow = \"1d\"\n"), 10, 10,
                       "shorter than the default burn alerts' longest window (72h)");
  require_config_error(HM_HERE, with_objective("target = \"90%\"\n"), 9, 10,
                       "too low for the default burn alerts");
  const std::string alert = "target = \"99.9%\"\n[[flows.checkout.objective.burn_alerts]]\nseverity = \"critical\"\n";
  // A window shorter than a burn alert's long.
  require_config_error(HM_HERE, with_objective("target = \"99.9%\"\nwindow = \"1h\"\n"
                                               "[[flows.checkout.objective.burn_alerts]]\nseverity = \"critical\"\n"
                                               "factor = 14.4\nlong = \"2h\"\nshort = \"5m\"\n"),
                       14, 8, "long (2h) must not be longer than the objective's window (1h)");
  // short not shorter than long.
  require_config_error(HM_HERE, with_objective(alert + "factor = 14.4\nlong = \"1h\"\nshort = \"1h\"\n"), 14, 9,
                       "short (1h) must be shorter than long (1h)");
  // A factor that can never fire.
  require_config_error(HM_HERE, with_objective(alert + "factor = 1000\nlong = \"1h\"\nshort = \"5m\"\n"), 12, 10,
                       "can never fire at target 99.9%");
  require_config_error(HM_HERE, with_objective(alert + "factor = 14.4\nlong = \"1h\"\n"), 10, 1,
                       "missing required key \"short\"");
  require_config_error(HM_HERE, with_objective(alert + "factor = 2\nlong = \"1h\"\nshort = \"5m\"\nfor = \"1m\"\n"),
                       15, 1, "unknown key \"for\"");
  require_config_error(HM_HERE, with_objective("target = \"99.9%\"\nburn_alerts = []\n"), 10, 15,
                       "burn_alerts must not be empty");
}

TEST_CASE("trend without a red threshold, and misplaced rpo, are config errors", "[model][load][slo]") {
  require_config_error(HM_HERE, signal_with("  yellow_above = 0.5\n  trend = { window = \"30m\", horizon = \"4h\" }\n"),
                       8, 11, "trend needs a red threshold (red_above or red_below)");
  require_config_error(HM_HERE, signal_with("  red_above = 0.9\n  trend = { window = \"30m\" }\n"), 8, 11,
                       "missing required key \"horizon\"");
  require_config_error(HM_HERE,
                       "[components.backup]\n  [[components.backup.signals]]\n  id = \"nightly\"\n"
                       "  probe = \"heartbeat\"\n  rpo = \"26h\"\n  red_after = \"1d\"\n",
                       5, 9, "give \"rpo\" or \"red_after\", not both");
  require_config_error(HM_HERE,
                       "[components.backup]\n  [[components.backup.signals]]\n  id = \"nightly\"\n"
                       "  probe = \"heartbeat\"\n  period = \"1h\"\n  rpo = \"26h\"\n",
                       6, 9, "\"rpo\" applies to an unscheduled heartbeat");
  require_config_error(HM_HERE, with_objective("target = \"99.9%\"\n") + "[flows.x]\nsteps = [\"web\"]\nrto = 5\n",
                       12, 7, "rto");
}
