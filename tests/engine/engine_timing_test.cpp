// Everything in the daemon that is about time, end to end through Engine::step on a fake
// clock (tests/engine/sim.h): the alert lifecycle, group_wait and group_interval,
// reminders, silences, flapping, suppression, self-healing actions, unknown, and a
// restart. Each case is a timeline; probes answer at once, so a state change is seen at
// the signal's next slot (within its interval, 5s here), and the alert pass runs at least
// once a second: a decision due at time t goes out in [t, t + 1s].

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <set>

#include "tests/engine/sim.h"
#include "tests/support/world.h"

using namespace greenlight;
using namespace greenlight::model;
using namespace std::chrono_literals;
using greenlight::test::require_model;
using greenlight::test::Sim;

namespace {

// db <- api <- checkout (high) and browse (medium); search <- find (low). Receivers and
// routes are appended per case (see shop()).
constexpr const char* kShop = R"(
[daemon]
interval = "5s"
[components.db]
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
[components.api]
depends_on = ["db"]
  [[components.api.signals]]
  id = "health"
  probe = "http"
  url = "http://127.0.0.1:8082/health"
  yellow_above = 0.3
  red_above = 1.0
[components.search]
  [[components.search.signals]]
  id = "ping"
  probe = "tcp"
  target = "127.0.0.1:9200"
[flows.checkout]
criticality = "high"
steps = ["api"]
[flows.browse]
criticality = "medium"
steps = ["api"]
[flows.find]
criticality = "low"
steps = ["search"]
)";

constexpr const char* kOncall = R"(
[alerting.receivers.oncall]
type = "webhook"
url = "http://127.0.0.1:9099/hook"
)";

// Each alert alone (group_by = ["..."]): these cases follow one alert's timeline; the
// default grouping by root cause is tests/engine/incidents_test.cpp's.
constexpr const char* kToOncall = R"(
[[alerting.routes]]
receiver = "oncall"
group_by = ["..."]
)";

// The shop, its oncall receiver, and `extra` (routes, flapping, actions).
std::shared_ptr<const Model> shop(const std::string& extra = kToOncall) {
  return require_model(HM_HERE, std::string(kShop) + kOncall + extra);
}

// What api's probe answers from now on: "ok" (10ms), "slow" (500ms: yellow), "down" (red).
void api(Sim& sim, const std::string& how) {
  if (how == "down") {
    sim.fail("api/health", "HTTP 500");
  } else {
    sim.pass("api/health", how == "slow" ? 0.5 : 0.01);
  }
}

std::string line(const alerting::Notification& n) {
  return n.receiver + " " + std::string(alerting::to_string(n.reason)) + " " + std::string(to_string(n.severity)) +
         " " + n.alert_id;
}

// "receiver reason severity alert_id" of every notification from the `from`-th on.
std::vector<std::string> told_since(const Sim& sim, std::size_t from = 0) {
  std::vector<std::string> out;
  for (std::size_t i = from; i < sim.notifications.size(); ++i) out.push_back(line(sim.notifications[i]));
  return out;
}

// The same, about one alert.
std::vector<std::string> told_about(const Sim& sim, const std::string& alert_id) {
  std::vector<std::string> out;
  for (const auto& n : sim.notifications) {
    if (n.alert_id == alert_id) out.push_back(line(n));
  }
  return out;
}

// Indexes into sim.notifications of the notifications about `alert_id`.
std::vector<std::size_t> sends_of(const Sim& sim, const std::string& alert_id) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < sim.notifications.size(); ++i) {
    if (sim.notifications[i].alert_id == alert_id) out.push_back(i);
  }
  return out;
}

// When `component` last changed state.
TimePoint since(Sim& sim, const std::string& component) {
  return sim.engine().state().components[*sim.engine().model().find_component(component)].since;
}

const alerting::Alert& alert(Sim& sim, const std::string& id) {
  for (const alerting::Alert& a : sim.engine().alerts().alerts()) {
    if (a.id == id) return a;
  }
  FAIL("no alert " << id);
  throw;
}

alerting::Silence silence(const std::string& label, const std::string& value, TimePoint from, TimePoint to) {
  return {"s1", {{label, value}}, from, to, "alice", "maintenance"};
}

}  // namespace

// ---- lifecycle -------------------------------------------------------------------------

TEST_CASE("engine: an alert fires, follows its severity yellow <-> red, and resolves, once each",
          "[engine][timing][lifecycle]") {
  Sim sim(shop());
  sim.run_for(10s);
  struct Step {
    const char* api;                    // what api's probe answers for the next 30s
    std::vector<std::string> expected;  // what went out meanwhile
  };
  const Step steps[] = {
      {"ok", {}},                                               // all green: quiet
      {"slow", {"oncall firing info flow/browse",                // yellow: medium x yellow = info,
                "oncall firing warning flow/checkout"}},         //         high x yellow = warning
      {"slow", {}},                                              // no news, no notification
      {"down", {"oncall severity_change error flow/browse",      // red: error,
                "oncall severity_change critical flow/checkout"}},  //   critical
      {"slow", {"oncall severity_change info flow/browse",       // back to yellow
                "oncall severity_change warning flow/checkout"}},
      {"ok", {"oncall resolved info flow/browse",                // green: resolved, at the
              "oncall resolved warning flow/checkout"}},         // severity last told
      {"ok", {}},
  };
  for (const Step& s : steps) {
    INFO("api " << s.api << " from +" << sim.elapsed().count() << "ms");
    api(sim, s.api);
    const std::size_t from = sim.notifications.size();
    sim.run_for(30s);
    CHECK(told_since(sim, from) == s.expected);
  }
  CHECK(sim.logged("alert").size() == 8);  // one log line per notice
}

TEST_CASE("engine: the resolve goes to every receiver told of the firing, even after a reload changed the routes",
          "[engine][timing][lifecycle][reload]") {
  constexpr const char* kOther = R"(
[alerting.receivers.other]
type = "webhook"
url = "http://127.0.0.1:9098/hook"
)";
  const std::string to_other = std::string(kOther) + "[[alerting.routes]]\nreceiver = \"other\"\n";
  struct Case {
    const char* what;
    std::string after;  // the reloaded config
  };
  const Case cases[] = {
      // The routes now send everything to "other".
      {"routes changed", std::string(kShop) + kOncall + to_other},
      // oncall is gone from the config altogether (the runtime delivers with its old settings).
      {"receiver removed", std::string(kShop) + to_other},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Sim sim(shop(std::string(kOther) + kToOncall));
    sim.run_for(10s);
    sim.fail("db/tcp");
    sim.run_for(10s);
    REQUIRE(told_about(sim, "flow/checkout") == std::vector<std::string>{"oncall firing critical flow/checkout"});
    sim.reload(require_model(HM_HERE, c.after));
    sim.run_for(30s);  // still red: nothing new to tell anyone
    CHECK(told_about(sim, "flow/checkout").size() == 1);
    sim.pass("db/tcp");
    sim.run_for(10s);
    CHECK(told_about(sim, "flow/checkout") == std::vector<std::string>{"oncall firing critical flow/checkout",
                                                                      "oncall resolved critical flow/checkout"});
    sim.run_for(5min);
    CHECK(told_about(sim, "flow/checkout").size() == 2);
  }
}

// ---- grouping --------------------------------------------------------------------------

TEST_CASE("engine: an outage on a grouped route goes out as one batch after group_wait, later changes wait for "
          "the group's next group_interval tick",
          "[engine][timing][group]") {
  Sim sim(shop(R"(
[[alerting.routes]]
receiver = "oncall"
group_by = ["kind"]
group_wait = "30s"
group_interval = "5m"
)"));
  sim.run_for(10s);
  // The database fails: checkout and browse turn red at the same probe.
  sim.fail("db/tcp");
  sim.run_for(6s);
  REQUIRE(sim.flow("checkout") == Health::Red);
  const TimePoint red = since(sim, "api");
  CHECK(sim.notifications.empty());  // held for group_wait
  CHECK(sim.engine().dispatcher().held() == 2);
  sim.run_for(red + 29s - sim.now());
  CHECK(sim.notifications.empty());
  sim.run_for(red + 32s - sim.now());
  REQUIRE(told_since(sim) == std::vector<std::string>{"oncall firing error flow/browse",
                                                      "oncall firing critical flow/checkout"});
  const alerting::Notification first = sim.notifications[0];  // a copy: the vector grows
  const TimePoint batch = first.not_before;
  CHECK(first.created_at == red);
  CHECK(batch == red + 30s);
  for (std::size_t i = 0; i < 2; ++i) {
    INFO(sim.notifications[i].alert_id);
    CHECK(sim.notifications[i].group_key == first.group_key);  // one batch: one request
    CHECK(sim.notifications[i].not_before == batch);
    CHECK(sim.sent_at[i] == sim.sent_at[0]);
    CHECK(sim.sent_at[i] - batch <= 1s);
  }
  CHECK_FALSE(first.group_key.empty());

  // A minute later search fails: find joins the group, and waits for its next tick, one
  // group_interval after the first batch.
  sim.run_for(1min);
  sim.fail("search/ping");
  sim.run_for(batch + 5min - 2s - sim.now());
  CHECK(told_since(sim, 2).empty());
  sim.run_for(4s);
  REQUIRE(told_since(sim, 2) == std::vector<std::string>{"oncall firing warning flow/find"});
  CHECK(sim.notifications[2].not_before == batch + 5min);
  CHECK(sim.notifications[2].group_key == first.group_key);

  // Everything recovers a minute after that: the group's resolve does not wait for its
  // next tick (batch + 10min): the three resolves go together once the last is seen.
  sim.run_for(1min);
  const TimePoint recovery = sim.now();
  sim.pass("db/tcp");
  sim.pass("search/ping");
  sim.run_for(7s);
  auto resolves = told_since(sim, 3);
  std::sort(resolves.begin(), resolves.end());  // in the order the probes saw the recoveries
  CHECK(resolves == std::vector<std::string>{"oncall resolved critical flow/checkout",
                                             "oncall resolved error flow/browse",
                                             "oncall resolved warning flow/find"});
  for (std::size_t i = 3; i < sim.notifications.size(); ++i) {
    INFO(sim.notifications[i].alert_id);
    CHECK(sim.notifications[i].not_before < batch + 10min);
    CHECK(sim.sent_at[i] == sim.sent_at[3]);
    CHECK(sim.sent_at[i] - recovery <= 6s);  // the probes' next slots (5s), then the next pass
  }
}

// ---- reminders -------------------------------------------------------------------------

TEST_CASE("engine: a firing alert is repeated every repeat_interval, and to Alertmanager every minute, until it "
          "resolves",
          "[engine][timing][repeat]") {
  Sim sim(shop(R"(
[alerting.receivers.am]
type = "alertmanager"
url = "http://127.0.0.1:9093"
[[alerting.routes]]
receiver = "oncall"
match = { flow = "checkout" }
repeat_interval = "3m"
continue = true
[[alerting.routes]]
receiver = "am"
match = { flow = "checkout" }
)"));
  sim.run_for(10s);
  sim.fail("db/tcp");
  sim.run_for(6s);
  REQUIRE(sim.notifications.size() == 2);  // the firing, to both
  sim.run_for(sim.sent_at[0] + 9min + 30s - sim.now());
  // Sends per receiver: the firing, then a reminder every interval (each timed from the
  // previous send, so within a second of it).
  struct Row {
    const char* receiver;
    Duration every;
    std::size_t sends;  // in the 10 minutes
  };
  const Row rows[] = {
      {"oncall", 3min, 4},  // in 9m30s: the firing and reminders at +3m, +6m, +9m
      {"am", 1min, 10},     // the firing and one a minute (Alertmanager's resolve timeout is 5m)
  };
  std::set<std::string> ids;
  for (const Row& r : rows) {
    INFO(r.receiver);
    std::vector<TimePoint> at;
    for (std::size_t i = 0; i < sim.notifications.size(); ++i) {
      const auto& n = sim.notifications[i];
      if (n.receiver != r.receiver) continue;
      CHECK(line(n) == std::string(r.receiver) + " firing critical flow/checkout");
      at.push_back(sim.sent_at[i]);
      ids.insert(n.id);
    }
    REQUIRE(at.size() == r.sends);
    for (std::size_t i = 1; i < at.size(); ++i) {
      INFO("send " << i);
      CHECK(at[i] - at[i - 1] >= r.every);
      CHECK(at[i] - at[i - 1] <= r.every + 1s);
    }
  }
  CHECK(ids.size() == 14);  // every reminder has its own id
  // Resolved: once each, and no reminder after it.
  const std::size_t from = sim.notifications.size();
  sim.pass("db/tcp");
  sim.run_for(10min);
  CHECK(told_since(sim, from) == std::vector<std::string>{"am resolved critical flow/checkout",
                                                          "oncall resolved critical flow/checkout"});
}

// ---- silences --------------------------------------------------------------------------

TEST_CASE("engine: a silence holds a firing, when it ends by time alone and the alert still fires, the page goes "
          "out then",
          "[engine][timing][silence]") {
  Sim sim(shop());
  const TimePoint ends = sim.now() + 5min;
  sim.set_silences({silence("flow", "checkout", sim.now(), ends)});
  sim.run_for(10s);
  sim.fail("db/tcp");
  sim.run_for(10s);
  // Browse is not silenced and pages at once; checkout fires, silenced.
  CHECK(told_since(sim) == std::vector<std::string>{"oncall firing error flow/browse"});
  CHECK(alert(sim, "flow/checkout").status == alerting::AlertStatus::Firing);
  CHECK(alert(sim, "flow/checkout").silenced);
  sim.run_for(ends - 1s - sim.now());
  CHECK(told_about(sim, "flow/checkout").empty());
  // No input but time: the silence ends, the database is still down.
  sim.run_for(2s);
  REQUIRE(told_about(sim, "flow/checkout") == std::vector<std::string>{"oncall firing critical flow/checkout"});
  const auto i = sends_of(sim, "flow/checkout").at(0);
  CHECK(sim.sent_at[i] >= ends);
  CHECK(sim.sent_at[i] - ends <= 1s);
  CHECK_FALSE(alert(sim, "flow/checkout").silenced);
}

TEST_CASE("engine: a silence never holds a resolve, and an alert that fired and cleared within one is never told",
          "[engine][timing][silence]") {
  SECTION("told, then silenced: the resolve goes out at once") {
    Sim sim(shop());
    sim.run_for(10s);
    sim.fail("db/tcp");
    sim.run_for(10s);
    REQUIRE(told_about(sim, "flow/checkout") == std::vector<std::string>{"oncall firing critical flow/checkout"});
    sim.set_silences({silence("flow", "checkout", sim.now(), sim.now() + 1h)});
    sim.run_for(10s);
    sim.pass("db/tcp");
    sim.run_for(6s);
    CHECK(told_about(sim, "flow/checkout") == std::vector<std::string>{"oncall firing critical flow/checkout",
                                                                      "oncall resolved critical flow/checkout"});
  }
  SECTION("fired and cleared under the silence: nothing, then or after it ends") {
    Sim sim(shop());
    sim.set_silences({silence("flow", "checkout", sim.now(), sim.now() + 5min)});
    sim.run_for(10s);
    sim.fail("db/tcp");
    sim.run_for(1min);
    sim.pass("db/tcp");
    sim.run_for(10min);
    CHECK(told_about(sim, "flow/checkout").empty());
    CHECK(told_about(sim, "flow/browse") == std::vector<std::string>{"oncall firing error flow/browse",
                                                                    "oncall resolved error flow/browse"});
  }
}

// ---- flapping --------------------------------------------------------------------------

// Flapping as Icinga 2 measures it; the detection scenario, hysteresis, restarts and
// reloads are in tests/engine/flapping_test.cpp.
TEST_CASE("engine: a flapping alert tells once that it flaps, then nothing until it settles, then the truth once",
          "[engine][timing][flapping]") {
  Sim sim(shop());
  sim.run_for(2min);
  // The database goes down and up at each of its results (every 5s), 8 times: changes 1..5
  // are told (28.5 %), the 6th (33.9 %) makes checkout flap: one "flapping" notice.
  for (int i = 0; i < 8; ++i) {
    if (i % 2 == 0) {
      sim.fail("db/tcp");
    } else {
      sim.pass("db/tcp");
    }
    sim.run_for(5s);
  }
  std::vector<std::string> while_flapping{
      "oncall firing critical flow/checkout", "oncall resolved critical flow/checkout",
      "oncall firing critical flow/checkout", "oncall resolved critical flow/checkout",
      "oncall firing critical flow/checkout", "oncall flapping critical flow/checkout"};
  CHECK(told_about(sim, "flow/checkout") == while_flapping);
  CHECK(alert(sim, "flow/checkout").flapping);
  // It stays green; the 8 changes age, and it settles after 15 green results (25.5 % after
  // 14, 21.0 % after 15): 75s.
  sim.run_for(65s);
  CHECK(alert(sim, "flow/checkout").flapping);
  CHECK(told_about(sim, "flow/checkout") == while_flapping);
  sim.run_for(15s);
  CHECK_FALSE(alert(sim, "flow/checkout").flapping);
  while_flapping.push_back("oncall resolved critical flow/checkout");
  CHECK(told_about(sim, "flow/checkout") == while_flapping);
  sim.run_for(10min);
  CHECK(told_about(sim, "flow/checkout").size() == while_flapping.size());
}

// ---- suppression -----------------------------------------------------------------------

TEST_CASE("engine: a component alert wholly explained by a dependency's firing alert is suppressed, and pages "
          "once the dependency recovers",
          "[engine][timing][suppression]") {
  std::string toml = kShop;
  for (const char* c : {"[components.db]\n", "[components.api]\n"}) {
    toml.insert(toml.find(c) + std::strlen(c), "alert = true\n");
  }
  Sim sim(require_model(HM_HERE, toml + kOncall + kToOncall));
  sim.run_for(10s);
  struct Step {
    const char* db;
    const char* api;
    std::vector<std::string> expected;  // component alerts told in the next 30s
  };
  const Step steps[] = {
      {"down", "ok", {"oncall firing error component/db"}},     // api red by db alone: suppressed
      {"down", "down", {}},                                     // db is still the deepest cause
      {"ok", "down", {"oncall resolved error component/db",     // db recovers; api fails on its
                      "oncall firing error component/api"}},    // own: it pages once its own
                                                                // probe re-ran (hold-down)
      {"ok", "ok", {"oncall resolved error component/api"}},
  };
  for (const Step& s : steps) {
    INFO("db " << s.db << ", api " << s.api);
    if (std::string(s.db) == "down") {
      sim.fail("db/tcp");
    } else {
      sim.pass("db/tcp");
    }
    api(sim, s.api);
    const std::size_t from = sim.notifications.size();
    sim.run_for(30s);
    std::vector<std::string> got;
    for (const auto& t : told_since(sim, from)) {
      if (t.find("component/") != std::string::npos) got.push_back(t);
    }
    CHECK(got == s.expected);
    if (std::string(s.db) == "down") {
      CHECK(alert(sim, "component/api").status == alerting::AlertStatus::Firing);  // listed,
      CHECK(alert(sim, "component/api").suppressed);                              // not sent
    }
  }
}

// ---- unknown ---------------------------------------------------------------------------

TEST_CASE("engine: a firing alert whose signal goes stale stays firing, it resolves only when the signal is green",
          "[engine][timing][unknown]") {
  Sim sim(shop());
  sim.run_for(10s);
  sim.fail("db/tcp");
  sim.run_for(10s);
  REQUIRE(told_about(sim, "flow/checkout") == std::vector<std::string>{"oncall firing critical flow/checkout"});
  sim.hang("db/tcp");
  sim.run_for(30s);  // stale_after = 3 x 5s
  CHECK(sim.flow("checkout") == Health::Unknown);
  CHECK(alert(sim, "flow/checkout").status == alerting::AlertStatus::Firing);
  sim.run_for(1min);  // (short: while a run is in flight the engine steps every tick)
  CHECK(told_about(sim, "flow/checkout").size() == 1);  // no resolve: nobody knows it is fixed
  sim.resume("db/tcp");  // the probe answers again: still down, nothing new
  sim.run_for(10s);
  CHECK(sim.flow("checkout") == Health::Red);
  CHECK(told_about(sim, "flow/checkout").size() == 1);
  sim.pass("db/tcp");
  sim.run_for(10s);
  CHECK(told_about(sim, "flow/checkout") == std::vector<std::string>{"oncall firing critical flow/checkout",
                                                                    "oncall resolved critical flow/checkout"});
}

// ---- restart ---------------------------------------------------------------------------

TEST_CASE("engine: after a restart, a firing told before it does not page again, and its resolve is sent",
          "[engine][timing][restart]") {
  const TimePoint started = Sim::start() - 10min;  // the incident began before the restart
  engine::Restored restored;
  restored.told.push_back({"flow/checkout", "oncall", Severity::Critical, started, started + 30s, ""});
  Sim sim(shop(), std::move(restored));
  sim.fail("db/tcp");  // still down
  sim.run_for(2min);   // unknown until the first probes, then red: nothing new to tell
  CHECK(sim.flow("checkout") == Health::Red);
  CHECK(told_about(sim, "flow/checkout").empty());
  CHECK(alert(sim, "flow/checkout").starts_at == started);
  sim.pass("db/tcp");
  sim.run_for(10s);
  REQUIRE(told_about(sim, "flow/checkout") == std::vector<std::string>{"oncall resolved critical flow/checkout"});
  CHECK(sim.notifications[sends_of(sim, "flow/checkout").at(0)].starts_at == started);
  // browse was not told before the restart: it paged as a new firing, and resolved.
  CHECK(told_about(sim, "flow/browse") == std::vector<std::string>{"oncall firing error flow/browse",
                                                                  "oncall resolved error flow/browse"});
}

// ---- actions ---------------------------------------------------------------------------

namespace {

constexpr const char* kRestartApi = R"(
[[actions]]
name = "restart-api"
component = "api"
state = "red"
for = "30s"
run = ["/bin/true"]
cooldown = "2m"
max_attempts = 3
window = "10m"
)";

// Runs the sim for `d` in 1s steps; every action that starts ends within a second, with
// `ok`. Returns the start times, relative to `from`, of the runs of `name`.
std::vector<Duration> run_actions(Sim& sim, Duration d, TimePoint from, const std::string& name, bool ok) {
  std::vector<Duration> starts;
  std::size_t seen = sim.actions.size();
  for (Duration t{0}; t < d; t += 1s) {
    sim.run_for(1s);
    for (; seen < sim.actions.size(); ++seen) {
      const std::string& a = sim.actions[seen].action.name;
      sim.action_done(a, ok, ok ? "exit 0" : "exit 1");
      if (a == name) starts.push_back(sim.started_at[seen] - from);
    }
  }
  return starts;
}

}  // namespace

TEST_CASE("engine: an action runs after `for`, not within its cooldown, and at most max_attempts per window",
          "[engine][timing][actions]") {
  Sim sim(shop(std::string(kToOncall) + kRestartApi));
  sim.run_for(10s);
  api(sim, "down");
  sim.run_for(6s);
  REQUIRE(sim.component("api") == Health::Red);
  const TimePoint red = since(sim, "api");
  const auto starts = run_actions(sim, 12min, red, "restart-api", true);  // each run "succeeds"; api stays red
  struct Row {
    Duration at;  // after api turned red
    const char* why;
  };
  const Row expected[] = {
      {30s, "for = 30s"},
      {2min + 30s, "cooldown = 2m after the first start"},
      {4min + 30s, "cooldown again; the third attempt in the 10m window"},
      {10min + 30s, "held by max_attempts until the first attempt leaves the window"},
  };
  REQUIRE(starts.size() == std::size(expected));
  for (std::size_t i = 0; i < starts.size(); ++i) {
    INFO(expected[i].why << ": started at +" << starts[i].count() << "ms");
    CHECK(starts[i] >= expected[i].at);
    CHECK(starts[i] <= expected[i].at + 3s);  // each due check is at most a second late
  }
  // Held once by max_attempts (at 6m30s), logged once; cooldowns are not news.
  CHECK(sim.logged("action_held") ==
        std::vector<std::string>{"action restart-api is due but held: max_attempts reached in its window"});
  CHECK(sim.logged("action_started").size() == 4);
  CHECK(sim.logged("action_finished").size() == 4);
  // Each run exits 0 but leaves api red: verified as "did not help" verify_within (two
  // intervals) after it, a failed attempt; after max_attempts of them the action fails.
  CHECK(sim.logged("action_verified").size() >= 3);
  CHECK(sim.logged("action_verified").front() ==
        "action restart-api did not help: component \"api\" is still red 10s after it");
  CHECK(told_about(sim, "action/restart-api") == std::vector<std::string>{"oncall firing error action/restart-api"});
}

TEST_CASE("engine: an action whose last max_attempts runs all failed raises its own alert, resolved when the target "
          "recovers",
          "[engine][timing][actions]") {
  struct Case {
    std::vector<bool> runs;  // outcomes, in order
    bool alert;              // the action's alert fires after the last
  };
  const Case cases[] = {
      {{false, false, false}, true},  // the last 3 runs (max_attempts) failed
      {{false, false}, false},        // two failures are not yet failing
      {{false, true, false}, true},   // exit 0 that leaves the target red did not help: a failure too
  };
  for (const Case& c : cases) {
    INFO("runs " << c.runs.size() << ", alert " << c.alert);
    Sim sim(shop(std::string(kToOncall) + kRestartApi));
    sim.run_for(10s);
    api(sim, "down");
    sim.run_for(40s);  // api red for at least 30s: the first run started
    for (std::size_t i = 0; i < c.runs.size(); ++i) {
      REQUIRE(sim.actions.size() == i + 1);
      CHECK(told_about(sim, "action/restart-api").empty());
      sim.action_done("restart-api", c.runs[i], c.runs[i] ? "exit 0" : "exit 1");
      sim.run_for(i + 1 < c.runs.size() ? 2min : 10s);  // the next run after the cooldown
    }
    if (!c.alert) {
      CHECK(told_about(sim, "action/restart-api").empty());
      continue;
    }
    // api is medium criticality: a red action alert is an error.
    CHECK(told_about(sim, "action/restart-api") == std::vector<std::string>{"oncall firing error action/restart-api"});
    CHECK(sim.engine().healer().status()[0].failing);
    api(sim, "ok");
    sim.run_for(10s);
    CHECK(told_about(sim, "action/restart-api") == std::vector<std::string>{"oncall firing error action/restart-api",
                                                                           "oncall resolved error action/restart-api"});
  }
}

TEST_CASE("engine: a silence on the target holds an action until it ends, unless during_silence",
          "[engine][timing][actions][silence]") {
  Sim sim(shop(std::string(kToOncall) + kRestartApi + R"(
[[actions]]
name = "notify-api-owner"
component = "api"
state = "red"
for = "10s"
run = ["/bin/true"]
during_silence = true
)"));
  const TimePoint ends = sim.now() + 5min;
  sim.set_silences({silence("component", "api", sim.now(), ends)});
  sim.run_for(10s);
  api(sim, "down");
  sim.run_for(6s);
  REQUIRE(sim.component("api") == Health::Red);
  const TimePoint red = since(sim, "api");
  const auto starts = run_actions(sim, 6min, red, "restart-api", false);
  REQUIRE(starts.size() == 1);
  CHECK(red + starts[0] >= ends);  // held by the silence, past its `for`
  CHECK(red + starts[0] <= ends + 2s);
  // The other runs through the silence after its 10s, and again after its cooldown (5m).
  std::vector<Duration> through;
  for (std::size_t i = 0; i < sim.actions.size(); ++i) {
    if (sim.actions[i].action.name == "notify-api-owner") through.push_back(sim.started_at[i] - red);
  }
  REQUIRE(through.size() == 2);
  CHECK(through[0] >= 10s);
  CHECK(through[0] <= 11s);
  CHECK(through[1] - through[0] >= 5min);
  CHECK(through[1] - through[0] <= 5min + 1s);
  CHECK(sim.logged("action_held") ==
        std::vector<std::string>{"action restart-api is due but held: the target is silenced"});
}

// ---- found while writing these: behaviour that contradicts the headers or SPEC ----------

// A reload used to restart alert_after (the new AlertBook carried over only the alerts
// told firing, so a pending alert started pending again at the reload): a red checkout with alert_after = 30s reloaded after 20s pages at 50s, and a
// config reloaded more often than alert_after never pages. SPEC 2: "the non-green state
// must hold that long before firing"; engine.h: "state carried over by id".
TEST_CASE("engine: a reload does not restart a pending alert's alert_after", "[engine][timing][reload]") {
  std::string slow = std::string(kShop) + kOncall + kToOncall;
  slow.insert(slow.find("steps = [\"api\"]\n") + std::strlen("steps = [\"api\"]\n"), "alert_after = \"30s\"\n");
  Sim sim(require_model(HM_HERE, slow));
  sim.run_for(10s);
  sim.fail("db/tcp");
  sim.run_for(6s);
  REQUIRE(sim.flow("checkout") == Health::Red);
  const TimePoint red = since(sim, "api");
  sim.run_for(red + 20s - sim.now());
  sim.reload(require_model(HM_HERE, slow));  // the same config, reloaded
  sim.run_for(red + 32s - sim.now());
  CHECK(told_about(sim, "flow/checkout") == std::vector<std::string>{"oncall firing critical flow/checkout"});
}

// A firing alert whose subject a reload removed used to be never resolved (the new
// AlertBook had no such alert; the dispatcher kept the receivers told of it for ever). SPEC 2: "Resolved is always
// sent to every receiver that was told of the firing"; 5a: no notification is lost because
// of a reload.
TEST_CASE("engine: a reload that removes a firing flow resolves its alert", "[engine][timing][reload]") {
  Sim sim(shop());
  sim.run_for(10s);
  sim.fail("search/ping");
  sim.run_for(10s);
  REQUIRE(told_about(sim, "flow/find") == std::vector<std::string>{"oncall firing warning flow/find"});
  std::string without = kShop;
  without.erase(without.find("[flows.find]"));
  sim.reload(require_model(HM_HERE, without + kOncall + kToOncall));
  sim.run_for(1min);
  CHECK(told_about(sim, "flow/find") == std::vector<std::string>{"oncall firing warning flow/find",
                                                                "oncall resolved warning flow/find"});
  CHECK(sim.engine().dispatcher().told().count("flow/find") == 0);
}

// Reminders used to go out before the firing they remind of. An alert that joins a group
// mid-interval is held until the group's next tick (default group_interval 5m), but
// Dispatcher::repeats() counted from the decision and re-sends to Alertmanager after a
// minute, so Alertmanager hears of the firing early; if the alert then clears before the
// tick, the held firing and its resolve fold to nothing ("nobody was told"), and the
// Alertmanager told by the reminder never hears the resolve. SPEC 2: "Resolved is always
// sent to every receiver that was told of the firing".
TEST_CASE("engine: a receiver reminded of a firing held for its group is told the resolve",
          "[engine][timing][group][repeat]") {
  Sim sim(shop(R"(
[alerting.receivers.am]
type = "alertmanager"
url = "http://127.0.0.1:9093"
[[alerting.routes]]
receiver = "am"
group_by = ["kind"]
group_wait = "10s"
)"));
  sim.run_for(10s);
  sim.fail("db/tcp");
  sim.run_for(20s);  // checkout and browse: the group's first batch
  REQUIRE(told_since(sim) ==
          std::vector<std::string>{"am firing error flow/browse", "am firing critical flow/checkout"});
  sim.fail("search/ping");
  sim.run_for(2min);  // find joins the group: held until the next tick, 5m after the first batch
  const auto find = told_about(sim, "flow/find");
  sim.pass("search/ping");
  sim.run_for(5min);
  const auto after = told_about(sim, "flow/find");
  // Whoever heard of find's firing (today: by a reminder, before its group's tick) hears the
  // resolve; whoever did not, hears nothing.
  INFO("sends of flow/find before it cleared: " << find.size());
  const bool resolved = std::count(after.begin(), after.end(), "am resolved warning flow/find") == 1;
  CHECK(resolved == !find.empty());
}
