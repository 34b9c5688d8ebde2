// Incidents, not symptoms (SPEC 6.1), end to end through Engine::step on a fake clock: the
// shop's database outage, which turns five flows and the database red, is ONE group
// notification per receiver (one webhook request, one PagerDuty event, one Slack message)
// that names the database and lists every affected flow; a second root cause is a second
// incident; the group follows its severity; and its resolve goes at the next evaluation.
// The model is examples/shop.toml with its routes replaced by three receivers on the
// default grouping (by root cause).

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "alerting/encode.h"
#include "tests/engine/sim.h"
#include "tests/support/world.h"

using namespace greenlight;
using namespace greenlight::model;
using namespace std::chrono_literals;
using greenlight::test::read_source_file;
using greenlight::test::require_model;
using greenlight::test::Sim;
using nlohmann::json;

namespace {

constexpr const char* kReceivers = R"(
[alerting.receivers.pager]
type = "pagerduty"
routing_key_env = "PD_KEY"
url = "http://127.0.0.1:1/v2/enqueue"
[alerting.receivers.chat]
type = "slack"
url = "http://127.0.0.1:1/slack"
[[alerting.routes]]
receiver = "oncall"
min_severity = "warning"
group_wait = "30s"
group_interval = "1m"
continue = true
[[alerting.routes]]
receiver = "pager"
min_severity = "warning"
group_wait = "30s"
group_interval = "1m"
continue = true
[[alerting.routes]]
receiver = "chat"
min_severity = "warning"
group_wait = "30s"
group_interval = "1m"
)";

std::shared_ptr<const Model> shop() {
  const std::string toml = read_source_file("examples/shop.toml");
  return require_model(HM_HERE, toml.substr(0, toml.find("[[alerting.routes]]")) + kReceivers, "examples/shop.toml");
}

// One request to one receiver: the notifications the engine returned for it at one time
// with one group key (the delivery sends exactly these together).
struct Request {
  std::string receiver;
  TimePoint at;
  std::string group_key;
  std::vector<alerting::Notification> batch;
};

// The requests sent from the `from`-th notification on, in order.
std::vector<Request> requests(const Sim& sim, std::size_t from = 0) {
  std::vector<Request> out;
  for (std::size_t i = from; i < sim.notifications.size(); ++i) {
    const alerting::Notification& n = sim.notifications[i];
    auto it = std::find_if(out.begin(), out.end(), [&](const Request& r) {
      return r.receiver == n.receiver && r.at == sim.sent_at[i] && r.group_key == n.group_key && !n.group_key.empty();
    });
    if (it == out.end()) {
      out.push_back({n.receiver, sim.sent_at[i], n.group_key, {}});
      it = out.end() - 1;
    }
    it->batch.push_back(n);
  }
  return out;
}

std::vector<Request> to(const std::vector<Request>& rs, const std::string& receiver) {
  std::vector<Request> out;
  for (const Request& r : rs) {
    if (r.receiver == receiver) out.push_back(r);
  }
  return out;
}

// The request's body, as the delivery would send it.
json body(Sim& sim, const Request& r) {
  const auto& receivers = sim.engine().model().alerting.receivers;
  const auto rc =
      std::find_if(receivers.begin(), receivers.end(), [&](const Receiver& x) { return x.name == r.receiver; });
  REQUIRE(rc != receivers.end());
  const alerting::Encoded e = alerting::encode(*rc, "routing-key", r.batch, r.at);
  REQUIRE(e.request.has_value());
  return json::parse(e.request->body);
}

std::set<std::string> alert_ids(const Request& r) {
  std::set<std::string> out;
  for (const auto& n : r.batch) out.insert(n.alert_id);
  return out;
}

const json& incident(const Request& r) { return r.batch.back().incident; }

std::vector<std::string> flow_ids(const json& incident) {
  std::vector<std::string> out;
  for (const json& f : incident.at("affected_flows")) out.push_back(f.at("id"));
  return out;
}

// Highest criticality first, then in the model's order (by id).
const std::vector<std::string> kAffected{"add-to-cart", "browse", "checkout", "update-product-data",
                                         "email-preferences"};
const std::string kSummary =
    "Orders database is red: connect timed out \u2014 breaks Add to cart, Browse and search, Check out (high), "
    "Update product data (medium), Email preferences (low)";

}  // namespace

TEST_CASE("incidents: the shop's database outage is one notification per receiver, naming the database and every "
          "affected flow, and its resolve goes at the next evaluation",
          "[engine][incidents]") {
  Sim sim(shop());
  sim.run_for(20s);
  REQUIRE(sim.notifications.empty());
  sim.fail("database/tcp", "connect timed out");
  sim.run_for(2min);  // failures = 3 at 5s, then group_wait (30s), covering checkout's alert_after (30s)
  REQUIRE(sim.component("database") == Health::Red);

  const auto rs = requests(sim);
  const std::map<std::string, std::string> route_of{{"oncall", "0"}, {"pager", "1"}, {"chat", "2"}};
  for (const auto& [receiver, route] : route_of) {
    INFO(receiver);
    const auto mine = to(rs, receiver);
    REQUIRE(mine.size() == 1);  // one notification for the outage, not one per flow
    const Request& r = mine.front();
    CHECK(r.group_key == receiver + "@" + route + "{root_cause=database}");
    // Every alert of the outage is in it, the database's own included; payments' alert
    // (red only because of the database) is suppressed.
    CHECK(alert_ids(r) == std::set<std::string>{"component/database", "flow/add-to-cart", "flow/browse",
                                                "flow/checkout", "flow/email-preferences",
                                                "flow/update-product-data"});
    for (const auto& n : r.batch) CHECK(n.record.at("labels").at("root_cause") == "database");
    const json& in = incident(r);
    CHECK(in.at("status") == "firing");
    CHECK(in.at("severity") == "critical");
    CHECK(in.at("summary") == kSummary);
    CHECK(flow_ids(in) == kAffected);
    REQUIRE(in.at("root_causes").size() == 1);
    CHECK(in.at("root_causes")[0].at("component") == "database");
    CHECK(in.at("root_causes")[0].at("message") == "connect timed out");
    CHECK(in.at("runbook_url") == "https://runbooks.example/shop/database");
    CHECK(in.at("owner") == "team-data");
  }
  // As the receivers see it: one webhook request with every notification and the incident,
  // one PagerDuty event, one Slack message, each led by the root cause.
  const json hook = body(sim, to(rs, "oncall").front());
  CHECK(hook.at("notifications").size() == 6);
  CHECK(hook.at("summary") == kSummary);
  const json page = body(sim, to(rs, "pager").front());
  CHECK(page.at("event_action") == "trigger");
  CHECK(page.at("payload").at("summary") == kSummary);
  CHECK(page.at("payload").at("severity") == "critical");
  const std::string dedup_key = page.at("dedup_key");
  const json chat = body(sim, to(rs, "chat").front());
  CHECK(chat.at("text").get<std::string>().find(kSummary) != std::string::npos);
  CHECK(chat.at("text").get<std::string>().find("owner: team-data") != std::string::npos);
  CHECK(chat.at("text").get<std::string>().find("https://runbooks.example/shop/database") != std::string::npos);

  // The database recovers: every alert of the group resolves in one evaluation, and the
  // resolve goes then, not at the group's next tick (group_interval 1m).
  const std::size_t before = sim.notifications.size();
  sim.pass("database/tcp");
  const TimePoint recovery = sim.now();
  sim.run_for(10s);
  REQUIRE(sim.component("database") == Health::Green);
  const auto resolves = requests(sim, before);
  for (const char* receiver : {"oncall", "pager", "chat"}) {
    INFO(receiver);
    const auto mine = to(resolves, receiver);
    REQUIRE(mine.size() == 1);
    CHECK(mine.front().at - recovery <= 6s);  // the probe's next slot (5s) and the next pass
    CHECK(alert_ids(mine.front()).size() == 6);
    CHECK(incident(mine.front()).at("status") == "resolved");
    for (const auto& n : mine.front().batch) CHECK(n.reason == alerting::NotifyReason::Resolved);
  }
  const json resolve = body(sim, to(resolves, "pager").front());
  CHECK(resolve.at("event_action") == "resolve");
  CHECK(resolve.at("dedup_key") == dedup_key);  // the same incident, trigger to resolve
  CHECK(body(sim, to(resolves, "oncall").front()).at("status") == "resolved");
  sim.run_for(10min);
  CHECK(sim.notifications.size() == before + 18);  // nothing after: no reminders, no second resolve
}

TEST_CASE("incidents: a second root cause in the same outage is a second incident, not an update of the first",
          "[engine][incidents]") {
  Sim sim(shop());
  sim.run_for(20s);
  // The database slows down (yellow: connect time above 0.25s): the flows through it are
  // degraded, one incident by root cause "database".
  sim.pass("database/tcp", 0.5);
  sim.run_for(20s);
  REQUIRE(sim.component("database") == Health::Yellow);
  // Then payments fails on its own (its synthetic order): red, and not explained by the
  // yellow database: a root cause of its own; checkout (still pending, alert_after) turns
  // red because of it.
  sim.fail("payments/synthetic-order", "HTTP 500");
  sim.run_for(2min);
  REQUIRE(sim.component("payments") == Health::Red);
  REQUIRE(sim.flow("checkout") == Health::Red);

  const auto rs = to(requests(sim), "pager");
  REQUIRE(rs.size() == 2);
  const json& first = incident(rs[0]);
  const json& second = incident(rs[1]);
  CHECK(first.at("labels").at("root_cause") == "database");
  CHECK(alert_ids(rs[0]) == std::set<std::string>{"component/database", "flow/add-to-cart", "flow/browse"});
  CHECK(first.at("summary").get<std::string>().starts_with("Orders database is yellow"));
  CHECK(second.at("labels").at("root_cause") == "payments");
  CHECK(alert_ids(rs[1]) == std::set<std::string>{"component/payments", "flow/checkout"});
  CHECK(second.at("summary") == "PaymentsAPI is red: HTTP 500 \u2014 breaks Check out (high)");
  CHECK(second.at("severity") == "critical");
  // Two PagerDuty incidents: two dedup keys, both triggered.
  const json p1 = body(sim, rs[0]), p2 = body(sim, rs[1]);
  CHECK(p1.at("event_action") == "trigger");
  CHECK(p2.at("event_action") == "trigger");
  CHECK(p1.at("dedup_key") != p2.at("dedup_key"));
  // Nothing else went to the first incident: payments did not update it.
  for (const auto& r : rs) CHECK(r.at < rs[1].at + 1s);

  // Both recover: each incident resolves, at once, under its own dedup key.
  const std::size_t before = sim.notifications.size();
  sim.pass("payments/synthetic-order");
  sim.pass("database/tcp");
  sim.run_for(10s);
  const auto after = to(requests(sim, before), "pager");
  REQUIRE(after.size() == 2);
  std::set<std::string> resolved;
  for (const Request& r : after) {
    const json event = body(sim, r);
    CHECK(event.at("event_action") == "resolve");
    resolved.insert(event.at("dedup_key").get<std::string>());
  }
  CHECK(resolved == std::set<std::string>{p1.at("dedup_key"), p2.at("dedup_key")});
}

TEST_CASE("incidents: a severity change of the group is one update of the same incident", "[engine][incidents]") {
  Sim sim(shop());
  sim.run_for(20s);
  sim.fail("database/tcp", "connect timed out");
  sim.run_for(2min);
  auto rs = to(requests(sim), "pager");
  REQUIRE(rs.size() == 1);
  const std::string dedup_key = body(sim, rs[0]).at("dedup_key");
  CHECK(incident(rs[0]).at("severity") == "critical");

  // The database answers again, slowly: red -> yellow everywhere. The severity changes
  // (and the low flow's resolve: low/yellow pages nobody) go together at the group's next
  // tick, as one update of the same PagerDuty incident.
  const std::size_t before = sim.notifications.size();
  sim.pass("database/tcp", 0.5);
  sim.run_for(2min);
  REQUIRE(sim.component("database") == Health::Yellow);
  rs = to(requests(sim, before), "pager");
  REQUIRE(rs.size() == 1);
  const json& in = incident(rs[0]);
  CHECK(in.at("status") == "firing");
  CHECK(in.at("severity") == "warning");
  CHECK(in.at("summary").get<std::string>().starts_with("Orders database is yellow"));
  CHECK(in.at("summary").get<std::string>().find("degrades Add to cart, Browse and search, Check out (high)") !=
        std::string::npos);
  const json event = body(sim, rs[0]);
  CHECK(event.at("event_action") == "trigger");
  CHECK(event.at("dedup_key") == dedup_key);
  CHECK(event.at("payload").at("severity") == "warning");
  std::set<std::string> reasons;
  for (const auto& n : rs[0].batch) reasons.insert(std::string(alerting::to_string(n.reason)) + " " + n.alert_id);
  CHECK(reasons.count("severity_change component/database"));
  CHECK(reasons.count("resolved flow/email-preferences"));
}
