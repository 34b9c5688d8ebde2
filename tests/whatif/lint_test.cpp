// greenlight lint's rules (whatif/lint.h): for each, a model that triggers it, with the
// line and column of the offending key, and one that does not.

#include <catch2/catch.hpp>

#include "tests/support/world.h"
#include "whatif/lint.h"

using namespace greenlight;
using greenlight::test::Here;
using greenlight::test::require_model;

namespace {

// A clean model: every rule quiet. Tests append to it (so its lines stay put: 14 lines).
constexpr const char* kBase = R"([components.db]
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
[flows.checkout]
criticality = "high"
steps = ["db"]
[alerting.receivers.oncall]
type = "webhook"
url = "http://127.0.0.1:9099/hook"
[[alerting.routes]]
receiver = "oncall"
continue = true
)";

std::vector<whatif::Warning> lint_of(Here here, const std::string& toml) {
  const auto m = require_model(here, toml);
  return whatif::lint(*m, toml, "test.toml");
}

std::string all(const std::vector<whatif::Warning>& ws) {
  std::string out;
  for (const auto& w : ws) out += whatif::format(w) + "\n";
  return out;
}

void require_warning(Here here, const std::string& toml, const std::string& rule, int line, int column,
                     const std::string& needle) {
  INFO("expected at " << here.file << ":" << here.line);
  const auto ws = lint_of(here, toml);
  INFO("reported:\n" << all(ws));
  std::size_t of_rule = 0;
  bool found = false;
  for (const auto& w : ws) {
    if (w.rule != rule) continue;
    ++of_rule;
    found = found || (w.line == line && w.column == column && w.message.find(needle) != std::string::npos);
  }
  CHECK(of_rule == 1);
  CHECK(found);
}

void require_quiet(Here here, const std::string& toml, const std::string& rule) {
  INFO("expected at " << here.file << ":" << here.line);
  const auto ws = lint_of(here, toml);
  INFO("reported:\n" << all(ws));
  CHECK(std::none_of(ws.begin(), ws.end(), [&](const whatif::Warning& w) { return w.rule == rule; }));
}

}  // namespace

TEST_CASE("lint: the base model and the shop have no warnings", "[whatif][lint]") {
  CHECK(all(lint_of(HM_HERE, kBase)).empty());
  CHECK(all(lint_of(HM_HERE, test::read_source_file("examples/shop.toml"))).empty());
}

TEST_CASE("lint: unused-component points at a component on no flow that alerts nobody", "[whatif][lint]") {
  const std::string legacy = R"([components.legacy]
  [[components.legacy.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:1"
)";
  require_warning(HM_HERE, kBase + legacy, "unused-component", 15, 13, "component \"legacy\" is on no flow");
  // Through a dependency, it is used; so is a component that alerts by itself.
  std::string through = kBase + legacy;
  through.insert(through.find("  [[components.db.signals]]"), "depends_on = [\"legacy\"]\n");
  require_quiet(HM_HERE, through, "unused-component");
  require_quiet(HM_HERE, kBase + std::string("[components.legacy]\nalert = true\n") + legacy.substr(legacy.find('\n') + 1),
                "unused-component");
}

TEST_CASE("lint: flow-without-signals points at a flow nothing measures", "[whatif][lint]") {
  require_warning(HM_HERE, kBase + std::string("[components.front]\n[flows.home]\nsteps = [\"front\"]\n"),
                  "flow-without-signals", 16, 8, "flow \"home\" has no signal");
  require_quiet(HM_HERE, kBase + std::string("[components.front]\ndepends_on = [\"db\"]\n[flows.home]\nsteps = [\"front\"]\n"),
                "flow-without-signals");
}

TEST_CASE("lint: unreachable-route points at a route no alert reaches", "[whatif][lint]") {
  const std::string pager = R"([alerting.receivers.pager]
type = "webhook"
url = "http://127.0.0.1:9099/pager"
[[alerting.routes]]
receiver = "pager"
match = { flow = "payments" }
)";
  require_warning(HM_HERE, kBase + pager, "unreachable-route", 19, 1, "route 2 (receiver \"pager\") matches no alert");
  // Shadowed: the first route takes everything and does not continue.
  std::string shadowed = kBase + pager;
  shadowed.replace(shadowed.find("continue = true"), 15, "continue = false");
  shadowed.replace(shadowed.find("match = { flow = \"payments\" }"), 29, "min_severity = \"critical\"");
  require_warning(HM_HERE, shadowed, "unreachable-route", 19, 1, "route 2");
  // Matching a flow the model has, at a severity its matrix gives: reachable.
  std::string ok = kBase + pager;
  ok.replace(ok.find("\"payments\""), 10, "\"checkout\"");
  require_quiet(HM_HERE, ok, "unreachable-route");
  // A nested route under a reachable one that only low flows could reach, and none is low.
  const std::string nested = kBase + std::string(R"(  [[alerting.routes.routes]]
  match = { criticality = "low" }
)");
  require_warning(HM_HERE, nested, "unreachable-route", 15, 3, "route 1.1 (receiver \"oncall\")");
}

TEST_CASE("lint: unused-receiver points at a receiver no reachable route sends to", "[whatif][lint]") {
  const std::string slack = "[alerting.receivers.slack]\ntype = \"slack\"\nurl = \"https://hooks.slack.invalid/x\"\n";
  require_warning(HM_HERE, kBase + slack, "unused-receiver", 15, 21, "receiver \"slack\" gets nothing");
  require_quiet(HM_HERE, kBase + slack + "[[alerting.routes]]\nreceiver = \"slack\"\n", "unused-receiver");
}

TEST_CASE("lint: threshold-order points at a yellow threshold beyond the red one", "[whatif][lint]") {
  std::string above = kBase;
  // The loader refuses yellow beyond red; at red, yellow can never show: lint's.
  above.insert(above.find("[flows.checkout]"), "  yellow_above = 1.0\n  red_above = 1.0\n");
  require_warning(HM_HERE, above, "threshold-order", 6, 3, "signal \"db/tcp\": yellow_above is not below red_above");
  std::string below = kBase;
  below.insert(below.find("[flows.checkout]"), "  red_below = 10\n  yellow_below = 10\n");
  require_warning(HM_HERE, below, "threshold-order", 7, 3, "yellow_below is not above red_below");
  const std::string heartbeat = kBase + std::string(R"([components.backup]
alert = true
  [[components.backup.signals]]
  id = "nightly"
  probe = "heartbeat"
  yellow_after = "26h"
  red_after = "26h"
)");
  require_warning(HM_HERE, heartbeat, "threshold-order", 20, 3, "yellow_after is not below red_after");
  std::string fine = kBase;
  fine.insert(fine.find("[flows.checkout]"), "  yellow_above = 0.3\n  red_above = 1.0\n");
  require_quiet(HM_HERE, fine, "threshold-order");
}

TEST_CASE("lint: group-unsatisfiable points at a quota its members can never meet", "[whatif][lint]") {
  const std::string group = R"([components.a]
depends_on = ["db"]
[components.b]
depends_on = ["db"]
[components.c]
[components.pool]
members = ["a", "b", "c"]
healthy_min = 3
[flows.stock]
steps = ["pool"]
)";
  // c has no signal and no dependency: never green, so three green members never happen.
  require_warning(HM_HERE, kBase + group, "group-unsatisfiable", 22, 1, "healthy_min is 3 but only 2 of its 3 members");
  std::string implicit = kBase + group;
  implicit.erase(implicit.find("healthy_min = 3\n"), 16);
  require_warning(HM_HERE, implicit, "group-unsatisfiable", 21, 1, "healthy_min is 3");
  std::string fine = kBase + group;
  fine.replace(fine.find("healthy_min = 3"), 15, "healthy_min = 2");
  require_quiet(HM_HERE, fine, "group-unsatisfiable");
}

TEST_CASE("lint: action-without-cooldown points at cooldown = 0s", "[whatif][lint]") {
  const std::string action = R"([[actions]]
name = "restart-db"
component = "db"
state = "red"
for = "1m"
run = ["/bin/true"]
cooldown = "0s"
)";
  require_warning(HM_HERE, kBase + action, "action-without-cooldown", 21, 1, "action \"restart-db\" has cooldown = \"0s\"");
  std::string fine = kBase + action;
  fine.replace(fine.find("cooldown = \"0s\""), 15, "cooldown = \"5m\"");
  require_quiet(HM_HERE, fine, "action-without-cooldown");
}

TEST_CASE("lint: warnings are FILE:LINE:COL: warning: [rule] message, sorted by position", "[whatif][lint]") {
  const auto ws = lint_of(HM_HERE, kBase + std::string("[components.z]\n[alerting.receivers.idle]\ntype = \"webhook\"\n"
                                                       "url = \"http://127.0.0.1:1/\"\n"));
  REQUIRE(ws.size() == 2);
  CHECK(whatif::format(ws[0]).starts_with("test.toml:15:13: warning: [unused-component] component \"z\""));
  CHECK(whatif::format(ws[1]).starts_with("test.toml:16:21: warning: [unused-receiver] receiver \"idle\""));
  const auto j = whatif::lint_json(ws);
  CHECK(j["warnings"][1]["rule"] == "unused-receiver");
  CHECK(j["warnings"][1]["line"] == 16);
}
