// The Alertmanager v2 shapes (dashboards/alertmanager_api.h): matchers as amtool sends
// them, silences as amtool and Grafana post them, alerts as they read them.

#include <catch2/catch.hpp>

#include "alerting/alerts.h"
#include "dashboards/alertmanager_api.h"
#include "tests/support/world.h"

using namespace greenlight;
using namespace greenlight::model;
using namespace std::chrono_literals;
using alerting::LabelMatcher;
using greenlight::test::require_model;
using greenlight::test::World;
using nlohmann::json;
using Op = LabelMatcher::Op;

namespace {

// db <- pricing <- checkout: db alerts on its own; pricing's alert is a symptom of db's.
constexpr const char* kModel = R"(
[components.db]
alert = true
owner = "team-data"
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
[components.pricing]
alert = true
depends_on = ["db"]
  [[components.pricing.signals]]
  id = "health"
  probe = "http"
  url = "http://127.0.0.1:8082/health"
[flows.checkout]
criticality = "high"
steps = ["pricing"]
[alerting.receivers.oncall]
type = "webhook"
url = "http://127.0.0.1:9099/hook"
[[alerting.routes]]
receiver = "oncall"
)";

LabelMatcher matcher(const std::string& text) {
  std::string error;
  auto m = dashboards::parse_matcher(text, error);
  INFO(text << ": " << error);
  REQUIRE(m);
  return *m;
}

std::string matcher_error(const std::string& text) {
  std::string error;
  CHECK_FALSE(dashboards::parse_matcher(text, error));
  return error;
}

std::vector<std::string> names(const json& alerts) {
  std::vector<std::string> out;
  for (const json& a : alerts) out.push_back(a["labels"].value("component", a["labels"].value("flow", "")));
  return out;
}

}  // namespace

TEST_CASE("parse_matcher reads Prometheus matchers as amtool sends them", "[dashboards][alertmanager]") {
  struct Row {
    std::string text, name, value;
    Op op;
  };
  const std::vector<Row> rows{
      {"component=database", "component", "database", Op::Equal},       // bare value
      {R"(component="database")", "component", "database", Op::Equal},  // quoted
      {R"( severity != "info" )", "severity", "info", Op::NotEqual},     // spaces around
      {R"(component=~"catalog-.*")", "component", "catalog-.*", Op::Regex},
      {"owner!~team-(a|b)", "owner", "team-(a|b)", Op::NotRegex},
      {R"(comment="say \"hi\"\n")", "comment", "say \"hi\"\n", Op::Equal},  // escapes
      {R"(x="")", "x", "", Op::Equal},                                       // empty value
  };
  for (const Row& r : rows) {
    const LabelMatcher m = matcher(r.text);
    CHECK(m.name == r.name);
    CHECK(m.value == r.value);
    CHECK(m.op == r.op);
  }
  CHECK(matcher_error("database") == "bad matcher format: database");  // no operator
  CHECK(matcher_error("1x=a").rfind("bad matcher format", 0) == 0);     // a name starts with a letter
  CHECK(matcher_error(R"(a="b)").rfind("bad matcher format", 0) == 0);  // unclosed quote
  CHECK(matcher_error("a=~(").find("invalid regular expression") != std::string::npos);
}

TEST_CASE("label matchers: anchored regexes, an absent label is the empty string", "[dashboards][alertmanager]") {
  const Labels l{{"component", "catalog-2"}, {"owner", "team-web"}};
  CHECK(matcher("component=~catalog-.*").matches(l));
  CHECK_FALSE(matcher("component=~catalog").matches(l));  // anchored, as in Alertmanager
  CHECK(matcher("component!~db|cache").matches(l));
  CHECK(matcher("owner!=team-data").matches(l));
  CHECK(matcher(R"(flow="")").matches(l));    // absent = ""
  CHECK_FALSE(matcher("flow!=\"\"").matches(l));
  CHECK(matcher("flow!=\"\"").matches_empty() == false);
  CHECK(matcher("flow=~.*").matches_empty());

  // A silence needs every exact label and every matcher.
  alerting::Silence s;
  s.match = {{"owner", "team-web"}};
  s.matchers = {matcher("component=~catalog-[0-9]")};
  CHECK(s.matches(l));
  s.matchers.push_back(matcher("component!=catalog-2"));
  CHECK_FALSE(s.matches(l));
  CHECK_FALSE(alerting::Silence{}.matches(l));  // a silence must name something
}

TEST_CASE("parse_am_silence takes amtool's postableSilence and says what Alertmanager says when it is bad",
          "[dashboards][alertmanager]") {
  const TimePoint now = parse_rfc3339("2026-11-29T10:00:00Z").value();
  const auto parse = [&](const std::string& body, alerting::Silence& out, std::string& id) {
    return dashboards::parse_am_silence(body, now, out, id);
  };
  alerting::Silence s;
  std::string id;
  REQUIRE(parse(R"({"matchers": [{"name": "component", "value": "database", "isRegex": false, "isEqual": true},
                                  {"name": "severity", "value": "info|warning", "isRegex": true, "isEqual": false}],
                    "startsAt": "2026-11-29T09:59:59.123Z", "endsAt": "2026-11-29T12:00:00.000Z",
                    "createdBy": "alice", "comment": "failover drill"})",
                s, id) == "");
  CHECK(id.empty());
  CHECK(s.match == Labels{{"component", "database"}});  // equality: greenlight's exact match
  REQUIRE(s.matchers.size() == 1);
  CHECK(s.matchers[0].op == Op::NotRegex);
  CHECK(s.starts_at == now);  // a start in the past is now
  CHECK(s.ends_at == parse_rfc3339("2026-11-29T12:00:00Z").value());
  CHECK(s.author == "alice");
  CHECK(s.comment == "failover drill");

  const std::string ok_times = R"("startsAt": "2026-11-29T10:00:00Z", "endsAt": "2026-11-29T11:00:00Z")";
  struct Bad {
    std::string body, error;
  };
  const std::vector<Bad> bad{
      {"[]", "the body must be a JSON object (a postableSilence)"},
      {R"({"matchers": [], )" + ok_times + R"(, "createdBy": "a"})", "invalid silence: at least one matcher required"},
      {R"({"matchers": [{"name": "a b", "value": "x", "isRegex": false}], )" + ok_times + R"(, "createdBy": "a"})",
       "invalid silence: invalid label matcher 0: invalid label name \"a b\""},
      {R"({"matchers": [{"name": "a", "value": "x"}, {"name": "b", "value": "(", "isRegex": true}], )" + ok_times +
           R"(, "createdBy": "a"})",
       "invalid silence: invalid label matcher 1: invalid regular expression \"(\""},
      {R"({"matchers": [{"name": "a", "value": ".*", "isRegex": true}], )" + ok_times + R"(, "createdBy": "a"})",
       "invalid silence: at least one matcher must not match the empty string"},
      {R"({"matchers": [{"name": "a", "value": "x", "isRegex": false}], )" + ok_times + R"(})",
       "invalid silence: createdBy is required: who silenced it"},
      {R"({"matchers": [{"name": "a", "value": "x", "isRegex": false}], "startsAt": "2026-11-29T11:00:00Z",
          "endsAt": "2026-11-29T10:30:00Z", "createdBy": "a"})",
       "Failed to create silence: start time must be before end time"},
      {R"({"matchers": [{"name": "a", "value": "x", "isRegex": false}], "startsAt": "2026-11-29T08:00:00Z",
          "endsAt": "2026-11-29T09:00:00Z", "createdBy": "a"})",
       "Failed to create silence: end time can't be in the past"},
      {R"({"matchers": [{"name": "a", "value": "x", "isRegex": false}], "startsAt": "today", "endsAt": "tomorrow",
          "createdBy": "a"})",
       "startsAt and endsAt must be RFC 3339 times, e.g. 2026-11-29T22:00:00Z"},
  };
  for (const Bad& b : bad) {
    alerting::Silence x;
    std::string edit;
    const std::string error = parse(b.body, x, edit);
    INFO(b.body);
    CHECK(error.rfind(b.error, 0) == 0);
    CHECK_FALSE(error.empty());
  }
  alerting::Silence edited;
  std::string edit;
  CHECK(parse(R"({"id": "s7", "matchers": [{"name": "a", "value": "x", "isRegex": false}], )" + ok_times +
                  R"(, "createdBy": "a", "comment": ""})",
              edited, edit) == "");
  CHECK(edit == "s7");
}

TEST_CASE("am_silences_json: Alertmanager's gettableSilence, its order and its filter", "[dashboards][alertmanager]") {
  const TimePoint now = parse_rfc3339("2026-11-29T10:00:00Z").value();
  alerting::Silence active{"s1", {{"component", "db"}}, now - 1h, now + 2h, "alice", "drill"};
  active.matchers = {matcher("severity=~info|warning")};
  const alerting::Silence soon{"s2", {{"component", "db"}}, now + 1h, now + 3h, "bob", "later"};
  const alerting::Silence over{"s3", {{"component", "cache"}}, now - 3h, now - 1h, "carol", ""};
  const alerting::Silence ends_first{"config-1", {{"flow", "checkout"}}, now - 1h, now + 1h, "ops", "window"};
  const std::vector<alerting::Silence> all{over, soon, active, ends_first};

  const json list = dashboards::am_silences_json(all, {}, now);
  std::vector<std::string> order;
  for (const json& s : list) order.push_back(s["id"]);
  // Active by end, then pending by start, then expired.
  CHECK(order == std::vector<std::string>{"config-1", "s1", "s2", "s3"});
  CHECK(list[1] == json::parse(R"({"id": "s1", "status": {"state": "active"}, "updatedAt": "2026-11-29T09:00:00.000Z",
      "matchers": [{"name": "component", "value": "db", "isRegex": false, "isEqual": true},
                   {"name": "severity", "value": "info|warning", "isRegex": true, "isEqual": true}],
      "startsAt": "2026-11-29T09:00:00.000Z", "endsAt": "2026-11-29T12:00:00.000Z",
      "createdBy": "alice", "comment": "drill"})"));
  CHECK(list[2]["status"]["state"] == "pending");
  CHECK(list[3]["status"]["state"] == "expired");

  // A filter keeps the silences with a matcher of the same name, kind and value.
  const json db = dashboards::am_silences_json(all, {matcher("component=db")}, now);
  CHECK(db.size() == 2);
  CHECK(dashboards::am_silences_json(all, {matcher("severity=~info|warning")}, now).size() == 1);
  CHECK(dashboards::am_silences_json(all, {matcher("component!=db")}, now).empty());
}

TEST_CASE("am_alerts_json lists firing alerts as greenlight posts them to Alertmanager, with their status",
          "[dashboards][alertmanager]") {
  World w(require_model(HM_HERE, kModel));
  w.all_green();
  w.settle("db", "tcp", Health::Red);
  alerting::AlertBook book(w.model());
  book.update(w.model(), w.state(), {}, w.now());
  engine::Snapshot snap;
  snap.model = std::shared_ptr<const Model>(std::shared_ptr<const Model>{}, &w.model());  // not owned
  snap.state = w.state();
  snap.evaluated_at = w.now();
  snap.alerts = book.alerts();

  const json all = dashboards::am_alerts_json(snap, {}, {});
  REQUIRE(all.size() == 3);  // checkout, db and pricing fire
  json db, pricing;
  for (const json& a : all) {
    if (a["labels"].value("component", "") == "db") db = a;
    if (a["labels"].value("component", "") == "pricing") pricing = a;
  }
  CHECK(db["labels"]["alertname"] == "GreenlightComponentUnhealthy");
  CHECK(db["labels"]["owner"] == "team-data");
  CHECK(db["labels"]["root_cause"] == "db");
  CHECK_FALSE(db["labels"].contains("state"));  // an annotation: it changes while the alert is one
  CHECK(db["annotations"]["state"] == "red");
  CHECK(db["receivers"] == json::parse(R"([{"name": "oncall"}])"));
  CHECK(db["fingerprint"] == dashboards::alert_fingerprint("component/db"));
  CHECK(db["fingerprint"].get<std::string>().size() == 16);
  CHECK(db["status"] == json::parse(R"({"state": "active", "silencedBy": [], "inhibitedBy": []})"));
  CHECK(db["startsAt"] == format_rfc3339(w.now()));
  CHECK(db["endsAt"] == format_rfc3339(w.now() + 5min));
  // pricing is a symptom of db: suppressed, inhibited by db's alert.
  CHECK(pricing["status"]["state"] == "suppressed");
  CHECK(pricing["status"]["inhibitedBy"] == json::array({dashboards::alert_fingerprint("component/db")}));

  // Filters, as `amtool alert query component=db` and `amtool alert query` (active only).
  dashboards::AmAlertQuery q;
  q.filter = {matcher("component=db")};
  CHECK(names(dashboards::am_alerts_json(snap, {}, q)) == std::vector<std::string>{"db"});
  dashboards::AmAlertQuery active_only;
  active_only.silenced = active_only.inhibited = false;
  CHECK(dashboards::am_alerts_json(snap, {}, active_only).size() == 2);  // pricing is inhibited
  dashboards::AmAlertQuery nobody;
  nobody.receiver.emplace("pager");
  CHECK(dashboards::am_alerts_json(snap, {}, nobody).empty());

  // Grouped as the route groups them: one group per root cause.
  const json groups = dashboards::am_alert_groups_json(snap, {}, {});
  REQUIRE(groups.size() == 1);
  CHECK(groups[0]["labels"] == json{{"root_cause", "db"}});
  CHECK(groups[0]["receiver"] == json{{"name", "oncall"}});
  CHECK(groups[0]["alerts"].size() == 3);
  CHECK(dashboards::am_alert_groups_json(snap, {}, q)[0]["alerts"].size() == 1);

  // A silence made from db's alert in Grafana (its labels, alertname included) silences it.
  alerting::Silence s{"s1", {{"alertname", "GreenlightComponentUnhealthy"}, {"component", "db"}}, w.now(),
                      w.now() + 1h, "alice", ""};
  book.update(w.model(), w.state(), {s}, w.now());
  snap.alerts = book.alerts();
  const json silenced = dashboards::am_alerts_json(snap, {s}, q);
  REQUIRE(silenced.size() == 1);
  CHECK(silenced[0]["status"] == json::parse(R"({"state": "suppressed", "silencedBy": ["s1"], "inhibitedBy": []})"));
  CHECK(dashboards::am_alerts_json(snap, {s}, active_only).size() == 1);  // only checkout is left
}

TEST_CASE("am_status_json: the fields amtool and Grafana require", "[dashboards][alertmanager]") {
  const json s = dashboards::am_status_json("0.1.0", parse_rfc3339("2026-11-29T10:00:00Z").value());
  CHECK(s["versionInfo"]["version"] == "0.1.0");
  for (const char* key : {"revision", "branch", "buildUser", "buildDate", "goVersion"}) CHECK(s["versionInfo"].contains(key));
  CHECK(s["cluster"]["status"] == "disabled");
  CHECK(s["config"]["original"].is_string());
  CHECK(s["uptime"] == "2026-11-29T10:00:00.000Z");
}
