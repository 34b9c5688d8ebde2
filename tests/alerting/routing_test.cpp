#include <catch2/catch.hpp>

#include "alerting/routing.h"
#include "tests/support/world.h"

using namespace greenlight::alerting;
using namespace greenlight::model;
using greenlight::test::require_model;

namespace {
constexpr const char* kRoutes = R"(
[components.x]
name = "x"
[alerting.receivers.oncall]
type = "webhook"
url = "http://127.0.0.1:1/hook"
[alerting.receivers.data]
type = "webhook"
url = "http://127.0.0.1:1/data"
[alerting.receivers.pager]
type = "pagerduty"
routing_key_env = "PD_KEY"
[alerting.receivers.audit]
type = "webhook"
url = "http://127.0.0.1:1/audit"

[[alerting.routes]]
receiver = "audit"
continue = true

[[alerting.routes]]
receiver = "oncall"
min_severity = "warning"
group_by = ["flow"]
  [[alerting.routes.routes]]
  match = { owner = "team-data" }
  receiver = "data"
  continue = true
  [[alerting.routes.routes]]
  match_re = { flow = "checkout|pay" }
  min_severity = "critical"
  receiver = "pager"
  [[alerting.routes.routes]]
  match = { owner = "team-data" }
  receiver = "never-reached-by-team-data"
)";

std::vector<std::string> receivers(const std::vector<RouteMatch>& m) {
  std::vector<std::string> out;
  for (const auto& r : m) out.push_back(r.receiver);
  return out;
}
}  // namespace

TEST_CASE("routes choose receivers like Alertmanager's routing tree", "[alerting][routing]") {
  // The last child names an unknown receiver on purpose: validation must catch it.
  const LoadResult bad = load(kRoutes, "routes.toml");
  REQUIRE_FALSE(bad.ok());
  std::string fixed = kRoutes;
  fixed.replace(fixed.find("never-reached-by-team-data"), 26, "oncall");
  const auto m = require_model(HM_HERE, fixed);
  const auto& routes = m->alerting.routes;

  // Table: labels, severity, expected receivers in order.
  struct Row {
    Labels labels;
    Severity severity;
    std::vector<std::string> expected;
    const char* why;
  };
  const Row rows[] = {
      {{{"flow", "browse"}}, Severity::Info, {"audit"}, "below oncall's min_severity: only the audit trail"},
      {{{"flow", "browse"}}, Severity::Warning, {"audit", "oncall"}, "no child matches: the parent takes it"},
      {{{"flow", "checkout"}}, Severity::Critical, {"audit", "pager"}, "match_re, anchored, and critical"},
      {{{"flow", "checkout"}}, Severity::Error, {"audit", "oncall"}, "pager wants critical"},
      {{{"flow", "checkouts"}}, Severity::Critical, {"audit", "oncall"}, "match_re is anchored"},
      {{{"flow", "pay"}, {"owner", "team-data"}}, Severity::Critical, {"audit", "data", "pager"}, "continue on data"},
      {{{"owner", "team-data"}}, Severity::Warning, {"audit", "data", "oncall"}, "continue, then the last child"},
      {{{"flow", "x"}}, Severity::None, {}, "severity none is never routed"},
  };
  for (const Row& r : rows) {
    INFO(r.why);
    CHECK(receivers(route_alert(routes, r.labels, r.severity)) == r.expected);
  }
  // Group keys carry the route and the group_by values; a route without group_by groups
  // by root cause (SPEC 6.1), and a child inherits its parent's group_by.
  const auto m1 = route_alert(routes, {{"flow", "browse"}, {"root_cause", "database"}}, Severity::Warning);
  REQUIRE(m1.size() == 2);
  CHECK(m1[1].group_key == "oncall@1{flow=browse}");
  CHECK(m1[1].route->group_by == std::vector<std::string>{"flow"});
  CHECK(m1[0].group_key == "audit@0{root_cause=database}");
  const auto m2 = route_alert(routes, {{"flow", "pay"}, {"owner", "team-data"}}, Severity::Critical);
  REQUIRE(m2.size() == 3);
  CHECK(m2[1].group_key == "data@1.0{flow=pay}");
}

TEST_CASE("group_by defaults to root_cause, [\"...\"] is each alert alone, [] is one group per route",
          "[alerting][routing]") {
  const std::string head = R"(
[components.x]
name = "x"
[alerting.receivers.oncall]
type = "webhook"
url = "http://127.0.0.1:1/hook"
[[alerting.routes]]
receiver = "oncall"
)";
  const Labels labels{{"flow", "browse"}, {"root_cause", "database,payments"}};
  struct Row {
    const char* group_by;  // the route's group_by line
    const char* expected;  // group key
    const char* why;
  };
  const Row rows[] = {
      {"", "oncall@0{root_cause=database,payments}", "the default: one group per root cause"},
      {"group_by = [\"...\"]", "", "one group per alert: no group key, each alert alone"},
      {"group_by = []", "oncall@0{}", "as Alertmanager: every alert of the route in one group"},
      {"group_by = [\"flow\", \"root_cause\"]", "oncall@0{flow=browse,root_cause=database,payments}", "as named"},
  };
  for (const Row& r : rows) {
    INFO(r.why);
    const auto m = require_model(HM_HERE, head + r.group_by + "\n");
    const auto got = route_alert(m->alerting.routes, labels, Severity::Critical);
    REQUIRE(got.size() == 1);
    CHECK(got[0].group_key == r.expected);
    CHECK(got[0].route->grouped() == (std::string(r.expected) != ""));
  }
}
