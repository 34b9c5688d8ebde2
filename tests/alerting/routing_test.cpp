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
  // Group keys carry the route and the group_by values (inherited group_by is not).
  const auto m1 = route_alert(routes, {{"flow", "browse"}}, Severity::Warning);
  REQUIRE(m1.size() == 2);
  CHECK(m1[1].group_key == "oncall@1{flow=browse}");
  CHECK(m1[1].route->group_by == std::vector<std::string>{"flow"});
  CHECK(m1[0].group_key == "audit@0{}");
}
