#include <catch2/catch.hpp>

#include "model/load.h"
#include "tests/support/world.h"

using namespace greenlight::model;
using greenlight::test::read_source_file;
using greenlight::test::require_config_error;
using greenlight::test::require_model;

namespace {
// A valid component to append to the error cases below (lines 1-5 of every case).
constexpr const char* kBase = R"([components.db]
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
)";
std::string with_base(const char* rest) { return std::string(kBase) + rest; }
}  // namespace

TEST_CASE("the SPEC example validates and means what its comments say", "[model][load][spec]") {
  auto m = require_model(HM_HERE, read_source_file("tests/data/spec_example.toml"), "/etc/greenlight/spec.toml");
  CHECK(m->daemon.listen == "127.0.0.1:9750");
  CHECK(m->daemon.state_dir == "/etc/greenlight/state");  // relative to the file's directory
  CHECK(m->daemon.interval == std::chrono::seconds(10));

  const Signal& db = m->signals[*m->find_signal("db", "tcp")];
  CHECK(db.kind == ProbeKind::Tcp);
  CHECK(std::get<TcpSpec>(db.spec).target == "127.0.0.1:5432");
  CHECK(db.timeout == std::chrono::seconds(1));
  CHECK(db.failures == 3);
  CHECK(db.stale_after == std::chrono::seconds(30));  // 3 x interval

  const Signal& pricing = m->signals[*m->find_signal("pricing", "health")];
  CHECK(std::get<HttpSpec>(pricing.spec).expect_status == std::vector<int>{200});
  CHECK(pricing.thresholds.yellow_above == 0.3);
  CHECK(pricing.thresholds.red_above == 1.0);
  CHECK(pricing.timeout == std::chrono::seconds(10));  // min(10s, interval)

  const Signal& backup = m->signals[*m->find_signal("backup", "nightly")];
  CHECK(backup.kind == ProbeKind::Heartbeat);
  CHECK(backup.thresholds.red_above == 26 * 3600.0);  // age in seconds

  const Component& web = m->components[*m->find_component("web")];
  CHECK(web.name == "Front end");
  REQUIRE(web.depends_on.size() == 2);
  CHECK(m->components[web.depends_on[1].component].id == "recommendations");
  CHECK(web.depends_on[1].impact == Impact::Degrading);

  const Flow& checkout = m->flows[*m->find_flow("checkout")];
  CHECK(checkout.kind == FlowKind::User);
  CHECK(checkout.criticality == Criticality::High);
  CHECK(checkout.steps.size() == 3);
  CHECK(checkout.alert_after == std::chrono::seconds(30));
  CHECK(m->flows[*m->find_flow("backups")].kind == FlowKind::System);

  REQUIRE(m->alerting.receivers.size() == 1);
  CHECK(m->alerting.receivers[0].type == ReceiverType::Webhook);
  REQUIRE(m->alerting.routes.size() == 1);
  CHECK(m->alerting.routes[0].min_severity == Severity::Warning);
  CHECK(m->alerting.routes[0].repeat_interval == std::chrono::hours(4));  // SPEC 5a default
  CHECK(m->alerting.routes[0].group_by == std::vector<std::string>{"root_cause"});  // SPEC 6.1 default
  CHECK(m->alerting.routes[0].grouped());
  CHECK(m->alerting.severity.of(Criticality::High, Health::Red) == Severity::Critical);
  CHECK(m->alerting.severity.of(Criticality::Low, Health::Yellow) == Severity::None);
  CHECK(m->alerting.severity.of(Criticality::High, Health::Unknown) == Severity::None);
}

TEST_CASE("the shop example validates", "[model][load][seed]") {
  auto m = require_model(HM_HERE, read_source_file("examples/shop.toml"), "examples/shop.toml");
  for (const char* id : {"web", "cart", "catalog", "profile", "pricing", "database", "event-stream",
                         "recommendations", "payments", "backup"}) {
    INFO(id);
    CHECK(m->find_component(id).has_value());
  }
  for (const char* id : {"browse", "add-to-cart", "checkout", "update-product-data", "email-preferences"}) {
    INFO(id);
    CHECK(m->find_flow(id).has_value());
  }
  CHECK(m->components[*m->find_component("catalog")].is_group());
}

TEST_CASE("each validation error points at the right line and column", "[model][load][errors]") {
  // Table-driven: every case is kBase (lines 1-5) plus a snippet starting on line 6.
  SECTION("unknown key at the top level") {
    require_config_error(HM_HERE, with_base("colour = 1\n"), 6, 1, R"(unknown key "colour")");
  }
  SECTION("flapping: the old max_changes / window, replaced by high / low") {
    require_config_error(HM_HERE, with_base("[alerting.flapping]\nmax_changes = 6\n"), 7, 15,
                         R"([alerting.flapping]: "max_changes" is no longer supported: flapping is the weighted share)");
    require_config_error(HM_HERE, with_base("[alerting.flapping]\nhigh = 30\nwindow = \"10m\"\n"), 8, 10,
                         R"("window" is no longer supported)");
  }
  SECTION("flapping: thresholds are percentages, low not above high") {
    require_config_error(HM_HERE, with_base("[alerting.flapping]\nhigh = 0\n"), 7, 8,
                         R"("high" must be a percentage above 0 and at most 100)");
    require_config_error(HM_HERE, with_base("[alerting.flapping]\nlow = 100.5\n"), 7, 7,
                         R"("low" must be a percentage above 0 and at most 100)");
    require_config_error(HM_HERE, with_base("[alerting.flapping]\nhigh = 20\nlow = 22.5\n"), 8, 7,
                         R"("low" (22.5) must not be above "high" (20))");
    require_config_error(HM_HERE, with_base("[alerting.flapping]\nhigh = 20\n"), 7, 8,
                         R"("low" (25) must not be above "high" (20))");
    require_config_error(HM_HERE, with_base("[alerting.flapping]\nhigh = \"30%\"\n"), 7, 8,
                         R"("high" must be a number, not a string)");
  }
  SECTION("unknown key in a component") {
    require_config_error(HM_HERE, with_base("[components.web]\nownr = \"x\"\n"), 7, 1,
                         R"(component "web": unknown key "ownr")");
  }
  SECTION("unknown key in a signal, for that probe kind") {
    require_config_error(HM_HERE, with_base("[components.web]\n  [[components.web.signals]]\n  id = \"h\"\n  probe = \"tcp\"\n  target = \"127.0.0.1:80\"\n  url = \"http://x/\"\n"),
                         11, 3, R"(component "web" signal "h": unknown key "url")");
  }
  SECTION("wrong type") {
    require_config_error(HM_HERE, with_base("[components.web]\nalert = \"yes\"\n"), 7, 9,
                         R"("alert" must be a boolean, not a string)");
  }
  SECTION("wrong type of a threshold") {
    require_config_error(HM_HERE, with_base("[components.web]\n  [[components.web.signals]]\n  id = \"h\"\n  probe = \"tcp\"\n  target = \"127.0.0.1:80\"\n  red_above = \"1s\"\n"),
                         11, 15, R"("red_above" must be a number)");
  }
  SECTION("bad duration") {
    require_config_error(HM_HERE, with_base("[daemon]\ninterval = \"10 seconds\"\n"), 7, 12,
                         R"(bad duration "10 seconds" for "interval")");
  }
  SECTION("dangling dependency") {
    require_config_error(HM_HERE, with_base("[components.web]\ndepends_on = [\"db\", \"cache\"]\n"), 7, 21,
                         R"(component "web": depends_on references unknown component "cache")");
  }
  SECTION("dangling dependency in table form") {
    require_config_error(HM_HERE, with_base("[components.web]\ndepends_on = [ { component = \"cache\", impact = \"critical\" } ]\n"),
                         7, 30, R"(references unknown component "cache")");
  }
  SECTION("bad impact") {
    require_config_error(HM_HERE, with_base("[components.web]\ndepends_on = [ { component = \"db\", impact = \"fatal\" } ]\n"),
                         7, 45, R"(impact must be "critical", "degrading" or "informational")");
  }
  SECTION("dangling flow step") {
    require_config_error(HM_HERE, with_base("[flows.checkout]\nsteps = [\"db\", \"payments\"]\n"), 7, 16,
                         R"(flow "checkout": step references unknown component "payments")");
  }
  SECTION("dangling group member") {
    require_config_error(HM_HERE, with_base("[components.g]\nmembers = [\"db\", \"db2\"]\n"), 7, 18,
                         R"(members references unknown component "db2")");
  }
  SECTION("a group with signals") {
    require_config_error(HM_HERE, with_base("[components.g]\nmembers = [\"db\"]\n  [[components.g.signals]]\n  id = \"x\"\n  probe = \"tcp\"\n  target = \"127.0.0.1:1\"\n"),
                         8, 3, "a redundancy group takes its state from its members and cannot have signals");
  }
  SECTION("healthy_min beyond the group's size") {
    require_config_error(HM_HERE, with_base("[components.g]\nmembers = [\"db\"]\nhealthy_min = 2\n"), 8, 15,
                         R"("healthy_min" is 2 but the group has only 1 members)");
  }
  SECTION("healthy_min on a component that is not a group") {
    require_config_error(HM_HERE, with_base("[components.g]\nhealthy_min = \"50%\"\n"), 7, 15,
                         "applies only to a redundancy group");
  }
  SECTION("a flow with no steps") {
    require_config_error(HM_HERE, with_base("[flows.checkout]\nsteps = []\n"), 7, 9, "a flow needs at least one step");
  }
  SECTION("a flow without steps at all") {
    require_config_error(HM_HERE, with_base("[flows.checkout]\nkind = \"user\"\n"), 6, 1,
                         R"(flow "checkout": missing required key "steps")");
  }
  SECTION("bad flow kind and criticality") {
    require_config_error(HM_HERE, with_base("[flows.checkout]\nsteps = [\"db\"]\ncriticality = \"urgent\"\n"), 8, 15,
                         R"(criticality must be "high", "medium" or "low")");
  }
  SECTION("a cycle is rejected with its path") {
    require_config_error(HM_HERE, with_base(R"([components.a]
depends_on = ["b"]
[components.b]
depends_on = ["c"]
[components.c]
depends_on = ["a", "db"]
)"),
                         7, 15, "dependency cycle: a -> b -> c -> a");
  }
  SECTION("a self-dependency is a cycle") {
    require_config_error(HM_HERE, with_base("[components.a]\ndepends_on = [\"a\"]\n"), 7, 15, "dependency cycle: a -> a");
  }
  SECTION("unknown probe kind") {
    require_config_error(HM_HERE, with_base("[components.w]\n  [[components.w.signals]]\n  id = \"x\"\n  probe = \"ping\"\n"),
                         9, 11, R"(unknown probe "ping")");
  }
  SECTION("missing required probe key") {
    require_config_error(HM_HERE, with_base("[components.w]\n  [[components.w.signals]]\n  id = \"x\"\n  probe = \"http\"\n"),
                         7, 3, R"(missing required key "url")");
  }
  SECTION("bad url") {
    require_config_error(HM_HERE, with_base("[components.w]\n  [[components.w.signals]]\n  id = \"x\"\n  probe = \"http\"\n  url = \"localhost:80\"\n"),
                         10, 9, "must be an http:// or https:// URL");
  }
  SECTION("duplicate signal id") {
    require_config_error(HM_HERE, with_base("  [[components.db.signals]]\n  id = \"tcp\"\n  probe = \"tcp\"\n  target = \"127.0.0.1:1\"\n"),
                         7, 8, R"(signal id "tcp" is used twice)");
  }
  SECTION("yellow above red") {
    require_config_error(HM_HERE, with_base("[components.w]\n  [[components.w.signals]]\n  id = \"x\"\n  probe = \"tcp\"\n  target = \"127.0.0.1:1\"\n  yellow_above = 2\n  red_above = 1\n"),
                         11, 18, "yellow_above (2.000000) must not be above red_above (1.000000)");
  }
  SECTION("failures out of range") {
    require_config_error(HM_HERE, with_base("[components.w]\n  [[components.w.signals]]\n  id = \"x\"\n  probe = \"tcp\"\n  target = \"127.0.0.1:1\"\n  failures = 0\n"),
                         11, 14, R"("failures" must be between 1 and 1000)");
  }
  SECTION("heartbeat without red_after") {
    require_config_error(HM_HERE, with_base("[components.w]\n  [[components.w.signals]]\n  id = \"x\"\n  probe = \"heartbeat\"\n"),
                         7, 3, R"(missing required key "red_after")");
  }
  SECTION("exec with an empty command") {
    require_config_error(HM_HERE, with_base("[components.w]\n  [[components.w.signals]]\n  id = \"x\"\n  probe = \"exec\"\n  command = []\n"),
                         10, 13, R"("command" must not be empty)");
  }
  SECTION("bad expect_body regex") {
    require_config_error(HM_HERE, with_base("[components.w]\n  [[components.w.signals]]\n  id = \"x\"\n  probe = \"http\"\n  url = \"http://127.0.0.1/\"\n  expect_body = \"(\"\n"),
                         11, 17, "expect_body is not a valid regular expression");
  }
  SECTION("listening beyond loopback without a token") {
    require_config_error(HM_HERE, with_base("[daemon]\nlisten = \"0.0.0.0:9750\"\n"), 7, 10,
                         R"(listening beyond loopback (0.0.0.0:9750) requires "auth_token_file")");
  }
  SECTION("route to an unknown receiver") {
    require_config_error(HM_HERE, with_base("[[alerting.routes]]\nreceiver = \"pager\"\n"), 7, 12,
                         R"(route references unknown receiver "pager")");
  }
  SECTION("group_by \"...\" with other labels") {
    require_config_error(HM_HERE,
                         with_base("[alerting.receivers.x]\ntype = \"webhook\"\nurl = \"http://127.0.0.1:1/\"\n"
                                   "[[alerting.routes]]\nreceiver = \"x\"\ngroup_by = [\"...\", \"flow\"]\n"),
                         11, 12, R"(group_by = ["..."] (one group per alert) cannot name other labels)");
  }
  SECTION("receiver of an unknown type") {
    require_config_error(HM_HERE, with_base("[alerting.receivers.x]\ntype = \"email\"\n"), 7, 8,
                         "receiver type must be webhook, alertmanager, pagerduty or slack");
  }
  SECTION("pagerduty without a routing key") {
    require_config_error(HM_HERE, with_base("[alerting.receivers.pd]\ntype = \"pagerduty\"\n"), 6, 1,
                         R"(missing "routing_key_file" or "routing_key_env")");
  }
  SECTION("bad severity in the matrix") {
    require_config_error(HM_HERE, with_base("[alerting.severity]\nhigh = { red = \"page\" }\n"), 7, 16,
                         "severity must be none, info, warning, error or critical");
  }
  SECTION("silence that ends before it starts") {
    require_config_error(HM_HERE, with_base("[[alerting.silences]]\nmatch = { component = \"db\" }\nstarts_at = 2026-11-26T10:00:00Z\nends_at = 2026-11-26T09:00:00Z\n"),
                         9, 11, "ends_at must be after starts_at");
  }
  SECTION("action on an unknown component") {
    require_config_error(HM_HERE, with_base("[[actions]]\nname = \"restart\"\ncomponent = \"cache\"\nrun = [\"/bin/true\"]\n"),
                         8, 13, R"(action references unknown component "cache")");
  }
  SECTION("action with both run and url") {
    require_config_error(HM_HERE, with_base("[[actions]]\nname = \"restart\"\ncomponent = \"db\"\nrun = [\"/bin/true\"]\nurl = \"http://127.0.0.1/\"\n"),
                         6, 1, R"(set exactly one of "run" and "url")");
  }
  SECTION("invalid component id") {
    require_config_error(HM_HERE, with_base("[components.\"my db\"]\n"), 6, 13, "may only use letters");
  }
  SECTION("TOML syntax error") {
    require_config_error(HM_HERE, with_base("[components.web\n"), 6, 16, "TOML syntax");
  }
  SECTION("a heartbeat's yellow_after after its red_after: one error, at yellow_after (it crashed the loader)") {
    const LoadResult r = load(R"([components.backup]
  [[components.backup.signals]]
  id = "nightly"
  probe = "heartbeat"
  red_after = "10s"
  yellow_after = "25h"
)", "age.toml");
    REQUIRE(r.errors.size() == 1);
    CHECK(format(r.errors[0]) ==
          R"(age.toml:6:18: error: component "backup" signal "nightly": yellow_after must not be after red_after)");
  }
  SECTION("no components at all") {
    require_config_error(HM_HERE, "[daemon]\ninterval = \"5s\"\n", 1, 1, "the model has no components");
  }
}

TEST_CASE("validation reports every error, in file order", "[model][load][errors]") {
  const LoadResult r = load(R"([components.a]
foo = 1
depends_on = ["nope"]
  [[components.a.signals]]
  id = "x"
  probe = "tcp"
  target = "nohost"
  timeout = "5x"
[flows.f]
steps = []
)",
                            "many.toml");
  REQUIRE(r.errors.size() == 5);
  std::vector<int> lines;
  for (const auto& e : r.errors) lines.push_back(e.line);
  CHECK(lines == std::vector<int>{2, 3, 7, 8, 10});
  CHECK(format(r.errors[0]) == R"(many.toml:2:1: error: component "a": unknown key "foo")");
}

TEST_CASE("cycle errors list each edge with its location", "[model][load][errors][cycle]") {
  const LoadResult r = load(R"([components.a]
depends_on = ["b"]
[components.b]
members = ["a"]
)",
                            "cycle.toml");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].message ==
        "dependency cycle: a -> b -> a\n  cycle.toml:2:15: a -> b\n  cycle.toml:4:12: b -> a");
}

TEST_CASE("defaults follow SPEC 5a", "[model][load][defaults]") {
  auto m = require_model(HM_HERE, R"(
[daemon]
interval = "5s"
[components.x]
  [[components.x.signals]]
  id = "fast"
  probe = "tcp"
  target = "127.0.0.1:1"
  [[components.x.signals]]
  id = "slow"
  probe = "tls"
  target = "example.org:443"
  interval = "1h"
[flows.f]
steps = ["x"]
)");
  const Signal& fast = m->signals[*m->find_signal("x", "fast")];
  const Signal& slow = m->signals[*m->find_signal("x", "slow")];
  CHECK(fast.interval == std::chrono::seconds(5));
  CHECK(fast.timeout == std::chrono::seconds(5));   // the smaller of 10s and its interval
  CHECK(slow.timeout == std::chrono::seconds(10));
  CHECK(fast.stale_after == std::chrono::seconds(15));
  CHECK(fast.failures == 1);
  CHECK(fast.successes == 1);
  CHECK(slow.thresholds.yellow_below == 14);  // days before expiry
  CHECK(m->flows[0].kind == FlowKind::User);
  CHECK(m->flows[0].criticality == Criticality::Medium);
  CHECK(m->daemon.listen == "127.0.0.1:9750");
  CHECK(m->daemon.external_url == "http://127.0.0.1:9750/");
}

TEST_CASE("relative paths are relative to the config file's directory", "[model][load][paths]") {
  auto m = require_model(HM_HERE, R"(
[daemon]
state_dir = "var/state"
auth_token_file = "/etc/greenlight/token"
[components.x]
  [[components.x.signals]]
  id = "plugin"
  probe = "exec"
  command = ["./plugins/check_thing", "-w", "5"]
  [[components.x.signals]]
  id = "path"
  probe = "exec"
  command = ["check_tcp", "-H", "127.0.0.1"]
  [[components.x.signals]]
  id = "backup"
  probe = "file_age"
  path = "../backups/latest.tar"
  red_after = "26h"
)",
                         "/srv/shop/greenlight.toml");
  CHECK(m->daemon.state_dir == "/srv/shop/var/state");
  CHECK(m->daemon.auth_token_file == "/etc/greenlight/token");
  CHECK(std::get<ExecSpec>(m->signals[0].spec).command ==
        std::vector<std::string>{"/srv/shop/plugins/check_thing", "-w", "5"});
  CHECK(std::get<ExecSpec>(m->signals[1].spec).command[0] == "check_tcp");  // looked up on PATH
  CHECK(std::get<FileAgeSpec>(m->signals[2].spec).path == "/srv/backups/latest.tar");
}

TEST_CASE("the whole schema of SPEC 5 is accepted", "[model][load][schema]") {
  auto m = require_model(HM_HERE, R"toml(
[daemon]
listen = "0.0.0.0:9750"
auth_token_file = "token"
external_url = "https://greenlight.example/"
log_level = "debug"

[components.api]
name = "API"
description = "d"
runbook = "https://runbooks.example/api"
owner = "team"
alert = true
criticality = "high"
labels = { tier = "backend" }
  [[components.api.signals]]
  id = "http"
  probe = "http"
  url = "https://127.0.0.1:8443/health"
  method = "POST"
  headers = { Authorization = "Bearer x" }
  body = "{}"
  expect_status = [200, 204]
  expect_body = "ok"
  ca_file = "ca.pem"
  tls_verify = false
  interval = "30s"
  timeout = "2s"
  stale_after = "2m"
  failures = 2
  successes = 3
  yellow_above = 0.5
  red_above = 2
  description = "health endpoint"
  [[components.api.signals]]
  id = "cert"
  probe = "tls"
  target = "127.0.0.1:8443"
  server_name = "api.example"
  yellow_below = 30
  red_below = 7
  [[components.api.signals]]
  id = "plugin"
  probe = "exec"
  command = ["/usr/lib/nagios/plugins/check_tcp", "-H", "127.0.0.1", "-p", "8443"]
  [[components.api.signals]]
  id = "errors"
  probe = "prometheus"
  url = "http://127.0.0.1:9090"
  query = "sum(rate(http_requests_total{code=~\"5..\"}[5m]))"
  yellow_above = 1
  [[components.api.signals]]
  id = "queue"
  probe = "scrape"
  url = "http://127.0.0.1:8080/metrics"
  metric = "queue_depth"
  labels = { queue = "orders" }
  red_above = 1000
  [[components.api.signals]]
  id = "export"
  probe = "file_age"
  path = "/var/export/latest"
  yellow_after = "2h"
  red_after = "6h"
  [[components.api.signals]]
  id = "cron"
  probe = "heartbeat"
  red_after = "1h"

[flows.use]
name = "Use"
description = "d"
kind = "system"
criticality = "low"
steps = ["api"]
alert_after = "1m"
runbook = "https://runbooks.example/use"
owner = "team"
labels = { product = "shop" }

[alerting.severity]
high = { red = "critical", yellow = "error", unknown = "warning" }
low = { yellow = "info" }

[alerting.flapping]
high = 40
low = 27.5

[alerting.receivers.hook]
type = "webhook"
url = "http://127.0.0.1:9099/hook"
secret_file = "whsec.txt"
headers = { X-Team = "sre" }
timeout = "5s"

[alerting.receivers.am]
type = "alertmanager"
url = "http://127.0.0.1:9093"

[alerting.receivers.pd]
type = "pagerduty"
routing_key_env = "PD_ROUTING_KEY"

[alerting.receivers.chat]
type = "slack"
url_file = "slack-url.txt"

[[alerting.routes]]
receiver = "hook"
match = { owner = "team" }
match_re = { flow = "use|buy" }
min_severity = "info"
group_by = ["flow"]
group_wait = "10s"
group_interval = "1m"
repeat_interval = "1h"
continue = true
  [[alerting.routes.routes]]
  receiver = "pd"
  min_severity = "critical"

[[alerting.silences]]
match = { component = "api" }
starts_at = 2026-11-26T22:00:00Z
ends_at = 2026-11-27T02:00:00+01:00
author = "alice"
comment = "database upgrade"

[[actions]]
name = "restart-api"
component = "api"
state = "red"
for = "2m"
run = ["/usr/bin/systemctl", "restart", "api"]
timeout = "30s"
cooldown = "10m"
max_attempts = 3
window = "1h"
during_silence = false

[[actions]]
name = "scale"
flow = "use"
state = "yellow"
url = "http://127.0.0.1:9000/scale"
)toml",
                         "/etc/greenlight/all.toml");
  CHECK(m->signals.size() == 7);
  CHECK(m->alerting.receivers.size() == 4);
  CHECK(m->alerting.flapping.high == 40);
  CHECK(m->alerting.flapping.low == 27.5);
  REQUIRE(m->alerting.routes.size() == 1);
  CHECK(m->alerting.routes[0].routes.size() == 1);
  CHECK(m->alerting.routes[0].routes[0].group_by == std::vector<std::string>{"flow"});  // inherited
  CHECK(std::regex_match("buy", m->alerting.routes[0].match_re[0].re));
  CHECK_FALSE(std::regex_match("buyer", m->alerting.routes[0].match_re[0].re));  // anchored
  CHECK(m->alerting.severity.of(Criticality::High, Health::Unknown) == Severity::Warning);
  REQUIRE(m->alerting.silences.size() == 1);
  CHECK(m->alerting.silences[0].ends_at - m->alerting.silences[0].starts_at == std::chrono::hours(3));
  const auto hook = std::find_if(m->alerting.receivers.begin(), m->alerting.receivers.end(),
                                 [](const Receiver& r) { return r.name == "hook"; });
  REQUIRE(hook != m->alerting.receivers.end());
  CHECK(hook->secret.file == "/etc/greenlight/whsec.txt");
  CHECK(hook->headers == Headers{{"X-Team", "sre"}});
  CHECK(m->actions.size() == 2);
  CHECK(m->actions[0].for_duration == std::chrono::minutes(2));
  const Signal& file_age = m->signals[*m->find_signal("api", "export")];
  CHECK(file_age.thresholds.yellow_above == 7200);
  CHECK(file_age.thresholds.red_above == 21600);
}
