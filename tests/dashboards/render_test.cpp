#include <catch2/catch.hpp>

#include "alerting/alerts.h"
#include "alerting/healing.h"
#include "dashboards/render.h"
#include "tests/support/world.h"

using namespace greenlight;
using namespace greenlight::model;
using namespace std::chrono_literals;
using greenlight::test::require_model;
using greenlight::test::World;
using nlohmann::json;

namespace {

// db <- pricing <- checkout; db alerts on its own, checkout after 30 s; one command action
// and one URL action whose URL carries credentials and a token.
constexpr const char* kModel = R"(
[components.db]
criticality = "high"
alert = true
owner = "team-data"
runbook = "https://wiki.example/db"
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
alert_after = "30s"
steps = ["pricing"]

[[actions]]
name = "restart-pricing"
component = "pricing"
state = "red"
for = "30s"
run = ["/bin/true", "pricing"]
[[actions]]
name = "call-vendor"
flow = "checkout"
url = "https://user:pw@hooks.example/restart?token=s3cret"
)";

World green_world() {
  World w(require_model(HM_HERE, kModel));
  w.all_green();
  return w;
}

engine::Snapshot snapshot_of(World& w, bool ready) {
  engine::Snapshot snap;
  snap.model = std::shared_ptr<const Model>(std::shared_ptr<const Model>{}, &w.model());  // not owned
  snap.state = w.state();
  snap.evaluated_at = w.now();
  snap.ready = ready;
  return snap;
}

std::vector<std::string> ids(const json& list) {
  std::vector<std::string> out;
  for (const json& j : list) out.push_back(j.at("id").get<std::string>());
  return out;
}

TimePoint at_ms(std::int64_t ms) { return from_epoch_ms(ms); }

}  // namespace

// ---- evaluation state ------------------------------------------------------------------

TEST_CASE("status_json of a snapshot adds ready, evaluated_at and the cluster to the model's status",
          "[dashboards][render]") {
  World w = green_world();
  w.settle("db", "tcp", Health::Red);
  const engine::Snapshot snap = snapshot_of(w, true);

  const json all = dashboards::status_json(snap, false);
  CHECK(all.at("overall") == "red");
  CHECK(all.at("overall_detail").at("state") == "red");
  CHECK(all.at("ready") == true);
  CHECK(all.at("evaluated_at") == format_rfc3339(w.now()));
  CHECK(ids(all.at("flows")) == std::vector<std::string>{"checkout"});
  CHECK(ids(all.at("components")) == std::vector<std::string>{"db", "pricing"});
  // Which replica and shard (SPEC 6.5): one shard of one without [cluster].
  CHECK(all.at("cluster") == json{{"replica", nullptr}, {"shard", 0}, {"shards", 1}});
  // The same body as the model-and-state form, plus the three fields.
  json plain = all;
  plain.erase("ready");
  plain.erase("evaluated_at");
  plain.erase("cluster");
  CHECK(plain == dashboards::status_json(w.model(), w.state()));

  // Only the components that are not green: all of them here; none once db recovers.
  CHECK(ids(dashboards::status_json(snap, true).at("components")) == std::vector<std::string>{"db", "pricing"});
  w.settle("db", "tcp", Health::Green);
  const json recovered = dashboards::status_json(snapshot_of(w, false), true);
  CHECK(recovered.at("components").empty());
  CHECK(recovered.at("ready") == false);
  CHECK(recovered.at("flows").size() == 1);  // flows are always all there
}

TEST_CASE("component_json and flow_json carry signals, dependencies and steps in detail",
          "[dashboards][render]") {
  World w = green_world();
  w.settle("db", "tcp", Health::Red);
  const Model& m = w.model();
  const ComponentIndex db = *m.find_component("db"), pricing = *m.find_component("pricing");

  const json d = dashboards::component_json(m, w.state(), db, true);
  CHECK(d.at("state") == "red");
  CHECK(d.at("owner") == "team-data");
  CHECK(d.at("runbook") == "https://wiki.example/db");
  CHECK_FALSE(d.contains("description"));  // only when set
  REQUIRE(d.at("signals").size() == 1);
  CHECK(d.at("signals")[0].at("id") == "tcp");
  CHECK(d.at("signals")[0].at("last_result").at("ok") == false);
  CHECK(d.at("depends_on").empty());
  CHECK(d.at("root_causes")[0].at("signal") == "tcp");

  const json p = dashboards::component_json(m, w.state(), pricing, true);
  CHECK(p.at("depends_on") == json::parse(R"([{"component": "db", "type": "dependency", "impact": "critical",
                                                "state": "red"}])"));
  CHECK_FALSE(dashboards::component_json(m, w.state(), pricing, false).contains("signals"));

  const json f = dashboards::flow_json(m, w.state(), *m.find_flow("checkout"), true);
  CHECK(f.at("criticality") == "high");
  REQUIRE(f.at("steps").size() == 1);
  CHECK(f.at("steps")[0].at("id") == "pricing");
  CHECK(f.at("steps")[0].at("impact") == "critical");
  CHECK_FALSE(f.at("steps")[0].contains("signals"));  // steps are not in detail
  CHECK_FALSE(dashboards::flow_json(m, w.state(), *m.find_flow("checkout"), false).contains("steps"));
}

// ---- alerts ----------------------------------------------------------------------------

TEST_CASE("alerts_json lists the active alerts with the receivers told, none told as []",
          "[dashboards][render]") {
  World w = green_world();
  alerting::AlertBook book(w.model());
  book.update(w.model(), w.state(), {}, w.now());
  CHECK(dashboards::alerts_json(book.alerts(), {}) == json::parse(R"({"alerts": []})"));  // all inactive

  w.settle("db", "tcp", Health::Red);
  const TimePoint red_at = w.now();
  book.update(w.model(), w.state(), {}, w.now());
  w.advance(10s);
  book.update(w.model(), w.state(), {}, w.now());
  const std::map<std::string, std::vector<std::string>> told{{"component/db", {"oncall", "chat"}}};

  const json list = dashboards::alerts_json(book.alerts(), told).at("alerts");
  // In the book's order (flows first); checkout waits out its alert_after.
  REQUIRE(ids(list) == std::vector<std::string>{"flow/checkout", "component/db"});
  const json& checkout = list[0];
  CHECK(checkout.at("kind") == "flow");
  CHECK(checkout.at("status") == "pending");
  CHECK(checkout.at("since") == format_rfc3339(red_at));  // pending: since it went pending
  CHECK(checkout.at("receivers") == json::array());
  const json& db = list[1];
  CHECK(db.at("kind") == "component");
  CHECK(db.at("status") == "firing");
  CHECK(db.at("state") == "red");
  CHECK(db.at("severity") == "critical");
  CHECK(db.at("since") == format_rfc3339(red_at));  // firing: since it fired
  CHECK(db.at("suppressed") == false);
  CHECK(db.at("silenced") == false);
  CHECK(db.at("flapping") == false);
  CHECK(db.at("labels").at("owner") == "team-data");
  CHECK(db.at("receivers") == json::parse(R"(["oncall", "chat"])"));
  CHECK(dashboards::alert_json(book.alerts()[1], {"x"}).at("receivers") == json::parse(R"(["x"])"));
}

// ---- actions ---------------------------------------------------------------------------

TEST_CASE("actions_json shows each action's settings, its URL redacted, and its status when known",
          "[dashboards][render]") {
  World w = green_world();
  const Model& m = w.model();

  // No status yet (the healer has not caught up with the model): no "status" field.
  const json bare = dashboards::actions_json(m, {}).at("actions");
  REQUIRE(bare.size() == 2);
  CHECK(bare[0] == json::parse(R"({"name": "restart-pricing", "target": {"kind": "component", "id": "pricing"},
                                   "state": "red", "for": "30s", "cooldown": "5m", "max_attempts": 3,
                                   "window": "1h", "timeout": "30s", "during_silence": false,
                                   "run": ["/bin/true", "pricing"]})"));
  CHECK(bare[1].at("target") == json::parse(R"({"kind": "flow", "id": "checkout"})"));
  CHECK(bare[1].at("url") == "https://…@hooks.example/restart?…");  // neither password nor token shown
  CHECK_FALSE(bare[1].contains("run"));
  CHECK_FALSE(bare[1].contains("status"));

  // A status that never ran: every time null.
  alerting::ActionStatus idle;
  CHECK(dashboards::action_status_json(idle) ==
        json::parse(R"({"condition": false, "condition_since": null, "running": false, "held": null,
                        "attempts_in_window": 0, "last_started": null, "last_finished": null,
                        "last_ok": null, "last_message": "", "consecutive_failures": 0, "failing": false})"));

  // The healer's view after pricing stayed red for 30 s: it started restart-pricing, which
  // failed 2 s later and now waits out its cooldown.
  alerting::Healer healer(m);
  healer.due(m, w.state(), {}, w.now());
  w.settle("pricing", "health", Health::Red);
  const TimePoint red_at = w.now();
  healer.due(m, w.state(), {}, w.now());
  w.advance(30s);
  bool started = false;
  for (const alerting::ActionStart& a : healer.due(m, w.state(), {}, w.now())) started = started || a.action == 0;
  REQUIRE(started);
  w.advance(2s);
  healer.finished(m, 0, false, "exit 1", w.now());
  healer.due(m, w.state(), {}, w.now());

  const json with = dashboards::actions_json(m, healer.status()).at("actions");
  REQUIRE(with.size() == 2);
  const json& s = with[0].at("status");
  CHECK(s.at("condition") == true);
  CHECK(s.at("condition_since") == format_rfc3339(red_at));
  CHECK(s.at("running") == false);
  CHECK(s.at("held") == "cooldown");
  CHECK(s.at("attempts_in_window") == 1);
  CHECK(s.at("last_started") == format_rfc3339(red_at + 30s));
  CHECK(s.at("last_finished") == format_rfc3339(w.now()));
  CHECK(s.at("last_ok") == false);
  CHECK(s.at("last_message") == "exit 1");
  CHECK(s.at("consecutive_failures") == 1);
  CHECK(with[0] == dashboards::action_json(m, 0, &healer.status()[0]));
  // Only as many statuses as known: the second action has none.
  CHECK_FALSE(dashboards::actions_json(m, {healer.status()[0]}).at("actions")[1].contains("status"));
}

// ---- silences --------------------------------------------------------------------------

TEST_CASE("silences_json says whether each silence is pending, active or expired, and where it came from",
          "[dashboards][render]") {
  const TimePoint now = at_ms(1'800'000'000'000);
  const std::vector<alerting::Silence> silences{
      {"config-1", {{"component", "db"}}, now - 1h, now + 1h, "ops", "migration"},  // active
      {"3", {{"flow", "checkout"}}, now + 1h, now + 2h, "ann", "tonight"},          // pending
      {"4", {}, now - 2h, now, "bob", ""},                                            // expired: ends now
  };
  const json list = dashboards::silences_json(silences, now).at("silences");
  REQUIRE(ids(list) == std::vector<std::string>{"config-1", "3", "4"});
  CHECK(list[0] == json::parse(R"({"id": "config-1", "match": {"component": "db"},
                                   "starts_at": ")" + format_rfc3339(now - 1h) + R"(",
                                   "ends_at": ")" + format_rfc3339(now + 1h) + R"(",
                                   "author": "ops", "comment": "migration", "status": "active",
                                   "source": "config"})"));
  CHECK(list[1].at("status") == "pending");
  CHECK(list[1].at("source") == "api");
  CHECK(list[2].at("status") == "expired");
  CHECK(list[2].at("match") == json::object());
  CHECK(dashboards::silence_json(silences[1], now + 1h).at("status") == "active");  // starts_at is inclusive
  CHECK(dashboards::silences_json({}, now) == json::parse(R"({"silences": []})"));
  CHECK(dashboards::silence_expired_json("3") == json::parse(R"({"id": "3", "status": "expired"})"));
}

// ---- events, heartbeats, reloads, errors -----------------------------------------------

TEST_CASE("events_json lists events in the order given with the last sequence number", "[dashboards][render]") {
  const engine::Event e{7, at_ms(1'800'000'000'000), "state", "db is red", {{"component", "db"}}};
  CHECK(dashboards::event_json(e) ==
        json::parse(R"({"seq": 7, "time": "2027-01-15T08:00:00.000Z", "type": "state", "message": "db is red",
                        "detail": {"component": "db"}})"));
  const engine::Event f{8, at_ms(1'800'000'001'000), "reload", "reloaded", json::object()};
  const json body = dashboards::events_json({e, f}, 9);
  CHECK(body.at("last_seq") == 9);
  REQUIRE(body.at("events").size() == 2);
  CHECK(body.at("events")[0].at("seq") == 7);
  CHECK(body.at("events")[1].at("detail") == json::object());
  CHECK(dashboards::events_json({}, 0) == json::parse(R"({"events": [], "last_seq": 0})"));
}

TEST_CASE("a ping's answer says what was recorded, a heartbeat signal its schedule", "[dashboards][render]") {
  CHECK(dashboards::ping_json("backup", "nightly", probes::PingKind::Fail, 3, "disk full",
                              at_ms(1'800'000'000'000)) ==
        json::parse(R"({"component": "backup", "signal": "nightly", "recorded": "failure", "exit_code": 3,
                        "message": "disk full", "received_at": "2027-01-15T08:00:00.000Z"})"));
  CHECK(dashboards::ping_json("backup", "nightly", probes::PingKind::Start, std::nullopt, "",
                              at_ms(1'800'000'000'000)) ==
        json::parse(R"({"component": "backup", "signal": "nightly", "recorded": "start",
                        "received_at": "2027-01-15T08:00:00.000Z"})"));
  const engine::HeartbeatView late{at_ms(1'800'000'000'000), at_ms(1'800'000'060'000), model::Duration{750'000}};
  CHECK(dashboards::heartbeat_fields(late) ==
        json::parse(R"({"last_ping": "2027-01-15T08:00:00.000Z", "next_expected": "2027-01-15T08:01:00.000Z",
                        "late_by": "12m30s", "late_by_seconds": 750.0})"));
  CHECK(dashboards::heartbeat_fields({}) ==
        json::parse(R"({"last_ping": null, "next_expected": null, "late_by": "0s", "late_by_seconds": 0.0})"));
}

TEST_CASE("heartbeat, reload and error answers", "[dashboards][render]") {
  CHECK(dashboards::heartbeat_json("backup", "nightly", at_ms(1'800'000'000'000)) ==
        json::parse(R"({"component": "backup", "signal": "nightly", "received_at": "2027-01-15T08:00:00.000Z"})"));
  CHECK(dashboards::reload_json(true, {}) == json::parse(R"({"status": "reloaded"})"));
  CHECK(dashboards::reload_json(false, {"m.toml:3:1: error: unknown key"}) ==
        json::parse(R"({"error": "the configuration is invalid; the running model is kept", "status": 400,
                        "errors": ["m.toml:3:1: error: unknown key"]})"));
  CHECK(dashboards::error_json(404, "no component \"x\"") ==
        json::parse(R"({"error": "no component \"x\"", "status": 404})"));
}

TEST_CASE("incidents_json groups the firing alerts by root cause, with the blast radius and who was told",
          "[dashboards][render][incidents]") {
  const auto model = require_model(HM_HERE, greenlight::test::read_source_file("examples/shop.toml"),
                                  "examples/shop.toml");
  World w(model);
  w.all_green();
  alerting::AlertBook book(w.model());
  book.update(w.model(), w.state(), {}, w.now());
  w.settle("database", "tcp", Health::Red);
  w.advance(5min);  // past every alert_after
  book.update(w.model(), w.state(), {}, w.now());
  engine::Snapshot snap;
  snap.model = model;
  snap.state = w.state();
  snap.alerts = book.alerts();
  snap.told["component/database"] = {"oncall"};
  const json incidents = dashboards::incidents_json(snap)["incidents"];
  REQUIRE(incidents.size() == 1);  // one broken thing, one incident
  const json& i = incidents[0];
  CHECK(i["root_cause"] == "database");
  CHECK(i["root_causes"][0]["component"] == "database");
  CHECK(i["severity"] == "critical");
  CHECK(i["told"] == json::array({"oncall"}));
  std::vector<std::string> flows;
  for (const json& f : i["flows"]) flows.push_back(f["id"]);
  CHECK(std::find(flows.begin(), flows.end(), "checkout") != flows.end());
  CHECK(i["alerts"].size() >= 2);  // the database's own alert and the flows' alerts
  // Payments fails on its own too: the database still explains it (one incident). Once the
  // database recovers, payments is the root cause of an incident of its own.
  w.settle("payments", "synthetic-order", Health::Red);
  w.settle("database", "tcp", Health::Green);
  w.advance(5min);
  book.update(w.model(), w.state(), {}, w.now());
  snap.state = w.state();
  snap.alerts = book.alerts();
  std::vector<std::string> keys;
  const json after = dashboards::incidents_json(snap);
  for (const json& x : after["incidents"]) keys.push_back(x["root_cause"]);
  CHECK(keys == std::vector<std::string>{"payments"});
}
