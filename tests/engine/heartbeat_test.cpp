// Heartbeats in the engine on a fake clock (SPEC 5a, 6.4): scheduled jobs that run on time,
// late, fail, hang, or never ran, and restarts in between. The clock starts at
// 2026-11-29T10:00:00Z (Sim::start); the nightly job below is due at 11:00 UTC every day.

#include <catch2/catch.hpp>

#include "tests/engine/sim.h"
#include "tests/support/world.h"

using namespace greenlight;
using namespace greenlight::model;
using namespace std::chrono_literals;
using greenlight::probes::PingKind;
using greenlight::test::require_model;
using greenlight::test::Sim;

namespace {

// A daily job at 11:00 UTC with 30 minutes of grace and at most an hour per run. The
// interval is long on purpose: deadlines must wake the engine, not polling.
constexpr const char* kNightly = R"(
[components.backup]
  [[components.backup.signals]]
  id = "nightly"
  probe = "heartbeat"
  interval = "1h"
  schedule = "0 11 * * *"
  grace = "30m"
  max_runtime = "1h"
)";

const SignalState& signal(Sim& sim) {
  return sim.engine().state().signals[*sim.engine().model().find_signal("backup", "nightly")];
}

Health health(Sim& sim) { return signal(sim).state; }

engine::HeartbeatView view(Sim& sim) {
  const auto snap = sim.engine().snapshot({sim.now(), {}});
  return snap->heartbeats.at(*sim.engine().model().find_signal("backup", "nightly"));
}

TimePoint at(Duration since_start) { return Sim::start() + since_start; }

}  // namespace

TEST_CASE("heartbeat: never pinged is unknown until the first run plus grace, then red", "[engine][heartbeat]") {
  Sim sim(require_model(HM_HERE, kNightly));
  sim.run_for(11s);  // the first round
  CHECK(health(sim) == Health::Unknown);
  CHECK(signal(sim).message.find("no heartbeat yet") != std::string::npos);
  CHECK(view(sim).next_expected == at(1h));
  sim.run_for(1h + 29min + 48s);  // 11:29:59: due at 11:00, grace until 11:30
  CHECK(health(sim) == Health::Unknown);
  const auto steps = sim.steps;
  sim.run_for(2s);  // the deadline wakes the engine up (its interval is an hour)
  CHECK(health(sim) == Health::Red);
  CHECK(sim.steps - steps <= 3);
  CHECK(view(sim).late_by >= 30min);
}

TEST_CASE("heartbeat: on time, late within grace, late past grace", "[engine][heartbeat]") {
  Sim sim(require_model(HM_HERE, kNightly));
  sim.run_for(1h + 1min);
  sim.heartbeat("backup", "nightly");  // 11:01: the run of today
  sim.step();
  CHECK(health(sim) == Health::Green);
  CHECK(view(sim).last_ping == sim.now());
  CHECK(view(sim).next_expected == at(25h));  // tomorrow 11:00
  sim.run_for(23h + 58min);                    // tomorrow 10:59
  CHECK(health(sim) == Health::Green);
  sim.run_for(11min);  // 11:10: late by about 10 minutes, within grace
  CHECK(health(sim) == Health::Yellow);
  CHECK(signal(sim).message.find("late by") != std::string::npos);
  CHECK(view(sim).late_by >= 9min);
  sim.run_for(21min);  // 11:31: past grace
  CHECK(health(sim) == Health::Red);
  sim.heartbeat("backup", "nightly");
  sim.step();
  CHECK(health(sim) == Health::Green);
  CHECK(view(sim).late_by == 0ms);
}

TEST_CASE("heartbeat: a failure ping is red at once with its body, a success clears it", "[engine][heartbeat]") {
  Sim sim(require_model(HM_HERE, kNightly));
  sim.run_for(1h);
  sim.heartbeat("backup", "nightly", PingKind::Start);
  sim.run_for(2min);
  sim.heartbeat("backup", "nightly", PingKind::Fail, "rsync: disk full");
  sim.step();
  CHECK(health(sim) == Health::Red);
  CHECK(signal(sim).message == "rsync: disk full");
  CHECK(signal(sim).value.value_or(0) == Approx(120.0).margin(0.1));  // the run time, start to finish
  sim.run_for(10min);
  CHECK(health(sim) == Health::Red);  // stays red until a run succeeds
  sim.heartbeat("backup", "nightly", PingKind::Fail, "", 3);
  sim.step();
  CHECK(signal(sim).message == "exit code 3");
  sim.heartbeat("backup", "nightly", PingKind::Success, "", 0);
  sim.step();
  CHECK(health(sim) == Health::Green);
}

TEST_CASE("heartbeat: a start without a finish within max_runtime is red, the run time is the value",
          "[engine][heartbeat]") {
  Sim sim(require_model(HM_HERE, kNightly));
  sim.run_for(1h);
  sim.heartbeat("backup", "nightly", PingKind::Start);  // 11:00
  sim.step();
  CHECK(health(sim) == Health::Green);
  CHECK(signal(sim).message.find("running since") != std::string::npos);
  sim.run_for(59min);
  CHECK(health(sim) == Health::Green);  // 11:59, still within max_runtime and not late
  sim.run_for(1min + 1s);               // 12:00:01
  CHECK(health(sim) == Health::Red);
  CHECK(signal(sim).message.find("max_runtime 1h") != std::string::npos);
  sim.run_for(5min);
  sim.heartbeat("backup", "nightly");  // it finished after all, slowly
  sim.step();
  CHECK(health(sim) == Health::Green);
  REQUIRE(signal(sim).value);
  CHECK(*signal(sim).value > 3900.0);
}

TEST_CASE("heartbeat: a period is due that long after the last ping", "[engine][heartbeat]") {
  Sim sim(require_model(HM_HERE, R"(
[components.backup]
  [[components.backup.signals]]
  id = "nightly"
  probe = "heartbeat"
  interval = "1h"
  period = "1h"
  grace = "10m"
)"));
  sim.run_for(20min);
  sim.heartbeat("backup", "nightly");  // 10:20
  sim.step();
  CHECK(view(sim).next_expected == sim.now() + 1h);
  sim.run_for(1h + 5min);  // 11:25
  CHECK(health(sim) == Health::Yellow);
  sim.run_for(6min);  // 11:31
  CHECK(health(sim) == Health::Red);
}

TEST_CASE("heartbeat: a restart keeps the first start, so a never-pinged heartbeat still turns red",
          "[engine][heartbeat]") {
  const auto m = require_model(HM_HERE, R"(
[components.backup]
  [[components.backup.signals]]
  id = "nightly"
  probe = "heartbeat"
  red_after = "1h"
)");
  Sim first(m);
  first.run_for(50min);
  CHECK(health(first) == Health::Unknown);
  REQUIRE(first.heartbeat_anchors.size() == 1);
  CHECK(first.heartbeat_anchors[0] == std::pair<std::string, TimePoint>{"backup/nightly", Sim::start()});

  // Restarted 50 minutes after the first start: the clock goes on, it is not reset.
  engine::Restored restored;
  restored.heartbeats["backup/nightly"].first_seen = Sim::start() - 50min;
  Sim second(m, restored);
  second.run_for(5min);
  CHECK(health(second) == Health::Unknown);
  CHECK(second.heartbeat_anchors.empty());  // nothing new to persist
  second.run_for(6min);
  CHECK(health(second) == Health::Red);
}

TEST_CASE("heartbeat: a restart between runs keeps the last ping and the schedule", "[engine][heartbeat]") {
  engine::Restored restored;
  probes::HeartbeatHistory& h = restored.heartbeats["backup/nightly"];
  h.first_seen = Sim::start() - 72h;
  probes::record_ping(h, PingKind::Start, std::nullopt, "", Sim::start() - 23h);        // yesterday 11:00
  probes::record_ping(h, PingKind::Success, std::nullopt, "", Sim::start() - 22h - 55min);  // 11:05
  Sim sim(require_model(HM_HERE, kNightly), restored);
  sim.run_for(11s);
  CHECK(health(sim) == Health::Green);
  CHECK(signal(sim).value.value_or(0) == Approx(300.0));
  CHECK(view(sim).next_expected == at(1h));
  sim.run_for(1h + 10min);
  CHECK(health(sim) == Health::Yellow);
  sim.run_for(21min);
  CHECK(health(sim) == Health::Red);
}
