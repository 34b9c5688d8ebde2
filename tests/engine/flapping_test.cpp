// Flapping (SPEC 6.1) end to end through Engine::step on a fake clock (tests/engine/sim.h):
// the issue's detection scenario (one HTTP signal at a 1 s interval, failures = 1, a
// webhook route), hysteresis, and restarts and reloads. The numbers come from Icinga 2's
// measure (model/flapping.h; tests/model/flapping_test.cpp checks them by hand): n changes
// in a row weigh (59n - n(n-1)/2) / 10 percent, so the 6th change in a row (33.9 %) is the
// first above 30 %, and 6 changes that age weigh 25.5 % after 14 unchanged results and
// 21.0 % after 15.

#include <algorithm>
#include <catch2/catch.hpp>

#include "model/flapping.h"
#include "tests/engine/sim.h"
#include "tests/support/world.h"

using namespace greenlight;
using namespace greenlight::model;
using namespace std::chrono_literals;
using greenlight::test::require_model;
using greenlight::test::Sim;

namespace {

// Checkout runs on web, whose one HTTP signal is probed every second and turns red at the
// first failure: the issue's detection benchmark. `extra` goes into the route, which sends
// each alert alone (group_by = ["..."]): these cases follow one alert's notices, which the
// default grouping by root cause would hold for the group's group_interval.
std::string config(const std::string& route_extra = "") {
  return R"(
[daemon]
interval = "1s"
[components.web]
  [[components.web.signals]]
  id = "http"
  probe = "http"
  url = "http://127.0.0.1:8080/checkout"
[components.search]
  [[components.search.signals]]
  id = "ping"
  probe = "tcp"
  target = "127.0.0.1:9200"
[flows.checkout]
criticality = "high"
steps = ["web"]
[flows.find]
criticality = "high"
steps = ["search"]
[alerting.receivers.hook]
type = "webhook"
url = "http://127.0.0.1:9099/hook"
[[alerting.routes]]
receiver = "hook"
group_by = ["..."]
)" + route_extra;
}

std::shared_ptr<const Model> model_of(const std::string& route_extra = "") {
  return require_model(HM_HERE, config(route_extra));
}

// "reason severity" of every notification about flow/checkout from the `from`-th on.
std::vector<std::string> checkout(const Sim& sim, std::size_t from = 0) {
  std::vector<std::string> out;
  for (std::size_t i = from; i < sim.notifications.size(); ++i) {
    const auto& n = sim.notifications[i];
    if (n.alert_id == "flow/checkout") {
      out.push_back(std::string(alerting::to_string(n.reason)) + " " + std::string(to_string(n.severity)));
    }
  }
  return out;
}

const alerting::Alert& alert(Sim& sim, const std::string& id) {
  const auto i = sim.engine().alerts().find(id);
  REQUIRE(i.has_value());
  return sim.engine().alerts().alerts()[*i];
}

const SignalState& web(Sim& sim) { return sim.engine().state().signals[*sim.engine().model().find_signal("web", "http")]; }

// One result of web/http (the probe runs once a second): red or green.
void result(Sim& sim, bool red) {
  if (red) {
    sim.fail("web/http", "HTTP 500");
  } else {
    sim.pass("web/http");
  }
  sim.run_for(1s);
}

}  // namespace

TEST_CASE("flapping: 20 alternating results tell that it flaps once, and its settling once",
          "[engine][flapping]") {
  SECTION("with group_wait = 10s: at most 2 notifications") {
    // The short firings before the measure passes 30 % are still held for the group and
    // resolve before they are sent, so neither goes out.
    Sim sim(model_of("group_wait = \"10s\"\n"));
    sim.run_for(1min);
    for (int i = 0; i < 20; ++i) result(sim, i % 2 == 0);
    CHECK(alert(sim, "flow/checkout").flapping);
    sim.run_for(1min);  // green from then on: it settles
    CHECK_FALSE(alert(sim, "flow/checkout").flapping);
    CHECK(checkout(sim).size() <= 2);
    CHECK(web(sim).flap.changes == 0);
  }
  SECTION("with group_wait = 0: the 5 changes before the measure passes 30 %, then 1 + 1") {
    // Icinga's measure needs 6 changes in a row to pass 30 % (5 weigh 28.5 %): the first 5
    // are ordinary changes and are told as such. Then one "flapping", nothing for the
    // remaining 14 alternations, and the resolve when it settles green.
    Sim sim(model_of());
    sim.run_for(1min);
    for (int i = 0; i < 5; ++i) result(sim, i % 2 == 0);
    CHECK_FALSE(alert(sim, "flow/checkout").flapping);
    CHECK(flapping_percent(web(sim).flap.changes) == Approx(28.5));
    result(sim, false);  // the 6th change
    CHECK(flapping_percent(web(sim).flap.changes) == Approx(33.9));
    CHECK(alert(sim, "flow/checkout").flapping);
    for (int i = 6; i < 20; ++i) result(sim, i % 2 == 0);
    const std::vector<std::string> alternating{"firing critical",   "resolved critical", "firing critical",
                                               "resolved critical", "firing critical",   "flapping critical"};
    CHECK(checkout(sim) == alternating);
    sim.run_for(1min);
    auto settled = alternating;
    settled.push_back("resolved critical");
    CHECK(checkout(sim) == settled);
    CHECK(sim.logged("alert").size() >= settled.size());
  }
}

TEST_CASE("flapping: three outages of 60 results each within 10 minutes give three pages and three resolves",
          "[engine][flapping]") {
  // The issue's detection benchmark: the target returns 500 for a few seconds at a time
  // (it flaps), then for a minute at a time. The old rule ("more than 6 changes in 10
  // minutes") held the third outage, red for 63 results, and paged nobody.
  Sim sim(model_of());
  sim.run_for(1min);
  for (int blip = 0; blip < 4; ++blip) {
    for (int i = 0; i < 3; ++i) result(sim, true);
    for (int i = 0; i < 3; ++i) result(sim, false);
  }
  CHECK(alert(sim, "flow/checkout").flapping);  // 8 changes, 3 results apart: 35 %
  const auto blips = checkout(sim);
  CHECK(std::count(blips.begin(), blips.end(), "flapping critical") == 1);
  const std::size_t before = sim.notifications.size();
  std::vector<Duration> paged_after;  // into each outage
  for (int outage = 0; outage < 3; ++outage) {
    const TimePoint start = sim.now();
    const std::size_t at_start = sim.notifications.size();
    for (int i = 0; i < 60; ++i) {
      result(sim, true);
      if (paged_after.size() == static_cast<std::size_t>(outage) && checkout(sim, at_start).size() == 1) {
        paged_after.push_back(std::chrono::duration_cast<Duration>(sim.now() - start));
      }
    }
    for (int i = 0; i < 60; ++i) result(sim, false);
  }
  CHECK(sim.elapsed() < 10min);
  CHECK(checkout(sim, before) == std::vector<std::string>{"firing critical", "resolved critical", "firing critical",
                                                          "resolved critical", "firing critical",
                                                          "resolved critical"});
  // The first outage settles the flapping within 20 results (here 5: the blips' changes
  // age out); the next two page at their first red result.
  REQUIRE(paged_after.size() == 3);
  CHECK(paged_after[0] <= 20s);
  CHECK(paged_after[1] <= 1s);
  CHECK(paged_after[2] <= 1s);
  CHECK_FALSE(alert(sim, "flow/checkout").flapping);
  // The flapping notice and the settled firing of the first outage are one incident: one
  // dedup key.
  std::vector<std::string> keys;
  for (const auto& n : sim.notifications) {
    if (n.alert_id == "flow/checkout") keys.push_back(n.record.at("dedup_key"));
  }
  const auto flapping = std::find(blips.begin(), blips.end(), "flapping critical") - blips.begin();
  REQUIRE(static_cast<std::size_t>(flapping) + 1 < keys.size());
  CHECK(keys[flapping] == keys[flapping + 1]);
}

TEST_CASE("flapping: above 30 % starts, between 25 and 30 % holds, no longer above 25 % stops",
          "[engine][flapping]") {
  Sim sim(model_of());
  sim.run_for(1min);
  // 5 changes in a row: 28.5 %, below high: not flapping.
  for (int i = 0; i < 5; ++i) result(sim, i % 2 == 0);
  CHECK(flapping_percent(web(sim).flap.changes) == Approx(28.5));
  CHECK_FALSE(web(sim).flap.flapping);
  CHECK_FALSE(alert(sim, "flow/checkout").flapping);
  // The 6th: 33.9 %, above high: flapping.
  result(sim, false);
  CHECK(web(sim).flap.flapping);
  CHECK(alert(sim, "flow/checkout").flapping);
  // Green from then on: the six changes age. After 14 more results 25.5 %, between low and
  // high: still flapping; and the alert with it, although checkout is green.
  for (int i = 0; i < 14; ++i) result(sim, false);
  CHECK(flapping_percent(web(sim).flap.changes) == Approx(25.5));
  CHECK(web(sim).flap.flapping);
  CHECK(alert(sim, "flow/checkout").flapping);
  CHECK(sim.flow("checkout") == Health::Green);
  const std::size_t held = sim.notifications.size();
  // The 15th: 21.0 %, no longer above low: it settles, and the resolve goes out.
  result(sim, false);
  CHECK(flapping_percent(web(sim).flap.changes) == Approx(21.0));
  CHECK_FALSE(web(sim).flap.flapping);
  // No state changed, so the alert learns it at the next alert pass, within a second.
  sim.run_for(1s);
  CHECK_FALSE(alert(sim, "flow/checkout").flapping);
  CHECK(checkout(sim, held) == std::vector<std::string>{"resolved critical"});
}

TEST_CASE("flapping: a signal that flaps makes only the alerts it explains flap", "[engine][flapping]") {
  Sim sim(model_of());
  sim.fail("search/ping");  // find is red all along, for its own steady reason
  sim.run_for(1min);
  for (int i = 0; i < 10; ++i) result(sim, i % 2 == 0);
  CHECK(alert(sim, "flow/checkout").flapping);
  CHECK_FALSE(alert(sim, "flow/find").flapping);
  // Both flows are told; find once, as an ordinary firing.
  std::size_t find = 0;
  for (const auto& n : sim.notifications) find += n.alert_id == "flow/find";
  CHECK(find == 1);
}

TEST_CASE("flapping: a restart or a reload does not make anything flap", "[engine][flapping][restart][reload]") {
  SECTION("a start: unknown until the first results, which are not changes") {
    Sim sim(model_of());
    sim.fail("search/ping");
    sim.run_for(1min);
    for (const SignalState& s : sim.engine().state().signals) CHECK(s.flap.changes == 0);
    for (const alerting::Alert& a : sim.engine().alerts().alerts()) CHECK_FALSE(a.flapping);
  }
  SECTION("a restart with restored state and firings told before it") {
    engine::Restored restored;
    restored.told.push_back({"flow/find", "hook", Severity::Critical, Sim::start() - 10min, Sim::start() - 9min, ""});
    Sim sim(model_of(), std::move(restored));
    sim.fail("search/ping");
    sim.run_for(1min);
    for (const alerting::Alert& a : sim.engine().alerts().alerts()) CHECK_FALSE(a.flapping);
    CHECK(sim.notifications.empty());  // still red: no second page
  }
  SECTION("reloads, one a second for 30 s: nothing changes state, nothing flaps") {
    Sim sim(model_of());
    sim.run_for(1min);
    for (int i = 0; i < 30; ++i) {
      sim.reload(model_of());
      sim.run_for(1s);
    }
    for (const SignalState& s : sim.engine().state().signals) CHECK(s.flap.changes == 0);
    for (const alerting::Alert& a : sim.engine().alerts().alerts()) CHECK_FALSE(a.flapping);
    CHECK(sim.notifications.empty());
  }
  SECTION("a reload while it flaps: it goes on flapping, with nothing new to tell") {
    Sim sim(model_of());
    sim.run_for(1min);
    for (int i = 0; i < 8; ++i) result(sim, i % 2 == 0);
    REQUIRE(alert(sim, "flow/checkout").flapping);
    const std::size_t told = sim.notifications.size();
    sim.reload(model_of());
    result(sim, false);
    CHECK(web(sim).flap.flapping);
    CHECK(alert(sim, "flow/checkout").flapping);
    CHECK(alert(sim, "flow/checkout").told_flapping);
    CHECK(sim.notifications.size() == told);
    sim.run_for(1min);
    CHECK(checkout(sim, told) == std::vector<std::string>{"resolved critical"});
  }
}
