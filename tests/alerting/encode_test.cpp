#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "alerting/encode.h"

using namespace greenlight::alerting;
using namespace std::chrono_literals;
using greenlight::model::Duration;
using greenlight::model::Receiver;
using greenlight::model::ReceiverType;
using greenlight::model::TimePoint;
using nlohmann::json;

namespace {

const TimePoint kNow{Duration(1'700'000'000'123)};

// The fields receivers read from a stored record (alert_record).
Notification note(const std::string& id, const std::string& alert, const std::string& group = "") {
  Notification n;
  n.id = id;
  n.alert_id = alert;
  n.group_key = group;
  n.record = {{"id", alert},
              {"dedup_key", "greenlight/" + alert + "/1"},
              {"kind", "component"},
              {"subject", alert},
              {"name", alert},
              {"severity", "critical"},
              {"state", "red"},
              {"summary", alert + " is red"},
              {"description", ""},
              {"root_causes", json::array()},
              {"affected_flows", json::array()},
              {"runbook_url", ""},
              {"owner", ""},
              {"dashboard_url", "http://greenlight/#/components/" + alert},
              {"starts_at", "2023-11-14T22:13:20Z"},
              {"ends_at", nullptr},
              {"labels", {{"component", alert}, {"severity", "critical"}, {"state", "red"}}}};
  return n;
}

Receiver receiver(ReceiverType type, const std::string& url) {
  Receiver r;
  r.name = "r";
  r.type = type;
  r.url = url;
  r.timeout = 3s;
  return r;
}

std::string header(const ReceiverRequest& req, const std::string& name) {
  const auto it = std::find_if(req.headers.begin(), req.headers.end(), [&](const auto& h) { return h.first == name; });
  return it == req.headers.end() ? "(none)" : it->second;
}

}  // namespace

TEST_CASE("webhook: the greenlight payload with webhook-id, a secret adds what to sign", "[alerting][encode]") {
  Receiver r = receiver(ReceiverType::Webhook, "http://hooks.example/in");
  r.headers = {{"X-Team", "db"}};
  const Encoded plain = encode(r, "", {note("gl-1", "component/db")}, kNow);
  REQUIRE(plain.request);
  CHECK(plain.request->url == "http://hooks.example/in");
  CHECK(plain.request->timeout == 3s);
  CHECK(header(*plain.request, "Content-Type") == "application/json");
  CHECK(header(*plain.request, "X-Team") == "db");
  CHECK(header(*plain.request, "webhook-id") == "gl-1");
  CHECK(header(*plain.request, "webhook-timestamp") == "(none)");
  CHECK_FALSE(plain.request->sign);
  const json body = json::parse(plain.request->body);
  CHECK(body["id"] == "gl-1");
  CHECK(body["alert"]["id"] == "component/db");

  const Encoded is_signed = encode(r, "whsec_abc", {note("gl-1", "component/db")}, kNow);
  REQUIRE(is_signed.request);
  CHECK(header(*is_signed.request, "webhook-timestamp") == "1700000000");
  REQUIRE(is_signed.request->sign);
  CHECK(is_signed.request->sign->id == "gl-1");
  CHECK(is_signed.request->sign->timestamp == 1700000000);
  CHECK(is_signed.request->body.find("whsec_abc") == std::string::npos);  // the secret is not sent
}

TEST_CASE("webhook: a group goes as one payload whose id is the request's webhook-id", "[alerting][encode]") {
  const Receiver r = receiver(ReceiverType::Webhook, "http://hooks.example/in");
  const Encoded e = encode(r, "s", {note("gl-1", "component/db", "g"), note("gl-2", "component/api", "g")}, kNow);
  REQUIRE(e.request);
  const json body = json::parse(e.request->body);
  REQUIRE(body["notifications"].size() == 2);
  CHECK(body["group_key"] == "g");
  CHECK(header(*e.request, "webhook-id") == body["id"]);
  REQUIRE(e.request->sign);
  CHECK(e.request->sign->id == body["id"]);
}

TEST_CASE("alertmanager, pagerduty and slack requests, and the ones that cannot be built", "[alerting][encode]") {
  const std::vector<Notification> two{note("gl-1", "component/db"), note("gl-2", "component/api")};
  struct Row {
    const char* why;
    Receiver r;
    std::string secret;
    std::string url;    // expected, "" when unsendable
    std::string error;  // expected part of the error
  };
  const std::vector<Row> rows{
      {"alertmanager: /api/v2/alerts under the base URL", receiver(ReceiverType::Alertmanager, "http://am:9093"), "",
       "http://am:9093/api/v2/alerts", ""},
      {"alertmanager: a trailing slash is not doubled", receiver(ReceiverType::Alertmanager, "http://am:9093/"), "",
       "http://am:9093/api/v2/alerts", ""},
      {"pagerduty with a routing key", receiver(ReceiverType::PagerDuty, "http://pd/v2/enqueue"), "KEY",
       "http://pd/v2/enqueue", ""},
      {"pagerduty without one", receiver(ReceiverType::PagerDuty, "http://pd/v2/enqueue"), "", "", "no routing key"},
      {"slack: the plain url", receiver(ReceiverType::Slack, "http://slack/plain"), "", "http://slack/plain", ""},
      {"slack: the url from the secret", receiver(ReceiverType::Slack, ""), "http://slack/secret",
       "http://slack/secret", ""},
      {"slack: neither", receiver(ReceiverType::Slack, ""), "", "", "no incoming-webhook URL"},
  };
  for (const Row& row : rows) {
    INFO(row.why);
    const Encoded e = encode(row.r, row.secret, two, kNow);
    if (row.url.empty()) {
      CHECK_FALSE(e.request);
      CHECK(e.error.find(row.error) != std::string::npos);
      continue;
    }
    REQUIRE(e.request);
    CHECK(e.request->url == row.url);
    CHECK_FALSE(e.request->sign);
    CHECK(header(*e.request, "webhook-id") == "(none)");
    CHECK(json::accept(e.request->body));
  }
}

TEST_CASE("each type carries the batch as its API expects", "[alerting][encode]") {
  const std::vector<Notification> two{note("gl-1", "component/db"), note("gl-2", "component/api")};
  const json am = json::parse(encode(receiver(ReceiverType::Alertmanager, "http://am"), "", two, kNow).request->body);
  CHECK(am.size() == 2);  // both alerts in one list
  const json pd = json::parse(encode(receiver(ReceiverType::PagerDuty, "http://pd"), "KEY", two, kNow).request->body);
  CHECK(pd["routing_key"] == "KEY");  // alerts alone (no group): the head's own event
  CHECK(pd["dedup_key"] == "greenlight/component/db/1");
  const json slack = json::parse(encode(receiver(ReceiverType::Slack, "http://s"), "", two, kNow).request->body);
  const std::string text = slack["text"];
  CHECK(text.find("component/db is red") != std::string::npos);
  CHECK(text.find("component/api is red") != std::string::npos);
}

TEST_CASE("a group notification is one PagerDuty event and one Slack message led by the incident",
          "[alerting][encode][incident]") {
  const json incident{{"group_key", "r@0{root_cause=db}"},
                      {"dedup_key", "greenlight-0123456789abcdef"},
                      {"status", "firing"},
                      {"severity", "critical"},
                      {"labels", {{"root_cause", "db"}}},
                      {"summary", "Orders database is red: connect timed out \u2014 breaks Check out (high)"},
                      {"root_causes", json::array({{{"component", "db"}, {"message", "connect timed out"}}})},
                      {"affected_flows", json::array()},
                      {"alerts", json::array()},
                      {"runbook_url", "https://runbooks/db"},
                      {"owner", "team-data"},
                      {"dashboard_url", "http://greenlight/#/components/db"},
                      {"since", "2023-11-14T22:13:20Z"}};
  std::vector<Notification> group{note("gl-1", "component/db", "r@0{root_cause=db}"),
                                  note("gl-2", "flow/checkout", "r@0{root_cause=db}")};
  for (auto& n : group) n.incident = incident;
  const json pd = json::parse(encode(receiver(ReceiverType::PagerDuty, "http://pd"), "KEY", group, kNow).request->body);
  CHECK(pd["event_action"] == "trigger");
  CHECK(pd["dedup_key"] == "greenlight-0123456789abcdef");
  CHECK(pd["payload"]["summary"] == incident["summary"]);
  CHECK(pd["payload"]["component"] == "db");
  const std::string text =
      json::parse(encode(receiver(ReceiverType::Slack, "http://s"), "", group, kNow).request->body)["text"];
  CHECK(text.starts_with(":red_circle: *FIRING [critical]* Orders database is red: connect timed out"));
  CHECK(text.find("<https://runbooks/db|Runbook>") != std::string::npos);
  CHECK(text.find("owner: team-data") != std::string::npos);
  const json hook = json::parse(encode(receiver(ReceiverType::Webhook, "http://h"), "", group, kNow).request->body);
  CHECK(hook["summary"] == incident["summary"]);
  CHECK(hook["incident"]["dedup_key"] == "greenlight-0123456789abcdef");
  CHECK(hook["notifications"].size() == 2);

  // The group's resolve: the same key.
  for (auto& n : group) {
    n.reason = NotifyReason::Resolved;
    n.incident["status"] = "resolved";
  }
  const json resolve =
      json::parse(encode(receiver(ReceiverType::PagerDuty, "http://pd"), "KEY", group, kNow).request->body);
  CHECK(resolve == json{{"routing_key", "KEY"}, {"event_action", "resolve"}, {"dedup_key", pd["dedup_key"]}});
  // A partial resolve while the group still fires is an update, not a resolve.
  group[0].incident["status"] = "firing";
  group[1].incident["status"] = "firing";
  CHECK(json::parse(encode(receiver(ReceiverType::PagerDuty, "http://pd"), "KEY", group, kNow).request->body)
            ["event_action"] == "trigger");
}
