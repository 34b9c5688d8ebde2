#include <catch2/catch.hpp>

#include "alerting/content.h"
#include "alerting/healing.h"
#include "tests/support/world.h"

using namespace greenlight::alerting;
using namespace greenlight::model;
using namespace std::chrono_literals;
using greenlight::test::require_model;
using greenlight::test::World;

namespace {
constexpr const char* kModel = R"(
[components.db]
criticality = "high"
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
[components.pricing]
depends_on = ["db"]
  [[components.pricing.signals]]
  id = "health"
  probe = "http"
  url = "http://127.0.0.1:8082/health"
[flows.checkout]
criticality = "high"
steps = ["pricing"]

[[actions]]
name = "restart-pricing"
component = "pricing"
state = "red"
for = "30s"
run = ["/bin/true"]
cooldown = "2m"
max_attempts = 3
window = "1h"
)";

struct Rig {
  World w{require_model(HM_HERE, kModel)};
  Healer healer{w.model()};
  std::vector<Silence> silences;
  Rig() {
    w.all_green();
    healer.due(w.model(), w.state(), silences, w.now());
  }
  std::vector<ActionStart> due() { return healer.due(w.model(), w.state(), silences, w.now()); }
  const ActionStatus& status() const { return healer.status()[0]; }
};
}  // namespace

TEST_CASE("an action runs once its target has been red for `for`, then not within its cooldown",
          "[alerting][healing]") {
  Rig r;
  r.w.settle("pricing", "health", Health::Red);
  CHECK(r.due().empty());  // red, but not for 30 s yet
  r.w.advance(29s);
  CHECK(r.due().empty());
  r.w.advance(1s);
  auto starts = r.due();
  REQUIRE(starts.size() == 1);
  CHECK(starts[0].trigger == "component \"pricing\" has been red for 30s");
  CHECK(r.status().running);
  // One run at a time, and the cooldown after it.
  r.w.advance(10s);
  CHECK(r.due().empty());
  r.healer.finished(r.w.model(), 0, false, "exit 1", r.w.now());
  CHECK(r.due().empty());
  CHECK(r.status().held == "cooldown");
  r.w.advance(2min);
  CHECK(r.due().size() == 1);
}

TEST_CASE("an action never runs past max_attempts in its window, and failing max_attempts times raises its alert",
          "[alerting][healing]") {
  Rig r;
  r.w.settle("pricing", "health", Health::Red);
  r.w.advance(30s);
  for (int i = 0; i < 3; ++i) {
    INFO("attempt " << i + 1);
    REQUIRE(r.due().size() == 1);
    CHECK_FALSE(r.status().failing);
    r.healer.finished(r.w.model(), 0, false, "exit 1", r.w.now());
    r.w.advance(2min);
  }
  CHECK(r.status().failing);
  CHECK(r.healer.failing() == std::vector<std::uint8_t>{1});
  // Held by max_attempts for the rest of the hour...
  for (int i = 0; i < 5; ++i) {
    CHECK(r.due().empty());
    CHECK(r.status().held == "max_attempts");
    r.w.advance(10min);
  }
  // ...(the last check at 0:46:30; now 0:56:30) and again once the first attempt (at 0:00:30)
  // left the window.
  CHECK(r.due().empty());
  r.w.advance(4min);
  CHECK(r.due().size() == 1);

  // The failing action is an alert of its own, with the target's criticality.
  AlertBook book(r.w.model());
  const auto notices = book.update(r.w.model(), r.w.state(), {}, r.w.now(), r.healer.failing());
  const Alert* alert = nullptr;
  for (const Alert& a : book.alerts()) {
    if (a.id == "action/restart-pricing") alert = &a;
  }
  REQUIRE(alert != nullptr);
  CHECK(alert->status == AlertStatus::Firing);
  CHECK(alert->labels.at("action") == "restart-pricing");
  CHECK(alert->labels.at("component") == "pricing");
  bool noticed = false;
  for (const Notice& n : notices) {
    if (book.alerts()[n.alert].id != "action/restart-pricing") continue;
    noticed = true;
    const auto record = alert_record(r.w.model(), r.w.state(), *alert, n);
    CHECK(record["summary"].get<std::string>().find("restart-pricing") != std::string::npos);
    CHECK(record["kind"] == "action");
  }
  CHECK(noticed);
  // The target recovers: the action is no longer failing, and its alert resolves.
  r.w.settle("pricing", "health", Health::Green);
  r.due();
  CHECK_FALSE(r.status().failing);
  book.update(r.w.model(), r.w.state(), {}, r.w.now(), r.healer.failing());
  for (const Alert& a : book.alerts()) {
    if (a.id == "action/restart-pricing") CHECK(a.status == AlertStatus::Inactive);
  }
}

TEST_CASE("a silence on the target holds an action unless during_silence", "[alerting][healing][silence]") {
  Rig r;
  r.silences.push_back({"s1", {{"component", "pricing"}}, r.w.now(), r.w.now() + 1h, "alice", "maintenance"});
  r.w.settle("pricing", "health", Health::Red);
  r.w.advance(30s);
  CHECK(r.due().empty());
  CHECK(r.status().held == "silenced");
  r.w.advance(1h);  // the silence ended
  CHECK(r.due().size() == 1);
}

TEST_CASE("a success clears the failures, yellow actions cover red, a recovered target resets the wait",
          "[alerting][healing]") {
  Rig r;
  r.w.settle("pricing", "health", Health::Red);
  r.w.advance(30s);
  REQUIRE(r.due().size() == 1);
  r.healer.finished(r.w.model(), 0, false, "exit 1", r.w.now());
  CHECK(r.status().consecutive_failures == 1);
  r.w.advance(2min);
  REQUIRE(r.due().size() == 1);
  r.healer.finished(r.w.model(), 0, true, "exit 0", r.w.now());
  CHECK(r.status().last_ok == true);
  CHECK(r.status().consecutive_failures == 1);  // exit 0 is a claim: verified by the target's state
  // Green, then red again: the success is verified, and the 30 s count from the new red.
  r.w.settle("pricing", "health", Health::Green);
  r.due();
  CHECK(r.status().consecutive_failures == 0);
  CHECK(r.status().verdict == "helped");
  r.w.advance(5min);
  r.w.settle("pricing", "health", Health::Red);
  CHECK(r.due().empty());
  r.w.advance(30s);
  CHECK(r.due().size() == 1);
}

TEST_CASE("during_silence runs through a silence, a flow can be the target, yellow covers red",
          "[alerting][healing][silence]") {
  World w(require_model(HM_HERE, std::string(kModel) + R"(
[[actions]]
name = "page-through-maintenance"
component = "pricing"
state = "red"
run = ["/bin/true"]
during_silence = true

[[actions]]
name = "shed-load"
flow = "checkout"
state = "yellow"
for = "10s"
run = ["/bin/true"]
)"));
  Healer healer(w.model());
  w.all_green();
  const std::vector<Silence> silences{{"s1", {{"component", "pricing"}}, w.now(), w.now() + 1h, "alice", "upgrade"}};
  healer.due(w.model(), w.state(), silences, w.now());
  w.settle("pricing", "health", Health::Red);  // checkout is red too: yellow covers it
  auto names = [&](const std::vector<ActionStart>& starts) {
    std::vector<std::string> out;
    for (const auto& s : starts) out.push_back(w.model().actions[s.action].name);
    return out;
  };
  CHECK(names(healer.due(w.model(), w.state(), silences, w.now())) == std::vector<std::string>{"page-through-maintenance"});
  w.advance(10s);
  const auto starts = healer.due(w.model(), w.state(), silences, w.now());
  REQUIRE(names(starts) == std::vector<std::string>{"shed-load"});
  CHECK(starts[0].trigger == "flow \"checkout\" has been red for 10s");
  // restart-pricing's 30 s are up, but the silence holds it.
  w.advance(20s);
  CHECK(names(healer.due(w.model(), w.state(), silences, w.now())).empty());
  CHECK(healer.status()[0].held == "silenced");
}

TEST_CASE("attempts survive a restart, a run cut short by it counts as failed", "[alerting][healing][restart]") {
  Rig r;
  r.w.settle("pricing", "health", Health::Red);
  r.w.advance(30s);
  REQUIRE(r.due().size() == 1);
  r.healer.finished(r.w.model(), 0, false, "exit 1", r.w.now());
  r.w.advance(2min);
  REQUIRE(r.due().size() == 1);  // running when the daemon dies
  const nlohmann::json saved = r.healer.to_json(r.w.model());

  Healer again(r.w.model());
  again.restore(r.w.model(), nlohmann::json::parse(saved.dump()));
  const ActionStatus& s = again.status()[0];
  CHECK(s.attempts.size() == 2);
  CHECK_FALSE(s.running);
  CHECK(s.consecutive_failures == 2);
  CHECK(s.last_ok == false);
  CHECK(s.last_message == "interrupted by a restart of greenlight");
  // One attempt left in the window (max 3), after the cooldown.
  r.w.advance(2min);
  CHECK(again.due(r.w.model(), r.w.state(), {}, r.w.now()).size() == 1);
  r.w.advance(2min);
  CHECK(again.due(r.w.model(), r.w.state(), {}, r.w.now()).empty());
  // Damaged input changes nothing.
  Healer fresh(r.w.model());
  fresh.restore(r.w.model(), nlohmann::json::parse(R"({"restart-pricing": {"attempts": "x"}})"));
  CHECK(fresh.status()[0].attempts.empty());
}
