#include <catch2/catch.hpp>

#include "alerting/content.h"
#include "tests/support/world.h"

using namespace greenlight::alerting;
using namespace greenlight::model;
using greenlight::test::read_source_file;
using greenlight::test::require_model;
using greenlight::test::World;
using nlohmann::json;

namespace {
struct Outage {
  World w{require_model(HM_HERE, read_source_file("examples/shop.toml"), "examples/shop.toml")};
  AlertBook book{w.model()};
  std::vector<Notice> notices;
  Outage() {
    w.all_green();
    book.update(w.model(), w.state(), {}, w.now());
    w.settle("database", "tcp", Health::Red);
    notices = book.update(w.model(), w.state(), {}, w.now());
  }
  std::pair<const Alert*, Notice> notice_for(const std::string& id) {
    for (const Notice& n : notices) {
      if (book.alerts()[n.alert].id == id) return {&book.alerts()[n.alert], n};
    }
    FAIL("no notice for " << id);
    throw;
  }
};
}  // namespace

TEST_CASE("a page says what broke, why, since when and what to do", "[alerting][content][seed]") {
  Outage o;
  const auto [alert, notice] = o.notice_for("component/database");
  const json r = alert_record(o.w.model(), o.w.state(), *alert, notice);
  CHECK(r["name"] == "Orders database");
  CHECK(r["severity"] == "critical");
  CHECK(r["state"] == "red");
  CHECK(r["summary"] == "Component \"Orders database\" is red (root cause: database/tcp)");
  REQUIRE(r["root_causes"].size() == 1);
  CHECK(r["root_causes"][0]["message"].get<std::string>().find("forced red") != std::string::npos);
  CHECK(r["runbook_url"] == "https://runbooks.example/shop/database");
  CHECK(r["owner"] == "team-data");
  CHECK(r["dashboard_url"] == "http://127.0.0.1:9750/#/components/database");
  for (const char* f : {"browse", "add-to-cart", "checkout", "update-product-data", "email-preferences"}) {
    INFO(f);
    CHECK(std::find(r["affected_flows"].begin(), r["affected_flows"].end(), f) != r["affected_flows"].end());
  }
  CHECK(r["ends_at"].is_null());
  CHECK(r["labels"]["component"] == "database");

  // A flow without its own runbook points at its root cause's.
  const auto [flow, fnotice] = o.notice_for("flow/browse");
  const json fr = alert_record(o.w.model(), o.w.state(), *flow, fnotice);
  CHECK(fr["runbook_url"] == "https://runbooks.example/shop/database");
  CHECK(fr["root_causes"][0]["component"] == "database");
}

TEST_CASE("notification ids are stable for the same transition and receiver", "[alerting][content]") {
  Outage o;
  const auto [alert, notice] = o.notice_for("component/database");
  const json r1 = alert_record(o.w.model(), o.w.state(), *alert, notice);
  const json r2 = alert_record(o.w.model(), o.w.state(), *alert, notice);
  CHECK(notification_id(r1, NotifyReason::Firing, "oncall") == notification_id(r2, NotifyReason::Firing, "oncall"));
  CHECK(notification_id(r1, NotifyReason::Firing, "oncall") != notification_id(r1, NotifyReason::Firing, "pager"));
  CHECK(notification_id(r1, NotifyReason::Firing, "oncall") != notification_id(r1, NotifyReason::Resolved, "oncall"));
  CHECK(r1["dedup_key"] == r2["dedup_key"]);
}

TEST_CASE("each receiver format carries the page", "[alerting][content][receivers]") {
  Outage o;
  const auto [alert, notice] = o.notice_for("component/database");
  const json r = alert_record(o.w.model(), o.w.state(), *alert, notice);

  const json hook = webhook_payload(r, NotifyReason::Firing, "gl-1", "oncall");
  CHECK(hook["status"] == "firing");
  CHECK(hook["alert"]["id"] == "component/database");

  const json am = alertmanager_payload(r, NotifyReason::Firing);
  REQUIRE(am.is_array());
  CHECK(am[0]["labels"]["alertname"] == "GreenlightComponentUnhealthy");
  CHECK(am[0]["labels"]["severity"] == "critical");
  CHECK(am[0]["annotations"]["runbook_url"] == "https://runbooks.example/shop/database");
  CHECK_FALSE(am[0].contains("endsAt"));
  CHECK_FALSE(am[0]["labels"].contains("state"));  // identity must not change on resolve
  CHECK(am[0]["annotations"]["state"] == "red");

  const json pd = pagerduty_payload(r, NotifyReason::Firing, "KEY");
  CHECK(pd["event_action"] == "trigger");
  CHECK(pd["dedup_key"] == r["dedup_key"]);
  CHECK(pd["payload"]["severity"] == "critical");
  CHECK(pd["routing_key"] == "KEY");
  const json pd_resolve = pagerduty_payload(r, NotifyReason::Resolved, "KEY");
  CHECK(pd_resolve["event_action"] == "resolve");
  CHECK_FALSE(pd_resolve.contains("payload"));

  const std::string slack = slack_payload(r, NotifyReason::Firing)["text"];
  CHECK(slack.find("FIRING [critical]") != std::string::npos);
  CHECK(slack.find("Root cause: `database`") != std::string::npos);
  CHECK(slack.find("|Runbook>") != std::string::npos);
}

TEST_CASE("a resolved page says when it fired and when it ended", "[alerting][content]") {
  Outage o;
  o.w.advance(std::chrono::minutes(7));
  o.w.settle("database", "tcp", Health::Green);
  const auto notices = o.book.update(o.w.model(), o.w.state(), {}, o.w.now());
  for (const Notice& n : notices) {
    const Alert& a = o.book.alerts()[n.alert];
    if (a.id != "component/database") continue;
    REQUIRE(n.reason == NotifyReason::Resolved);
    const json r = alert_record(o.w.model(), o.w.state(), a, n);
    CHECK(r["state"] == "green");
    CHECK(r["severity"] == "critical");  // the severity it was told with
    CHECK(r["root_causes"].empty());
    CHECK_FALSE(r["ends_at"].is_null());
    CHECK(r["description"].get<std::string>().find("critical alert that fired at") != std::string::npos);
    const json am = alertmanager_payload(r, NotifyReason::Resolved);
    CHECK(am[0]["endsAt"] == r["ends_at"]);
    CHECK(am[0]["labels"]["severity"] == "critical");  // the same labels as the firing
    return;
  }
  FAIL("no resolve for the database");
}

TEST_CASE("a severity change closes the old severity's Alertmanager alert", "[alerting][content][alertmanager]") {
  Outage o;
  const auto [alert, notice] = o.notice_for("component/database");
  Notice change = notice;
  change.reason = NotifyReason::SeverityChange;
  change.previous = Severity::Warning;
  const json r = alert_record(o.w.model(), o.w.state(), *alert, change);
  CHECK(r["previous_severity"] == "warning");
  const json am = alertmanager_payload(r, NotifyReason::SeverityChange);
  REQUIRE(am.size() == 2);
  CHECK(am[0]["labels"]["severity"] == "critical");
  CHECK_FALSE(am[0].contains("endsAt"));
  CHECK(am[1]["labels"]["severity"] == "warning");
  CHECK(am[1]["endsAt"] == r["changed_at"]);
  // Everything else identifies the same alert.
  json l0 = am[0]["labels"], l1 = am[1]["labels"];
  l0.erase("severity");
  l1.erase("severity");
  CHECK(l0 == l1);
}

TEST_CASE("a flapping notice says it flaps, in every receiver's terms", "[alerting][content][flapping]") {
  Outage o;
  const auto [alert, notice] = o.notice_for("component/database");
  Notice flap = notice;
  flap.reason = NotifyReason::Flapping;
  const json r = alert_record(o.w.model(), o.w.state(), *alert, flap);
  CHECK(r["summary"] == "Component \"Orders database\" is flapping (now red) (root cause: database/tcp)");
  CHECK(r["description"].get<std::string>().find("no more notifications until it settles") != std::string::npos);
  CHECK(r["dedup_key"] == alert_record(o.w.model(), o.w.state(), *alert, notice)["dedup_key"]);  // one incident
  const json hook = webhook_payload(r, NotifyReason::Flapping, "id-1", "oncall");
  CHECK(hook["reason"] == "flapping");
  CHECK(hook["status"] == "firing");
  const json pd = pagerduty_payload(r, NotifyReason::Flapping, "key");
  CHECK(pd["event_action"] == "trigger");
  CHECK(pd["payload"]["summary"].get<std::string>().find("is flapping") != std::string::npos);
  CHECK(slack_payload(r, NotifyReason::Flapping)["text"].get<std::string>().find("*FLAPPING [critical]*") !=
        std::string::npos);
  const json am = alertmanager_payload(r, NotifyReason::Flapping);
  REQUIRE(am.size() == 1);
  CHECK_FALSE(am[0].contains("endsAt"));
  CHECK(am[0]["annotations"]["summary"].get<std::string>().find("is flapping") != std::string::npos);
  CHECK(notification_id(r, NotifyReason::Flapping, "oncall") != notification_id(r, NotifyReason::Firing, "oncall"));
}

TEST_CASE("a grouped webhook carries each notification with its own id", "[alerting][content][group]") {
  Outage o;
  std::vector<json> records;
  std::vector<std::string> ids;
  for (const char* id : {"component/database", "flow/browse"}) {
    const auto [alert, notice] = o.notice_for(id);
    records.push_back(alert_record(o.w.model(), o.w.state(), *alert, notice));
    ids.push_back(notification_id(records.back(), NotifyReason::Firing, "oncall"));
  }
  const json g = webhook_group_payload({{records[0], NotifyReason::Firing, ids[0]}, {records[1], NotifyReason::Resolved, ids[1]}},
                                       "oncall", "oncall@0{}");
  CHECK(g["version"] == "1");
  CHECK(g["status"] == "firing");  // while any of them fires
  CHECK(g["group_key"] == "oncall@0{}");
  REQUIRE(g["notifications"].size() == 2);
  CHECK(g["notifications"][0]["id"] == ids[0]);
  CHECK(g["notifications"][0]["alert"]["id"] == "component/database");
  CHECK(g["notifications"][1]["status"] == "resolved");
  // The batch id is derived from its members: the same batch, the same id.
  const json again = webhook_group_payload({{records[0], NotifyReason::Firing, ids[0]}, {records[1], NotifyReason::Resolved, ids[1]}},
                                           "oncall", "oncall@0{}");
  CHECK(again["id"] == g["id"]);
  CHECK(g["id"] != ids[0]);
}

TEST_CASE("a batch is one Alertmanager list and one Slack message", "[alerting][content][group]") {
  Outage o;
  std::vector<json> records;
  for (const char* id : {"component/database", "flow/browse"}) {
    const auto [alert, notice] = o.notice_for(id);
    records.push_back(alert_record(o.w.model(), o.w.state(), *alert, notice));
  }
  const std::string id0 = "gl-a", id1 = "gl-b";
  const std::vector<GroupItem> batch{{records[0], NotifyReason::Firing, id0}, {records[1], NotifyReason::Firing, id1}};
  const json am = alertmanager_payload(batch);
  REQUIRE(am.size() == 2);
  CHECK(am[0]["labels"]["component"] == "database");
  CHECK(am[1]["labels"]["flow"] == "browse");
  const std::string text = slack_payload(batch)["text"];
  CHECK(text == slack_payload(records[0], NotifyReason::Firing)["text"].get<std::string>() + "\n\n" +
                    slack_payload(records[1], NotifyReason::Firing)["text"].get<std::string>());
}

TEST_CASE("an alert's root_cause label names its root-cause components, sorted, and stays for its resolve",
          "[alerting][content][incident]") {
  Outage o;
  for (const char* id : {"component/database", "flow/browse", "flow/checkout", "component/payments"}) {
    INFO(id);
    const Alert& a = o.book.alerts()[*o.book.find(id)];
    CHECK(a.labels.at("root_cause") == "database");
  }
  // A second root cause of one subject: "database,event-stream" would be unsorted.
  o.w.settle("event-stream", "tcp", Health::Red);
  o.book.update(o.w.model(), o.w.state(), {}, o.w.now());
  CHECK(o.book.alerts()[*o.book.find("flow/update-product-data")].labels.at("root_cause") ==
        "database,event-stream");
  // Green again: the label keeps what it was, so the resolve carries the firing's labels.
  o.w.settle("database", "tcp", Health::Green);
  o.w.settle("event-stream", "tcp", Health::Green);
  o.book.update(o.w.model(), o.w.state(), {}, o.w.now());
  CHECK(o.book.alerts()[*o.book.find("flow/update-product-data")].labels.at("root_cause") ==
        "database,event-stream");
}

TEST_CASE("an incident leads with the root cause and lists every affected flow, and its dedup_key has no time in it",
          "[alerting][content][incident]") {
  Outage o;
  Incident in;
  in.group_key = "pager@1{root_cause=database}";
  in.labels = {{"root_cause", "database"}};
  for (const Notice& n : o.notices) in.firing.push_back(&o.book.alerts()[n.alert]);
  const json fire = incident_record(o.w.model(), o.w.state(), in);
  CHECK(fire["status"] == "firing");
  CHECK(fire["severity"] == "critical");
  const std::string summary = fire["summary"];
  CHECK(summary.starts_with("Orders database is red: "));
  CHECK(summary.ends_with(" \u2014 breaks Add to cart, Browse and search, Check out (high), Update product data "
                          "(medium), Email preferences (low)"));
  REQUIRE(fire["root_causes"].size() == 1);
  CHECK(fire["root_causes"][0]["component"] == "database");
  CHECK(fire["root_causes"][0]["signal"] == "tcp");
  CHECK(fire["runbook_url"] == "https://runbooks.example/shop/database");
  CHECK(fire["owner"] == "team-data");
  REQUIRE(fire["affected_flows"].size() == 5);
  CHECK(fire["affected_flows"][4] == json{{"id", "email-preferences"}, {"name", "Email preferences"},
                                          {"state", "red"}, {"criticality", "low"}});

  // Later, everything resolved: the same group, the same dedup_key.
  o.w.advance(std::chrono::hours(30));
  o.w.settle("database", "tcp", Health::Green);
  o.book.update(o.w.model(), o.w.state(), {}, o.w.now());
  Incident done = in;
  done.firing.clear();
  done.severity = Severity::Critical;
  const json resolved = incident_record(o.w.model(), o.w.state(), done);
  CHECK(resolved["status"] == "resolved");
  CHECK(resolved["summary"].get<std::string>().starts_with("Resolved: Orders database"));
  CHECK(resolved["dedup_key"] == fire["dedup_key"]);
  // Derived from the group key alone: a time or a replica never enters it.
  const std::string key = fire["dedup_key"];
  CHECK(key.starts_with("greenlight-"));
  CHECK(key.size() == std::string("greenlight-").size() + 16);
  Incident other = in;
  other.group_key = "pager@1{root_cause=payments}";
  CHECK(incident_record(o.w.model(), o.w.state(), other)["dedup_key"] != key);

  // PagerDuty: one event for the group, trigger then resolve, under that key.
  const json trigger = pagerduty_group_payload(fire, "KEY");
  CHECK(trigger["event_action"] == "trigger");
  CHECK(trigger["dedup_key"] == key);
  CHECK(trigger["payload"]["summary"] == summary);
  CHECK(trigger["payload"]["component"] == "database");
  CHECK(trigger["payload"]["custom_details"]["affected_flows"].size() == 5);
  const json resolve = pagerduty_group_payload(resolved, "KEY");
  CHECK(resolve == json{{"routing_key", "KEY"}, {"event_action", "resolve"}, {"dedup_key", key}});
}
