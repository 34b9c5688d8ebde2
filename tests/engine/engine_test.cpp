// The engine over time, on a fake clock: the daemon's decisions strung together, with no
// thread, socket, file or sleep. Each case is a timeline; a run takes milliseconds.

#include <catch2/catch.hpp>

#include "tests/engine/sim.h"
#include "tests/support/world.h"

using namespace greenlight;
using namespace greenlight::model;
using namespace std::chrono_literals;
using greenlight::test::require_model;
using greenlight::test::Sim;

namespace {

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
[flows.checkout]
criticality = "high"
steps = ["api"]
alert_after = "30s"
[alerting.receivers.oncall]
type = "webhook"
url = "http://127.0.0.1:9099/hook"
[[alerting.routes]]
receiver = "oncall"
)";

std::size_t count(const std::vector<std::string>& v, const std::string& s) {
  return static_cast<std::size_t>(std::count(v.begin(), v.end(), s));
}

}  // namespace

TEST_CASE("engine: every signal is probed in the first round and the daemon turns ready", "[engine]") {
  Sim sim(require_model(HM_HERE, kShop));
  CHECK_FALSE(sim.engine().ready());
  sim.run_for(6s);  // offsets spread the first round over min(interval, 10s)
  CHECK(sim.engine().ready());
  CHECK(sim.logged("ready").size() == 1);
  CHECK(sim.flow("checkout") == Health::Green);
  CHECK(sim.notifications.empty());
}

TEST_CASE("engine: a probe that never returns does not hold readiness past the first round", "[engine]") {
  Sim sim(require_model(HM_HERE, kShop));
  sim.hang("db/tcp");
  sim.run_for(9s);
  CHECK_FALSE(sim.engine().ready());  // the deadline is the spread (10s) plus the longest timeout (5s)
  sim.run_for(7s);
  CHECK(sim.engine().ready());
  CHECK(sim.component("db") == Health::Unknown);
}

TEST_CASE("engine: alert_after holds a red flow's page for 30s, the resolve follows the recovery", "[engine]") {
  Sim sim(require_model(HM_HERE, kShop));
  sim.run_for(10s);
  sim.fail("db/tcp");
  sim.run_for(6s);  // the next db probe fails: db red, api red (critical dependency), checkout red
  CHECK(sim.flow("checkout") == Health::Red);
  CHECK(sim.sent().empty());  // pending
  sim.run_for(25s);
  CHECK(sim.sent().empty());  // still within alert_after
  sim.run_for(6s);
  CHECK(sim.sent() == std::vector<std::string>{"oncall firing flow/checkout"});
  sim.pass("db/tcp");
  sim.run_for(6s);
  CHECK(sim.flow("checkout") == Health::Green);
  CHECK(sim.sent() == std::vector<std::string>{"oncall firing flow/checkout", "oncall resolved flow/checkout"});
  CHECK(count(sim.logged("state_change"), "flow checkout: green -> red: step \"api\" is red") <= 1);
}

TEST_CASE("engine: a flow red shorter than alert_after pages nobody", "[engine]") {
  Sim sim(require_model(HM_HERE, kShop));
  sim.run_for(10s);
  sim.fail("db/tcp");
  sim.run_for(6s);
  sim.pass("db/tcp");
  sim.run_for(60s);
  CHECK(sim.sent().empty());
  CHECK(sim.flow("checkout") == Health::Green);
}

TEST_CASE("engine: a signal without results for stale_after turns unknown", "[engine]") {
  Sim sim(require_model(HM_HERE, kShop));
  sim.run_for(10s);
  sim.hang("db/tcp");  // its last result came in the 5s before
  sim.run_for(10s);    // stale_after = 3 x 5s: not yet
  CHECK(sim.component("db") == Health::Green);
  sim.run_for(6s);  // stale at most 15s after the hang, noticed within a second
  CHECK(sim.component("db") == Health::Unknown);
  CHECK(sim.flow("checkout") == Health::Unknown);
  CHECK(sim.sent().empty());  // unknown pages nobody by default
}

TEST_CASE("engine: an idle engine steps about once a second, not every tick", "[engine]") {
  Sim sim(require_model(HM_HERE, kShop));
  sim.run_for(10s);
  const auto before = sim.steps;
  sim.run_for(60s);
  // Two probes every 5s (a step to start them, a step for their results) and the
  // once-a-second alert pass and stale check: about 1-2 steps a second, never 100.
  CHECK(sim.steps - before <= 200);
  CHECK(sim.steps - before >= 60);
}

TEST_CASE("engine: a heartbeat is evaluated at once when it arrives, without a probe", "[engine]") {
  Sim sim(require_model(HM_HERE, R"(
[components.backup]
  [[components.backup.signals]]
  id = "nightly"
  probe = "heartbeat"
  interval = "1m"
  red_after = "2m"
)"));
  sim.run_for(11s);
  CHECK(sim.probes_started == 0);
  // Never pinged: unknown until red_after after the first start (SPEC 5a), no longer
  // green until then (the old behaviour, the trap issue 14 fixes).
  CHECK(sim.component("backup") == Health::Unknown);
  sim.run_for(2min);
  CHECK(sim.component("backup") == Health::Red);
  sim.heartbeat("backup", "nightly");
  sim.step();
  CHECK(sim.component("backup") == Health::Green);
}

TEST_CASE("engine: a reload drops the results of the replaced model and probes the new one", "[engine]") {
  auto m = require_model(HM_HERE, kShop);
  Sim sim(m);
  sim.run_for(10s);
  std::string grown = kShop;
  grown += R"(
[components.cache]
  [[components.cache.signals]]
  id = "ping"
  probe = "tcp"
  target = "127.0.0.1:6379"
)";
  sim.hang("db/tcp");
  sim.run_for(5s);  // a db probe of generation 0 is in flight
  sim.reload(require_model(HM_HERE, grown));
  auto fx = sim.step();
  CHECK(fx.reloaded);
  CHECK(sim.engine().generation() == 1);
  CHECK(sim.logged("reloaded").size() == 1);
  // A late result of generation 0 is dropped: it cannot land on the new model's signal 0.
  engine::Inputs late;
  late.results.push_back({0, 0, ProbeOutcome{false, std::nullopt, "late", {}}});
  sim.step(std::move(late));
  CHECK(sim.component("db") == Health::Green);
  sim.pass("db/tcp");
  sim.run_for(11s);
  CHECK(sim.component("cache") == Health::Green);
}

TEST_CASE("engine: a single failed run with failures = 3 changes nothing, three in a row do", "[engine]") {
  std::string toml = kShop;
  toml.replace(toml.find("  target = \"127.0.0.1:5432\""), 0, "  failures = 3\n");
  Sim sim(require_model(HM_HERE, toml));
  sim.run_for(10s);
  sim.fail("db/tcp");
  sim.run_for(5s);  // one db run
  sim.pass("db/tcp");
  sim.run_for(20s);
  CHECK(sim.component("db") == Health::Green);
  const auto to_red = [&] {
    std::vector<std::string> out;
    for (const auto& l : sim.logged("state_change")) {
      if (l.find("-> red") != std::string::npos) out.push_back(l);
    }
    return out;
  };
  CHECK(to_red().empty());
  sim.fail("db/tcp");
  sim.run_for(11s);  // two runs: still pending
  CHECK(sim.component("db") == Health::Green);
  sim.run_for(5s);  // the third
  CHECK(sim.component("db") == Health::Red);
  CHECK(to_red().front() == "signal db/tcp: green -> red: connection refused");
}

TEST_CASE("engine: right after an action ends its target is re-probed, and a run that fixed it is verified as helping",
          "[engine][actions]") {
  std::string toml = kShop;
  toml += R"(
[[actions]]
name = "restart-db"
component = "db"
state = "red"
for = "0s"
run = ["/bin/true"]
)";
  Sim sim(require_model(HM_HERE, toml));
  sim.run_for(10s);
  sim.fail("db/tcp");
  sim.run_for(6s);
  REQUIRE(sim.actions.size() == 1);
  CHECK(sim.engine().model().actions[0].verify_within == 10s);  // two of db's 5s intervals
  sim.pass("db/tcp");  // the restart fixed it
  const auto probes_before = sim.probes_started;
  sim.action_done("restart-db", true, "exit 0");
  const engine::Effects fx = sim.step();
  REQUIRE(fx.probes.size() == 1);  // db/tcp at once, not at its next slot
  CHECK(sim.engine().model().signal_key(fx.probes[0].signal) == "db/tcp");
  CHECK(sim.probes_started == probes_before + 1);
  sim.run_for(1s);
  CHECK(sim.component("db") == Health::Green);
  CHECK(sim.logged("action_verified") == std::vector<std::string>{"action restart-db helped: component \"db\" is green again"});
  CHECK(sim.engine().healer().status()[0].verdict == "helped");
  CHECK(sim.engine().healer().status()[0].consecutive_failures == 0);
}

namespace {
// The recovery storm: api's own probe fails while db is down (its health check needs db),
// and runs every 3s; db is probed every 5s. Both page on their own (alert = true).
constexpr const char* kStorm = R"(
[components.db]
alert = true
criticality = "high"
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
  interval = "5s"
[components.api]
alert = true
criticality = "high"
depends_on = ["db"]
  [[components.api.signals]]
  id = "health"
  probe = "http"
  url = "http://127.0.0.1:8082/health"
  interval = "3s"
[alerting.receivers.oncall]
type = "webhook"
url = "http://127.0.0.1:9099/hook"
[[alerting.routes]]
receiver = "oncall"
)";
}  // namespace

TEST_CASE("engine: recovery hold-down: a dependent whose own probe has not re-run since its dependency recovered is not paged",
          "[engine][holddown]") {
  Sim sim(require_model(HM_HERE, kStorm));
  sim.run_for(10s);
  sim.fail("db/tcp");
  sim.run_for(6s);  // db is red first (were api's own probe first, api would be its own root cause)
  sim.fail("api/health");
  sim.run_for(20s);
  CHECK(sim.sent() == std::vector<std::string>{"oncall firing component/db"});  // api: suppressed
  // db recovers; api's last own result is still red until its next run, which passes (its
  // health check needed db). In between, api is held down, not paged.
  sim.pass("db/tcp");
  for (int i = 0; i < 60 && sim.component("db") != Health::Green; ++i) sim.run_for(100ms);
  REQUIRE(sim.component("db") == Health::Green);
  REQUIRE(sim.component("api") == Health::Red);
  const auto& alerts = sim.engine().alerts();
  CHECK(alerts.alerts()[*alerts.find("component/api")].held_down);
  sim.pass("api/health");
  sim.run_for(10s);
  CHECK(sim.sent() == std::vector<std::string>{"oncall firing component/db", "oncall resolved component/db"});
}

TEST_CASE("engine: recovery hold-down: a dependent still red after its own re-check pages as its own incident",
          "[engine][holddown]") {
  Sim sim(require_model(HM_HERE, kStorm));
  sim.run_for(10s);
  sim.fail("db/tcp");
  sim.run_for(6s);
  sim.fail("api/health");
  sim.run_for(20s);
  REQUIRE(sim.sent() == std::vector<std::string>{"oncall firing component/db"});
  sim.pass("db/tcp");
  sim.run_for(6s);
  // api's own probe re-ran after db's recovery and is still red: it pages, once.
  sim.run_for(4s);
  const auto sent = sim.sent();
  CHECK(std::count(sent.begin(), sent.end(), "oncall firing component/api") == 1);
  CHECK(std::count(sent.begin(), sent.end(), "oncall resolved component/db") == 1);
}

TEST_CASE("engine: an incident's page says what self-healing tried and whether it helped", "[engine][actions][incidents]") {
  std::string toml = kStorm;
  toml.replace(toml.find("[[alerting.routes]]\nreceiver = \"oncall\"\n"), std::string("[[alerting.routes]]\nreceiver = \"oncall\"\n").size(),
               "[[alerting.routes]]\nreceiver = \"oncall\"\ngroup_wait = \"30s\"\n");
  toml += R"(
[[actions]]
name = "restart-db"
component = "db"
state = "red"
for = "0s"
run = ["/usr/sbin/service", "db", "restart"]
)";
  Sim sim(require_model(HM_HERE, toml));
  sim.run_for(10s);
  sim.fail("db/tcp");
  sim.run_for(6s);
  REQUIRE(sim.actions.size() == 1);
  sim.action_done("restart-db", true, "exit 0");  // it "worked", but db stays red
  sim.run_for(40s);
  REQUIRE(!sim.notifications.empty());
  const auto& page = sim.notifications.back();
  INFO(page.incident.dump());
  const std::string summary = page.incident.value("summary", "");
  CHECK(summary.find("self-healing: restart-db ran at ") != std::string::npos);
  CHECK(summary.find(": did not help") != std::string::npos);
  REQUIRE(page.incident["actions"].size() == 1);
  CHECK(page.incident["actions"][0]["result"] == "did not help");
}
