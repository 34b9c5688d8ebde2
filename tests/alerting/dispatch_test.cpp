#include <catch2/catch.hpp>

#include "alerting/content.h"
#include "alerting/dispatch.h"
#include "alerting/retry.h"
#include "tests/support/world.h"

using namespace greenlight::alerting;
using namespace greenlight::model;
using namespace std::chrono_literals;
using greenlight::test::read_source_file;
using greenlight::test::require_model;
using greenlight::test::World;

namespace {
constexpr const char* kAlerting = R"(
[alerting.receivers.pager]
type = "pagerduty"
routing_key_env = "PD_KEY"
[alerting.receivers.am]
type = "alertmanager"
url = "http://127.0.0.1:9093"
[[alerting.routes]]
receiver = "oncall"
min_severity = "warning"
group_wait = "10s"
repeat_interval = "1h"
continue = true
[[alerting.routes]]
receiver = "pager"
match = { component = "database" }
continue = true
[[alerting.routes]]
receiver = "am"
match = { component = "database" }
)";

std::vector<std::string> sent(const std::vector<Notification>& ns, const std::string& alert) {
  std::vector<std::string> out;
  for (const auto& n : ns) {
    if (n.alert_id == alert) out.push_back(n.receiver + " " + std::string(to_string(n.reason)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// examples/shop.toml with its [[alerting.routes]] replaced by `routes`.
std::string shop_with_routes(const std::string& routes) {
  const std::string toml = read_source_file("examples/shop.toml");
  return toml.substr(0, toml.find("[[alerting.routes]]")) + routes;
}

// A world over a shop model, with an alert book and a dispatcher; pass() is one alert pass
// at the world's time: the book's update, dispatched.
struct Alerting {
  explicit Alerting(const std::string& toml) : w(require_model(HM_HERE, toml, "examples/shop.toml")), book(w.model()) {}
  std::vector<Notification> pass() {
    return d.dispatch(w.model(), w.state(), book, book.update(w.model(), w.state(), {}, w.now()), w.now());
  }
  std::vector<Notification> release(TimePoint t) { return d.release(w.model(), w.state(), book, t); }
  World w;
  AlertBook book;
  Dispatcher d;
};
}  // namespace

TEST_CASE("a transition goes to its routes' receivers, the resolve to everyone told", "[alerting][dispatch]") {
  Alerting a(shop_with_routes(kAlerting));
  auto& [w, book, d] = a;
  w.all_green();
  book.update(w.model(), w.state(), {}, w.now());
  w.settle("database", "tcp", Health::Red);
  auto ns = a.pass();
  // oncall's group_wait (10 s) holds its notification; the others go now.
  CHECK(sent(ns, "component/database") == std::vector<std::string>{"am firing", "pager firing"});
  CHECK(a.release(w.now() + 9s).empty());
  CHECK(sent(a.release(w.now() + 10s), "component/database") == std::vector<std::string>{"oncall firing"});
  // Alertmanager hears again within a minute; the others after repeat_interval (oncall 1h,
  // pager: the default 4h).
  w.advance(61s);
  CHECK(sent(d.repeats(w.model(), w.state(), book, w.now()), "component/database") == std::vector<std::string>{"am firing"});
  w.advance(1h);
  auto again = sent(d.repeats(w.model(), w.state(), book, w.now()), "component/database");
  CHECK(again == std::vector<std::string>{"am firing", "oncall firing"});
  // Resolved: to every receiver told, once.
  w.settle("database", "tcp", Health::Green);
  ns = a.pass();
  CHECK(sent(ns, "component/database") == std::vector<std::string>{"am resolved", "oncall resolved", "pager resolved"});
  CHECK(d.told().count("component/database") == 0);
  CHECK(d.repeats(w.model(), w.state(), book, w.now() + 5h).empty());
  // Ids: distinct per receiver and reason, reminders distinct from the firing.
  std::set<std::string> ids;
  for (const auto& n : ns) ids.insert(n.id);
  CHECK(ids.size() == ns.size());
}

TEST_CASE("after a restart, a restored firing alert neither pages again nor loses its resolve",
          "[alerting][dispatch][restart]") {
  Alerting a(read_source_file("examples/shop.toml"));  // a fresh process: every state unknown
  auto& [w, book, d] = a;
  const TimePoint started = w.now() - 5min;  // the incident began before the restart
  book.restore_told("component/database", Severity::Critical, started);
  d.restore_told("component/database", "oncall", started);
  // Unknown while nothing was probed yet: held, no resolve.
  auto ns = a.pass();
  CHECK(sent(ns, "component/database").empty());
  // Probed: still red. Nothing new to tell.
  w.all_green();
  w.settle("database", "tcp", Health::Red);
  ns = a.pass();
  CHECK(sent(ns, "component/database").empty());
  // Fixed: the resolve goes out with the alert's dedup key (no time in it: SPEC 6.5) and
  // the incident's original start in its journal key.
  w.settle("database", "tcp", Health::Green);
  ns = a.pass();
  REQUIRE(sent(ns, "component/database") == std::vector<std::string>{"oncall resolved"});
  for (const auto& n : ns) {
    if (n.alert_id == "component/database") {
      CHECK(n.record["dedup_key"] == "greenlight/component/database");
      CHECK(n.id.ends_with("@" + std::to_string(started.time_since_epoch().count())));
    }
  }
}

// Found by bench/chaos (issue 18): after a restart, a resolve lacked the firing's
// root_cause label (a restored alert had none until it was red again), so Alertmanager,
// which tells alerts apart by their labels, never resolved the alert it had been sent.
TEST_CASE("after a restart, the resolve carries the labels the firing had", "[alerting][dispatch][restart]") {
  Alerting before(shop_with_routes(kAlerting));
  before.w.all_green();
  before.pass();
  before.w.settle("database", "tcp", Health::Red);
  const auto fired = before.pass();
  const auto firing = std::find_if(fired.begin(), fired.end(), [](const Notification& n) {
    return n.alert_id == "component/database" && n.receiver == "am";
  });
  REQUIRE(firing != fired.end());
  const std::string root_cause = firing->record["labels"]["root_cause"];
  CHECK(root_cause == "database");

  Alerting after(shop_with_routes(kAlerting));  // the restarted process, told from the journal
  after.book.restore_told("component/database", Severity::Critical, firing->starts_at, root_cause);
  after.d.restore_told("component/database", "am", firing->starts_at);
  after.w.all_green();
  const auto ns = after.pass();
  const auto resolve = std::find_if(ns.begin(), ns.end(), [](const Notification& n) {
    return n.alert_id == "component/database" && n.receiver == "am";
  });
  REQUIRE(resolve != ns.end());
  CHECK(resolve->reason == NotifyReason::Resolved);
  CHECK(alertmanager_payload(resolve->record, NotifyReason::Resolved)[0]["labels"] ==
        alertmanager_payload(firing->record, NotifyReason::Firing)[0]["labels"]);
}

TEST_CASE("delivery outcomes: 2xx delivered, 408/429/5xx/no answer retried, other 4xx permanent",
          "[alerting][retry]") {
  CHECK(classify(200) == Delivery::Delivered);
  CHECK(classify(202) == Delivery::Delivered);
  CHECK(classify(0) == Delivery::Retry);
  CHECK(classify(408) == Delivery::Retry);
  CHECK(classify(429) == Delivery::Retry);
  CHECK(classify(500) == Delivery::Retry);
  CHECK(classify(503) == Delivery::Retry);
  CHECK(classify(400) == Delivery::Permanent);
  CHECK(classify(401) == Delivery::Permanent);
  CHECK(classify(404) == Delivery::Permanent);
  CHECK(classify(301) == Delivery::Retry);  // unexpected: keep trying rather than lose the page
}

TEST_CASE("backoff doubles with jitter, is capped, and honours Retry-After", "[alerting][retry]") {
  CHECK(backoff(1, 0.5) == 1s);
  CHECK(backoff(2, 0.5) == 2s);
  CHECK(backoff(3, 0.5) == 4s);
  CHECK(backoff(1, 0.0) == 500ms);   // jitter range [0.5, 1.5)
  CHECK(backoff(1, 0.999) < 1500ms);
  CHECK(backoff(30, 0.5) == 5min);   // capped
  CHECK(backoff(1, 0.5, 120s) == 120s);  // Retry-After wins when longer
  CHECK(backoff(10, 0.5, 1s) == backoff(10, 0.5));  // a shorter Retry-After does not shorten it
  CHECK(parse_retry_after("120") == 120s);
  CHECK(parse_retry_after(" 3 ") == 3s);
  CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT").has_value());
  CHECK_FALSE(parse_retry_after("-1").has_value());
}

TEST_CASE("a route with group_by batches a group: group_wait for a new group, group_interval after",
          "[alerting][dispatch][group]") {
  Alerting a(shop_with_routes(R"(
[[alerting.routes]]
receiver = "oncall"
group_by = ["owner"]
group_wait = "10s"
group_interval = "1m"
)"));
  auto& [w, book, d] = a;
  w.all_green();
  a.pass();
  const TimePoint t0 = w.now();
  // The database outage: every flow alert (flows have no owner) lands in one group whose
  // first batch goes after group_wait; the database's own alert (team-data) in another.
  w.settle("database", "tcp", Health::Red);
  CHECK(a.pass().empty());  // all held for their groups
  CHECK(a.release(t0 + 9s).empty());
  auto ns = a.release(t0 + 10s);
  std::set<std::string> flows;
  for (const auto& n : ns) {
    INFO(n.alert_id);
    CHECK(n.not_before == t0 + 10s);
    if (n.alert_id.starts_with("flow/")) {
      CHECK(n.group_key == "oncall@0{owner=}");
      flows.insert(n.alert_id);
    } else {
      CHECK(n.group_key == "oncall@0{owner=team-data}");
    }
  }
  CHECK(flows.size() >= 2);
  CHECK_FALSE(flows.count("flow/checkout"));  // alert_after 30s: still pending
  // Checkout fires 30 s later, after the group's first batch went: the next interval.
  w.advance(30s);
  CHECK(a.pass().empty());
  CHECK(a.release(t0 + 10s + 1min - 1s).empty());
  ns = a.release(t0 + 10s + 1min);
  REQUIRE(sent(ns, "flow/checkout") == std::vector<std::string>{"oncall firing"});
  // Recovery, at t0 + 2m30s: everything in both groups resolved, so the resolves go at
  // once, not at the group's next tick (t0 + 10s + 3 min).
  w.advance(2min);
  w.settle("database", "tcp", Health::Green);
  ns = a.pass();
  REQUIRE_FALSE(ns.empty());
  CHECK(a.release(t0 + 10s + 3min).empty());
  for (const auto& n : ns) {
    INFO(n.alert_id);
    CHECK(n.reason == NotifyReason::Resolved);
  }
  CHECK(d.told().empty());
  // Every alert of the group resolved: the group has ended; the next outage starts a new
  // one, which waits group_wait again.
  w.advance(10min);
  w.settle("database", "tcp", Health::Red);
  CHECK(a.pass().empty());
  CHECK_FALSE(a.release(w.now() + 10s).empty());
}

TEST_CASE("while held, an alert's changes fold into one notification of its state at send time",
          "[alerting][dispatch][group]") {
  Alerting a(shop_with_routes(R"(
[[alerting.routes]]
receiver = "oncall"
group_by = ["owner"]
group_wait = "10s"
)"));
  auto& [w, book, d] = a;
  w.all_green();
  a.pass();
  const TimePoint t0 = w.now();
  // Browse turns yellow (warning), then red (critical) within group_wait: one firing, critical.
  w.settle("recommendations", "health", Health::Red);  // degrading for browse: yellow
  CHECK(a.pass().empty());
  w.advance(3s);
  w.settle("database", "tcp", Health::Red);
  CHECK(a.pass().empty());
  auto ns = a.release(t0 + 10s);
  std::vector<std::string> browse;
  for (const auto& n : ns) {
    if (n.alert_id == "flow/browse") browse.push_back(std::string(to_string(n.reason)) + " " + n.record["severity"].get<std::string>());
  }
  CHECK(browse == std::vector<std::string>{"firing critical"});
  // A firing resolved before it was sent is never sent, and no resolve follows.
  w.settle("recommendations", "health", Health::Green);
  w.settle("database", "tcp", Health::Green);
  a.pass();
  a.release(w.now() + 2h);  // the browse resolve and others go
  w.advance(1h);            // a quiet group: the next outage is a new group
  w.settle("payments", "health", Health::Red);
  CHECK(a.pass().empty());
  w.advance(2s);
  w.settle("payments", "health", Health::Green);
  CHECK(a.pass().empty());
  CHECK(d.held() == 0);
  CHECK(a.release(w.now() + 1h).empty());
  CHECK(d.told().count("component/payments") == 0);
}

TEST_CASE("a route with group_by = [\"...\"] sends each alert alone", "[alerting][dispatch][group]") {
  Alerting a(shop_with_routes("[[alerting.routes]]\nreceiver = \"oncall\"\ngroup_by = [\"...\"]\n"));
  auto& [w, book, d] = a;
  w.all_green();
  book.update(w.model(), w.state(), {}, w.now());
  w.settle("database", "tcp", Health::Red);
  const auto ns = a.pass();
  REQUIRE_FALSE(ns.empty());
  for (const auto& n : ns) {
    CHECK(n.group_key.empty());
    CHECK(n.not_before == w.now());
  }
}

TEST_CASE("a flapping notice that meets its alert's firing still held for group_wait goes out as flapping",
          "[alerting][dispatch][flapping]") {
  Alerting a(shop_with_routes(kAlerting));
  auto& [w, book, d] = a;
  w.all_green();
  book.update(w.model(), w.state(), {}, w.now());
  w.settle("database", "tcp", Health::Red);
  a.pass();  // oncall's firing is held for its group_wait (10 s)
  const auto i = book.find("component/database");
  REQUIRE(i);
  const Notice flapping{*i, NotifyReason::Flapping, Severity::Critical, Health::Red, w.now()};
  CHECK(sent(d.dispatch(w.model(), w.state(), book, {flapping}, w.now()), "component/database") ==
        std::vector<std::string>{"am flapping", "pager flapping"});
  // Folded into the held firing: one notification, and it says that it flaps.
  CHECK(sent(a.release(w.now() + 10s), "component/database") == std::vector<std::string>{"oncall flapping"});
}

TEST_CASE("a flapping notice to a receiver told of the firing goes at once, and its resolve after it",
          "[alerting][dispatch][flapping]") {
  Alerting a(shop_with_routes(kAlerting));
  auto& [w, book, d] = a;
  w.all_green();
  book.update(w.model(), w.state(), {}, w.now());
  w.settle("database", "tcp", Health::Red);
  a.pass();
  REQUIRE(sent(a.release(w.now() + 10s), "component/database") == std::vector<std::string>{"oncall firing"});
  const auto i = book.find("component/database");
  REQUIRE(i);
  // It starts flapping: every receiver told of the firing hears it now, not at the group's
  // next tick (group_interval).
  w.advance(20s);
  const Notice flapping{*i, NotifyReason::Flapping, Severity::Critical, Health::Green, w.now()};
  CHECK(sent(d.dispatch(w.model(), w.state(), book, {flapping}, w.now()), "component/database") ==
        std::vector<std::string>{"am flapping", "oncall flapping", "pager flapping"});
  // It settles red: the settled firing waits for the group's next tick...
  w.advance(10s);
  const Notice settled{*i, NotifyReason::Firing, Severity::Critical, Health::Red, w.now()};
  CHECK(sent(d.dispatch(w.model(), w.state(), book, {settled}, w.now()), "component/database") ==
        std::vector<std::string>{"am firing"});
  // ...and then it recovers before that tick: each receiver, told of the firing, is told it
  // resolved (the held settled firing is not the receiver's first word: it gives way).
  w.advance(10s);
  const Notice resolved{*i, NotifyReason::Resolved, Severity::Critical, Health::Green, w.now()};
  auto ns = d.dispatch(w.model(), w.state(), book, {resolved}, w.now());
  auto later = a.release(w.now() + 10min);
  ns.insert(ns.end(), later.begin(), later.end());
  CHECK(sent(ns, "component/database") == std::vector<std::string>{"am resolved", "oncall resolved", "pager resolved"});
}
