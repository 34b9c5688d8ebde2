// Objectives on a fake clock (SPEC 6.2): burn alerts as real alerts with the flow's
// root_cause, trending yellow for flows and for numeric signals, RTO escalation, and
// histories kept across a reload and a restart.

#include <catch2/catch.hpp>

#include <regex>

#include "engine/objectives.h"
#include "engine/trends.h"
#include "tests/engine/sim.h"
#include "tests/support/world.h"

using namespace greenlight;
using namespace greenlight::model;
using namespace std::chrono_literals;
using greenlight::test::require_model;
using greenlight::test::Sim;
using greenlight::test::World;

namespace {

constexpr const char* kShop = R"(
[components.db]
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
  interval = "1s"
[components.api]
depends_on = ["db"]
  [[components.api.signals]]
  id = "health"
  probe = "http"
  url = "http://127.0.0.1:8082/health"
  interval = "1s"
[flows.checkout]
criticality = "high"
steps = ["api"]
[flows.checkout.objective]
target = "99.9%"
window = "30d"
[alerting.receivers.oncall]
type = "webhook"
url = "http://127.0.0.1:9099/hook"
[[alerting.routes]]
receiver = "oncall"
)";

const alerting::Alert& alert(Sim& sim, const std::string& id) {
  const auto i = sim.engine().alerts().find(id);
  REQUIRE(i);
  return sim.engine().alerts().alerts()[*i];
}

// The objectives of a model whose flow "checkout" follows web/http, stepped by hand:
// `bad_every` seconds, one second red, for `duration`, evaluated every 10 s. Returns
// what fired at any time, by severity ("critical", "warning").
struct Burn {
  bool critical = false, warning = false;
  std::string trend;
};
Burn steady_burn(std::chrono::seconds bad_every, Duration duration) {
  const auto m = require_model(HM_HERE, R"(
[components.web]
  [[components.web.signals]]
  id = "http"
  probe = "tcp"
  target = "127.0.0.1:80"
[flows.checkout]
steps = ["web"]
[flows.checkout.objective]
target = "99.9%"
)");
  World w(m);
  w.all_green();
  engine::Objectives objectives(*m, w.state(), w.now());
  Burn burn;
  for (std::int64_t s = 1; s * 1000 <= duration.count(); ++s) {
    w.advance(1s);
    const bool bad = s % bad_every.count() == 0;
    objectives.record(w.set("web", "http", bad ? Health::Red : Health::Green), w.now());
    if (s % 10 != 0) continue;
    objectives.evaluate(*m, w.now());
    burn.critical = burn.critical || objectives.burns().at(0).burning;
    burn.warning = burn.warning || objectives.burns().at(1).burning;
    if (burn.trend.empty()) burn.trend = objectives.trend(0);
  }
  return burn;
}

}  // namespace

TEST_CASE("objectives: a full outage fires the 14.4x burn alert in about 52 s and it resolves 5 min after",
          "[engine][slo]") {
  // Seven hours of green history (as restored from state_dir), so that the 6 h window is
  // full and only the 14.4x pair can fire.
  const auto m = require_model(HM_HERE, kShop);
  World w(m);
  w.all_green();
  engine::Objectives history(*m, w.state(), Sim::start() - 7h);
  history.evaluate(*m, Sim::start());
  engine::Restored restored;
  restored.slo = history.to_file(*m);
  Sim sim(m, std::move(restored));
  sim.run_for(1min);
  REQUIRE(alert(sim, "slo/checkout/critical").status == alerting::AlertStatus::Inactive);
  sim.fail("db/tcp");
  sim.run_for(2s);
  REQUIRE(sim.flow("checkout") == Health::Red);
  const TimePoint red_at = sim.now();
  while (alert(sim, "slo/checkout/critical").status != alerting::AlertStatus::Firing && sim.now() - red_at < 5min) {
    sim.run_for(1s);
  }
  const auto fired_after = sim.now() - red_at;
  CHECK(fired_after >= 50s);
  CHECK(fired_after <= 60s);  // theory: 3,600 s x 14.4 x 0.1 % = 51.8 s
  const alerting::Alert& burn = alert(sim, "slo/checkout/critical");
  CHECK(burn.severity == Severity::Critical);
  CHECK(burn.note.find("error budget burning at") == 0);
  // One incident: the burn alert carries the red flow's root cause.
  CHECK(burn.labels.at("root_cause") == "db");
  CHECK(burn.labels.at("root_cause") == alert(sim, "flow/checkout").labels.at("root_cause"));
  CHECK(burn.labels.at("slo") == "checkout");
  CHECK(burn.labels.at("flow") == "checkout");

  sim.pass("db/tcp");
  sim.run_for(2s);
  // Not red; yellow while the 1x warning pair (3d and 6h) burns: 53 s of red is 2.5x
  // the budget's pace over 6 h.
  REQUIRE(sim.flow("checkout") == Health::Yellow);
  CHECK(describe_flow(sim.engine().model(), sim.engine().state(), 0).find("error budget burning at 2.") == 0);
  const TimePoint green_at = sim.now();
  while (alert(sim, "slo/checkout/critical").status == alerting::AlertStatus::Firing && sim.now() - green_at < 10min) {
    sim.run_for(1s);
  }
  const auto resolved_after = sim.now() - green_at;
  CHECK(resolved_after >= 4min);
  CHECK(resolved_after <= 5min + 15s);
  // It went through the routes: someone was told of it, and told it resolved.
  sim.run_for(6min);  // the group's next notification (group_interval 5m) carries the resolve
  const auto sent = sim.sent();
  for (const auto& s : sent) UNSCOPED_INFO(s);
  CHECK(std::count(sent.begin(), sent.end(), "oncall resolved slo/checkout/critical") == 1);
}

TEST_CASE("objectives: a steady 0.7 % of bad time fires the 6x pair, 0.5 % pages nobody", "[engine][slo]") {
  // One bad second in every 143 (0.70 %) and in every 200 (0.50 %), for 6 h 40 m.
  const Burn seven = steady_burn(143s, 400min);
  CHECK(seven.critical);
  const Burn five = steady_burn(200s, 400min);
  CHECK_FALSE(five.critical);
  // Both burn the budget 5-7 times too fast over 1 d and 2 h: the warning pair fires, and
  // the flow trends yellow.
  CHECK(five.warning);
  CHECK(std::regex_search(five.trend, std::regex("^error budget burning at [45]\\.\\d\u00d7 over 1d$")));
}

TEST_CASE("objectives: a flow otherwise green is yellow while its warning burn alert fires", "[engine][slo]") {
  World w(require_model(HM_HERE, kShop));
  w.all_green();
  const auto changes = set_flow_trend(w.model(), w.state(), 0, "error budget burning at 3.2\u00d7 over 1d", w.now());
  REQUIRE(changes.flows.size() == 1);
  CHECK(w.flow("checkout") == Health::Yellow);
  CHECK(describe_flow(w.model(), w.state(), 0) == "error budget burning at 3.2\u00d7 over 1d");
  CHECK(w.flow_root_causes("checkout").empty());
  w.set("db", "tcp", Health::Red);  // red wins; the trend waits underneath
  CHECK(w.flow("checkout") == Health::Red);
  w.set("db", "tcp", Health::Green);
  CHECK(w.flow("checkout") == Health::Yellow);
  set_flow_trend(w.model(), w.state(), 0, "", w.now());
  CHECK(w.flow("checkout") == Health::Green);
}

TEST_CASE("objectives: a value rising linearly turns its signal yellow before red, saying when", "[engine][slo]") {
  Sim sim(require_model(HM_HERE, R"(
[components.disk]
  [[components.disk.signals]]
  id = "used"
  probe = "exec"
  command = ["/bin/true"]
  interval = "1m"
  red_above = 0.9
  trend = { window = "30m", horizon = "4h" }
[flows.backups]
steps = ["disk"]
)"));
  // 0.30 + 0.001 a minute: red (0.9) after 600 minutes; the horizon is 4 h.
  std::optional<Duration> yellow_at;
  std::string message;
  for (int minute = 0; minute < 600; ++minute) {
    sim.pass("disk/used", 0.30 + 0.001 * minute);
    sim.run_for(1min);
    if (!yellow_at && sim.engine().state().signals[0].state == Health::Yellow) {
      yellow_at = sim.elapsed();
      message = sim.engine().state().signals[0].message;
    }
  }
  REQUIRE(yellow_at);
  CHECK(*yellow_at < 600min);
  CHECK(*yellow_at >= 600min - 4h - 2min);  // not long before the horizon reaches red
  // "reaches red_above 0.9 in about 3h59m": within 10 % of the truth.
  std::smatch match;
  INFO(message);
  REQUIRE(std::regex_search(message, match, std::regex("reaches red_above 0\\.9 in about (\\d+)h(?:(\\d+)m)?")));
  const auto said = std::chrono::hours(std::stoi(match[1])) +
                    std::chrono::minutes(match[2].matched ? std::stoi(match[2]) : 0);
  const auto truth = 600min - *yellow_at;
  CHECK(std::abs((said - truth).count()) <= truth.count() / 10);
  CHECK(sim.flow("backups") == Health::Yellow);
}

TEST_CASE("objectives: the least-squares crossing is exact for a straight line and absent when heading away",
          "[engine][slo]") {
  std::deque<std::pair<std::int64_t, double>> up, down;
  for (int i = 0; i < 10; ++i) {
    up.emplace_back(i * 60'000, 0.5 + 0.01 * i);
    down.emplace_back(i * 60'000, 0.5 - 0.01 * i);
  }
  Thresholds th;
  th.red_above = 0.9;
  const auto c = engine::trend_crossing(up, th, TimePoint(Duration(9 * 60'000)));
  REQUIRE(c);
  CHECK(c->in == 31min);  // 0.59 -> 0.9 at 0.01 a minute
  CHECK(engine::describe_crossing(*c) == "reaches red_above 0.9 in about 31m");
  CHECK_FALSE(engine::trend_crossing(down, th, TimePoint(Duration(9 * 60'000))));
  th.red_below = 0.2;
  const auto below = engine::trend_crossing(down, th, TimePoint(Duration(9 * 60'000)));
  REQUIRE(below);
  CHECK_FALSE(below->above);
  CHECK(below->in == 21min);
}

TEST_CASE("objectives: an incident longer than the flow's RTO escalates to critical", "[engine][slo]") {
  Sim sim(require_model(HM_HERE, R"(
[components.db]
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
  interval = "5s"
[flows.reports]
criticality = "medium"
steps = ["db"]
rto = "15m"
[alerting.receivers.oncall]
type = "webhook"
url = "http://127.0.0.1:9099/hook"
[[alerting.routes]]
receiver = "oncall"
group_by = ["..."]
)"));
  sim.run_for(10s);
  sim.fail("db/tcp");
  sim.run_for(1min);
  CHECK(alert(sim, "flow/reports").severity == Severity::Error);
  CHECK(alert(sim, "flow/reports").note.empty());
  sim.run_for(20min);
  CHECK(alert(sim, "flow/reports").severity == Severity::Critical);
  CHECK(alert(sim, "flow/reports").note == "RTO of 15m exceeded");
  const auto sent = sim.sent();
  CHECK(std::count(sent.begin(), sent.end(), "oncall severity_change flow/reports") == 1);
}

TEST_CASE("objectives: histories survive a reload that keeps them and a restart, not a corrupt file",
          "[engine][slo]") {
  const auto m = require_model(HM_HERE, kShop);
  World w(m);
  w.all_green();
  engine::Objectives before(*m, w.state(), w.now());
  w.advance(1h);
  before.record(w.set("db", "tcp", Health::Red), w.now());
  w.advance(10min);
  before.evaluate(*m, w.now());
  const double budget = before.history(0).budget_remaining();
  REQUIRE(budget < 0);  // 10 minutes of a 43-minute budget... over 70 minutes measured

  // A reload with the same objective (another target: the same shape) keeps it.
  std::string changed = kShop;
  changed.replace(changed.find("99.9%"), 5, "99.5%");
  const auto m2 = require_model(HM_HERE, changed);
  engine::Objectives after;
  after.carry_over(*m, std::move(before), *m2, w.state(), w.now());
  CHECK(after.history(0).totals(30 * 24h).bad == 10 * 60'000);
  CHECK(after.history(0).burn_rate(1h) == Approx((10.0 / 60) / 0.005).epsilon(0.01));  // 1h: 59m50s-1h

  // A restart: the file's history, restored within one bucket; the time down is unknown.
  const std::string file = after.to_file(*m2);
  CHECK(engine::Objectives::valid_file(file));
  w.advance(30min);
  engine::Objectives restarted(*m2, w.state(), w.now());
  CHECK(restarted.restore(*m2, file, w.now()) == 1u);
  CHECK(restarted.history(0).totals(30 * 24h).measured == 70 * 60'000);
  std::string corrupt = file;
  corrupt[corrupt.size() / 2] ^= 1;
  CHECK_FALSE(engine::Objectives::valid_file(corrupt));
  CHECK_FALSE(restarted.restore(*m2, corrupt, w.now()));
  CHECK_FALSE(restarted.restore(*m2, "{\"json\": true}", w.now()));
}

TEST_CASE("objectives: the same outage as promtool's fires the same burn alerts", "[engine][slo]") {
  // tests/data/slo_promtool_test.yml: green for 6 h, then red (its first red sample, at
  // 6h10s, stands for the 10 s before it).
  const auto m = require_model(HM_HERE, kShop);
  World w(m);
  w.all_green();
  engine::Objectives objectives(*m, w.state(), w.now());
  const TimePoint t0 = w.now();
  w.advance(6h);
  objectives.record(w.set("db", "tcp", Health::Red), w.now());
  const auto at = [&](Duration t) {
    objectives.evaluate(*m, t0 + t);
    return std::make_pair(objectives.burns().at(0).burning, objectives.burns().at(1).burning);
  };
  CHECK(at(6h + 40s) == std::make_pair(false, true));    // 1x over 3d and 6h only
  CHECK(at(6h + 60s) == std::make_pair(true, true));     // and 14.4x over 1h and 5m
}

TEST_CASE("objectives: a reload through the engine keeps an unchanged objective's history, not a reshaped one",
          "[engine][slo]") {
  Sim sim(require_model(HM_HERE, kShop));
  sim.run_for(10s);
  sim.fail("db/tcp");
  sim.run_for(20s);
  sim.pass("db/tcp");
  sim.run_for(10s);
  const auto bad = sim.engine().objectives().history(0).totals(1h).bad;
  REQUIRE(bad >= 19'000);
  std::string retargeted = kShop;
  retargeted.replace(retargeted.find("99.9%"), 5, "99.99%");
  sim.reload(require_model(HM_HERE, retargeted));
  sim.run_for(2s);
  CHECK(sim.engine().objectives().history(0).totals(1h).bad == bad);
  CHECK(sim.engine().objectives().history(0).objective().target == Approx(0.9999));
  std::string reshaped = kShop;
  reshaped.replace(reshaped.find("\"30d\""), 5, "\"7d\"");
  sim.reload(require_model(HM_HERE, reshaped));
  sim.run_for(2s);
  CHECK(sim.engine().objectives().history(0).totals(1h).bad == 0);
}
