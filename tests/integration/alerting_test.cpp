// Alerts end to end: the real binary, services the test controls, and a webhook receiver
// that records every request (and can fail on demand).

#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "tests/support/daemon_process.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/http_fixture.h"

using namespace std::chrono_literals;
using greenlight::test::DaemonProcess;
using greenlight::test::HttpFixture;
using greenlight::test::Service;
using nlohmann::json;

namespace {

// The notifications of one webhook request: a group's (the default, grouped by root
// cause), or the one of an alert alone (group_by = ["..."]).
std::vector<json> notes(const json& request) {
  if (request.contains("notifications")) return request["notifications"].get<std::vector<json>>();
  return {request};
}

// Records what it receives. `script` gives the status of each successive request (then
// 200); a request answered 2xx counts as delivered.
struct Receiver {
  std::unique_ptr<HttpFixture> http = std::make_unique<HttpFixture>();
  int port = http->port();
  std::mutex m;
  std::vector<json> delivered;         // guarded by m
  std::vector<std::string> attempts;   // webhook-ids of every request, guarded by m
  std::vector<std::pair<int, std::string>> script;  // (status, Retry-After); guarded by m
  std::string last_signature, last_timestamp;
  // While `holding`, a request is counted in `held` and waits for `gate` before it is
  // answered, and is not counted as delivered.
  bool holding = false;  // guarded by m
  std::atomic<int> held{0};
  std::mutex gate;

  Receiver() { install(*http); }
  void install(HttpFixture& f) {
    f.server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::unique_lock lock(m);
      attempts.push_back(req.get_header_value("webhook-id"));
      if (holding) {
        lock.unlock();
        ++held;
        std::lock_guard wait(gate);
        res.status = 204;
        return;
      }
      if (!script.empty()) {
        res.status = script.front().first;
        if (!script.front().second.empty()) res.set_header("Retry-After", script.front().second);
        script.erase(script.begin());
        return;
      }
      last_signature = req.get_header_value("webhook-signature");
      last_timestamp = req.get_header_value("webhook-timestamp");
      delivered.push_back(json::parse(req.body));
      res.status = 204;
    });
  }
  // Down: nothing listens on the port. Up: a new server on the same port.
  void down() { http.reset(); }
  void up() {
    auto f = std::make_unique<HttpFixture>(port);
    install(*f);
    http = std::move(f);
  }
  std::vector<json> got() {
    std::lock_guard lock(m);
    return delivered;
  }
  std::size_t count(const std::string& alert, const std::string& reason) {
    std::size_t n = 0;
    for (const json& request : got()) {
      for (const json& j : notes(request)) {
        if (j["alert"]["id"] == alert && j["reason"] == reason) ++n;
      }
    }
    return n;
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port) + "/hook"; }
};

std::string model_for(const Service& db, const Service& api, const Receiver& hook, const std::string& state_dir = "{DIR}/state") {
  return R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = ")" + state_dir + R"("
interval = "200ms"

[components.db]
name = "Orders database"
runbook = "https://runbooks.example/db"
owner = "team-data"
alert = true
criticality = "high"
  [[components.db.signals]]
  id = "health"
  probe = "http"
  url = ")" + db.url() + R"("

[components.api]
alert = true
criticality = "high"
depends_on = ["db"]
  [[components.api.signals]]
  id = "health"
  probe = "http"
  url = ")" + api.url() + R"("

[flows.checkout]
criticality = "medium"
steps = ["api"]

[alerting.receivers.oncall]
type = "webhook"
url = ")" + hook.url() + R"("
secret_file = "whsec.txt"

[[alerting.routes]]
receiver = "oncall"
min_severity = "critical"
)";
}

const std::pair<std::string, std::string> kSecret{"whsec.txt", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n"};

// A flag of one alert in GET /api/v1/alerts (false when the alert is not listed).
bool alert_flag(DaemonProcess& d, const std::string& id, const std::string& flag) {
  const json alerts = d.get_json("/api/v1/alerts");  // kept alive while iterated
  if (!alerts.is_object()) return false;
  for (const auto& a : alerts["alerts"]) {
    if (a["id"] == id) return a[flag].get<bool>();
  }
  return false;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds deadline = 15s) {
  return DaemonProcess::wait_until(pred, deadline);
}

}  // namespace

TEST_CASE("a database outage pages once, with the database as root cause, and resolves once",
          "[integration][alerting]") {
  Service db, api;
  Receiver hook;
  DaemonProcess d(model_for(db, api, hook), {kSecret});
  REQUIRE(d.wait_ready());
  db.status = 503;
  REQUIRE(eventually([&] { return hook.count("component/db", "firing") == 1; }));
  // api is red too, wholly because of the database: its alert is listed, suppressed, not sent.
  REQUIRE(eventually([&] { return alert_flag(d, "component/api", "suppressed"); }));
  // One request for the incident, led by its root cause (the route groups by root_cause).
  const json request = hook.got().at(0);
  CHECK(request["group_key"] == "oncall@0{root_cause=db}");
  CHECK(request["summary"].get<std::string>().starts_with("Orders database is red: HTTP 503"));
  CHECK(request["incident"]["root_causes"][0]["component"] == "db");
  const json page = notes(request).at(0);
  CHECK(page["alert"]["labels"]["root_cause"] == "db");
  CHECK(page["status"] == "firing");
  CHECK(page["alert"]["severity"] == "critical");
  CHECK(page["alert"]["root_causes"][0]["component"] == "db");
  CHECK(page["alert"]["root_causes"][0]["message"].get<std::string>().find("HTTP 503") != std::string::npos);
  CHECK(page["alert"]["runbook_url"] == "https://runbooks.example/db");
  CHECK(page["alert"]["owner"] == "team-data");
  CHECK(std::find(page["alert"]["affected_flows"].begin(), page["alert"]["affected_flows"].end(), "checkout") !=
        page["alert"]["affected_flows"].end());
  CHECK(hook.last_signature.rfind("v1,", 0) == 0);  // signed (Standard Webhooks)
  CHECK_FALSE(hook.last_timestamp.empty());

  db.status = 200;
  REQUIRE(eventually([&] { return hook.count("component/db", "resolved") == 1; }));
  // Give it time to (wrongly) send more: nothing else arrives.
  std::this_thread::sleep_for(1s);
  CHECK(hook.got().size() == 2);
  CHECK(hook.count("component/api", "firing") == 0);
  CHECK(notes(hook.got()[1]).at(0)["alert"]["dedup_key"] == page["alert"]["dedup_key"]);
  CHECK(hook.got()[1]["status"] == "resolved");
  CHECK(hook.got()[1]["incident"]["dedup_key"] == request["incident"]["dedup_key"]);
  const std::string metrics = d.get("/metrics")->body;
  CHECK(metrics.find("greenlight_notifications_total{outcome=\"delivered\",receiver=\"oncall\"} 2") != std::string::npos);
  CHECK(metrics.find("greenlight_notification_queue_length 0") != std::string::npos);
  CHECK(d.log().find("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == std::string::npos);  // the secret is never logged
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("a receiver that fails, throttles, then is down gets the page exactly once", "[integration][alerting][delivery]") {
  Service db, api;
  Receiver hook;
  {
    std::lock_guard lock(hook.m);
    hook.script = {{500, ""}, {429, "1"}};
  }
  DaemonProcess d(model_for(db, api, hook), {kSecret});
  REQUIRE(d.wait_ready());
  db.status = 503;
  // The 500 and the 429 are used up; then the receiver goes away for a while.
  REQUIRE(eventually([&] {
    std::lock_guard lock(hook.m);
    return hook.script.empty();
  }));
  hook.down();
  std::this_thread::sleep_for(3s);  // down: attempts fail to connect and are retried
  hook.up();
  REQUIRE(eventually([&] { return hook.count("component/db", "firing") == 1; }, 30s));
  std::this_thread::sleep_for(1s);
  CHECK(hook.count("component/db", "firing") == 1);
  // Every attempt carried the same webhook-id.
  {
    std::lock_guard lock(hook.m);
    REQUIRE(hook.attempts.size() >= 3);
    CHECK(std::all_of(hook.attempts.begin(), hook.attempts.end(), [&](auto& id) { return id == hook.attempts[0]; }));
  }
  CHECK(d.log_events({{"event", "notification_retry"}}).size() >= 2);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("SIGKILL mid-incident: the restart sends no duplicate and still sends the resolve",
          "[integration][alerting][restart]") {
  Service db, api;
  Receiver hook;
  const greenlight::test::ScratchDir scratch("kill");
  const std::string& state_dir = scratch.path;
  const std::string toml = model_for(db, api, hook, state_dir);
  {
    DaemonProcess first(toml, {kSecret});
    REQUIRE(first.wait_ready());
    db.status = 503;
    REQUIRE(eventually([&] { return hook.count("component/db", "firing") == 1; }));
    // The receiver has the page a moment before greenlight has journalled its 2xx; a kill
    // inside that moment is the in-flight case below (sent again, same webhook-id).
    REQUIRE(eventually([&] { return !first.log_events({{"event", "notified"}}).empty(); }));
    CHECK(first.stop(SIGKILL) == 128 + SIGKILL);
  }
  DaemonProcess second(toml, {kSecret});
  REQUIRE(second.wait_ready());
  // Still red after the restart: the alert is restored as told; no second page.
  REQUIRE(eventually([&] { return second.component_state("db") == "red"; }));
  std::this_thread::sleep_for(2s);
  CHECK(hook.count("component/db", "firing") == 1);
  CHECK(second.log_events({{"event", "outbox_replay"}}).size() == 1);
  db.status = 200;
  REQUIRE(eventually([&] { return hook.count("component/db", "resolved") == 1; }));
  const auto all = hook.got();
  CHECK(notes(all.front()).at(0)["alert"]["dedup_key"] == notes(all.back()).at(0)["alert"]["dedup_key"]);
  CHECK(second.stop(SIGTERM) == 0);
}

TEST_CASE("SIGKILL while a page is in flight: the restart sends it again with the same webhook-id",
          "[integration][alerting][restart]") {
  Service db, api;
  Receiver hook;
  // The receiver takes the request but holds its answer until the daemon is dead, so the
  // daemon never learns the page was received: it must not forget it.
  std::unique_lock hold(hook.gate);
  {
    std::lock_guard lock(hook.m);
    hook.holding = true;
  }
  const greenlight::test::ScratchDir scratch("inflight");
  const std::string& state_dir = scratch.path;
  const std::string toml = model_for(db, api, hook, state_dir);
  {
    DaemonProcess first(toml, {kSecret});
    REQUIRE(first.wait_ready());
    db.status = 503;
    REQUIRE(eventually([&] { return hook.held.load() == 1; }));
    CHECK(first.stop(SIGKILL) == 128 + SIGKILL);
  }
  {
    std::lock_guard lock(hook.m);
    hook.holding = false;
  }
  hold.unlock();
  DaemonProcess second(toml, {kSecret});
  REQUIRE(second.wait_ready());
  REQUIRE(eventually([&] { return hook.count("component/db", "firing") == 1; }));
  {
    std::lock_guard lock(hook.m);
    REQUIRE(hook.attempts.size() >= 2);
    // Every attempt, before and after the crash, carries one webhook-id: the receiver can
    // tell it is the same page.
    CHECK(std::all_of(hook.attempts.begin(), hook.attempts.end(), [&](auto& id) { return id == hook.attempts[0]; }));
  }
  CHECK(second.log_events({{"event", "outbox_replay"}}).size() == 1);
  std::this_thread::sleep_for(1s);
  CHECK(hook.count("component/db", "firing") == 1);
  CHECK(second.stop(SIGTERM) == 0);
}

TEST_CASE("silences: created and expired through the API, with the token", "[integration][alerting][silences]") {
  Service db, api;
  Receiver hook;
  std::string toml = model_for(db, api, hook);
  toml.replace(toml.find("interval = \"200ms\""), 18, "interval = \"200ms\"\nauth_token_file = \"token\"");
  DaemonProcess d(toml, {kSecret, {"token", "t0ken\n"}});
  REQUIRE(d.wait_ready());
  httplib::Client c("127.0.0.1", d.port());
  const std::string body = R"({"match": {"component": "db"}, "duration": "1h", "author": "alice", "comment": "upgrade"})";
  auto r = c.Post("/api/v1/silences", body, "application/json");
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(json::parse(d.get("/api/v1/silences")->body)["silences"].empty());  // nothing changed
  r = c.Post("/api/v1/silences", {{"Authorization", "Bearer t0ken"}}, body, "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 201);
  const std::string id = json::parse(r->body)["id"];
  r = c.Post("/api/v1/silences", {{"Authorization", "Bearer t0ken"}}, R"({"match": {}, "duration": "1h", "author": "x"})",
             "application/json");
  CHECK(r->status == 400);
  // Silenced: the outage is listed as silenced and not sent.
  db.status = 503;
  REQUIRE(eventually([&] { return alert_flag(d, "component/db", "silenced"); }));
  std::this_thread::sleep_for(1s);
  CHECK(hook.count("component/db", "firing") == 0);
  // Expired while it still fires: the page goes out then.
  r = c.Delete("/api/v1/silences/" + id, {{"Authorization", "Bearer t0ken"}});
  REQUIRE(r);
  CHECK(r->status == 200);
  REQUIRE(eventually([&] { return hook.count("component/db", "firing") == 1; }));
  CHECK(c.Delete("/api/v1/silences/nope", {{"Authorization", "Bearer t0ken"}})->status == 404);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("PagerDuty and Slack receivers, a 4xx is a permanent failure, a slow receiver delays no other",
          "[integration][alerting][receivers]") {
  Service db, api;
  HttpFixture endpoints;
  std::mutex m;
  std::vector<json> pagerduty, slack;
  std::atomic<int> refused{0};
  endpoints.server.Post("/pd", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m);
    pagerduty.push_back(json::parse(req.body));
    res.status = 202;
  });
  endpoints.server.Post("/slack", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(m);
    slack.push_back(json::parse(req.body));
    res.status = 200;
  });
  endpoints.server.Post("/gone", [&](const httplib::Request&, httplib::Response& res) {
    ++refused;
    res.status = 410;  // permanent: no retry
  });
  HttpFixture slow_server;
  slow_server.server.Post("/slow", [](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(3s);  // longer than its receiver's timeout
    res.status = 200;
  });
  setenv("GREENLIGHT_TEST_PD_KEY", "R0UTINGKEY", 1);
  DaemonProcess d(R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "200ms"
[components.db]
name = "Orders database"
alert = true
criticality = "high"
runbook = "https://runbooks.example/db"
  [[components.db.signals]]
  id = "health"
  probe = "http"
  url = ")" + db.url() + R"("
[components.api]
depends_on = ["db"]
  [[components.api.signals]]
  id = "health"
  probe = "http"
  url = ")" + api.url() + R"("
[flows.checkout]
name = "Check out"
criticality = "high"
steps = ["api"]
[flows.browse]
name = "Browse"
criticality = "high"
steps = ["api"]
[alerting.receivers.pager]
type = "pagerduty"
url = ")" + endpoints.url("/pd") + R"("
routing_key_env = "GREENLIGHT_TEST_PD_KEY"
[alerting.receivers.chat]
type = "slack"
url_file = "slack-url"
[alerting.receivers.gone]
type = "webhook"
url = ")" + endpoints.url("/gone") + R"("
[alerting.receivers.slow]
type = "webhook"
url = ")" + slow_server.url("/slow") + R"("
timeout = "1s"
[[alerting.routes]]
receiver = "slow"
continue = true
[[alerting.routes]]
receiver = "gone"
continue = true
[[alerting.routes]]
receiver = "pager"
continue = true
[[alerting.routes]]
receiver = "chat"
)", {{"slack-url", endpoints.url("/slack") + "\n"}});
  REQUIRE(d.wait_ready());
  db.status = 503;
  // PagerDuty and Slack hear of it promptly although the slow receiver keeps timing out.
  REQUIRE(eventually([&] {
    std::lock_guard lock(m);
    return !pagerduty.empty() && !slack.empty();
  }, 5s));
  {
    std::lock_guard lock(m);
    CHECK(pagerduty[0]["routing_key"] == "R0UTINGKEY");
    CHECK(pagerduty[0]["event_action"] == "trigger");
    CHECK(pagerduty[0]["payload"]["severity"] == "critical");
    // The database outage's three alerts (db, checkout, browse) are one incident: one
    // event that names the database and lists both flows.
    CHECK(pagerduty[0]["payload"]["summary"].get<std::string>().starts_with("Orders database is red: HTTP 503"));
    CHECK(pagerduty[0]["payload"]["summary"].get<std::string>().find("breaks Browse, Check out (high)") !=
          std::string::npos);
    CHECK(pagerduty[0]["payload"]["custom_details"]["alerts"].size() == 3);
    CHECK(slack[0]["text"].get<std::string>().find("FIRING [critical]* Orders database is red") != std::string::npos);
  }
  // The 410 is tried once, logged, counted, and not retried.
  REQUIRE(eventually([&] { return !d.log_events({{"event", "notification_failed"}}).empty(); }, 5s));
  std::this_thread::sleep_for(1500ms);
  CHECK(refused == 1);
  // One request, three notifications (the incident's db, checkout and browse): counted each.
  CHECK(d.get("/metrics")->body.find("greenlight_notifications_total{outcome=\"failed\",receiver=\"gone\"} 3") !=
        std::string::npos);
  db.status = 200;
  REQUIRE(eventually([&] {
    std::lock_guard lock(m);
    return pagerduty.size() == 2 && slack.size() == 2;
  }, 10s));
  {
    std::lock_guard lock(m);
    CHECK(pagerduty[1]["event_action"] == "resolve");
    CHECK(pagerduty[1]["dedup_key"] == pagerduty[0]["dedup_key"]);
  }
  // One trigger and one resolve for the whole outage: nothing more arrives.
  std::this_thread::sleep_for(1s);
  {
    std::lock_guard lock(m);
    CHECK(pagerduty.size() == 2);
    CHECK(slack.size() == 2);
  }
  CHECK(d.log().find("R0UTINGKEY") == std::string::npos);  // the routing key is never logged
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("a route with group_by sends one outage's alerts as one request", "[integration][alerting][group]") {
  Service a, b;
  Receiver hook;
  DaemonProcess d(R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "200ms"
[components.cart]
alert = true
owner = "team-commerce"
criticality = "high"
  [[components.cart.signals]]
  id = "health"
  probe = "http"
  url = ")" + a.url() + R"("
[components.payments]
alert = true
owner = "team-commerce"
criticality = "high"
  [[components.payments.signals]]
  id = "health"
  probe = "http"
  url = ")" + b.url() + R"("
[alerting.receivers.oncall]
type = "webhook"
url = ")" + hook.url() + R"("
[[alerting.routes]]
receiver = "oncall"
group_by = ["owner"]
group_wait = "2s"
group_interval = "1s"
)");
  REQUIRE(d.wait_ready());
  a.status = 503;
  b.status = 503;
  REQUIRE(eventually([&] { return !hook.got().empty(); }));
  json batch = hook.got().at(0);
  CHECK(batch["group_key"] == "oncall@0{owner=team-commerce}");
  CHECK(batch["status"] == "firing");
  REQUIRE(batch["notifications"].size() == 2);
  std::set<std::string> alerts;
  for (const auto& n : batch["notifications"]) {
    CHECK(n["reason"] == "firing");
    alerts.insert(n["alert"]["id"]);
  }
  CHECK(alerts == std::set<std::string>{"component/cart", "component/payments"});
  {
    std::lock_guard lock(hook.m);
    CHECK(hook.attempts.at(0) == batch["id"]);  // the webhook-id is the batch's
  }
  // The recoveries reach the group's next tick a probe apart: one request, or two if a
  // tick falls between them; both resolves, once each.
  a.status = 200;
  b.status = 200;
  auto resolved = [&] {
    std::multiset<std::string> out;
    for (const json& got : hook.got()) {
      for (const auto& n : got["notifications"]) {
        if (n["reason"] == "resolved") out.insert(n["alert"]["id"].get<std::string>());
      }
    }
    return out;
  };
  REQUIRE(eventually([&] { return resolved().size() == 2; }));
  CHECK(resolved() == std::multiset<std::string>{"component/cart", "component/payments"});
  // The receiver has the request before greenlight has its 2xx and counts it: wait for that.
  CHECK(eventually([&] {
    return d.get("/metrics")->body.find("greenlight_notifications_total{outcome=\"delivered\",receiver=\"oncall\"} 4") !=
           std::string::npos;
  }));
  CHECK(d.stop(SIGTERM) == 0);
}
