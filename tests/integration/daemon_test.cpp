// The real `greenlight run` against local servers whose behaviour the test controls.

#include <signal.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "tests/support/daemon_process.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/grafana.h"
#include "tests/support/http_fixture.h"
#include "tests/support/process.h"

using namespace std::chrono_literals;
using greenlight::test::DaemonProcess;
using greenlight::test::HttpFixture;
using greenlight::test::Service;
using nlohmann::json;

namespace {

std::string model_for(const Service& db, const Service& api, const std::string& extra_signal = "") {
  return R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "200ms"

[components.db]
runbook = "https://runbooks.example/db"
  [[components.db.signals]]
  id = "health"
  probe = "http"
  url = ")" + db.url() + R"("
  timeout = "1s"
  failures = 3

[components.api]
depends_on = ["db"]
  [[components.api.signals]]
  id = "health"
  probe = "http"
  url = ")" + api.url() + R"("
  timeout = "1s"
  yellow_above = 0.15
)" + extra_signal + R"(
[flows.checkout]
criticality = "high"
steps = ["api", "db"]
)";
}

bool becomes(DaemonProcess& d, const std::string& what, const std::string& id, const std::string& state,
             std::chrono::milliseconds deadline = 10s) {
  return DaemonProcess::wait_until(
      [&] { return (what == "flow" ? d.flow_state(id) : d.component_state(id)) == state; }, deadline);
}

}  // namespace

TEST_CASE("a service going down turns its component red after `failures` runs and its flows follow",
          "[integration][daemon]") {
  Service db, api;
  DaemonProcess d(model_for(db, api));
  REQUIRE(d.wait_ready());
  REQUIRE(becomes(d, "flow", "checkout", "green"));

  db.status = 503;
  REQUIRE(becomes(d, "component", "db", "red"));
  CHECK(d.component_state("api") == "red");
  CHECK(d.flow_state("checkout") == "red");
  const json flow = d.get_json("/api/v1/flows/checkout");
  REQUIRE(flow["root_causes"].size() == 1);
  CHECK(flow["root_causes"][0]["component"] == "db");
  CHECK(flow["root_causes"][0]["runbook"] == "https://runbooks.example/db");
  CHECK(flow["root_causes"][0]["message"].get<std::string>().find("HTTP 503") != std::string::npos);

  // It took three consecutive failures: the log shows the signal pending before red.
  const auto to_red = d.log_events({{"event", "state_change"}, {"kind", "signal"}, {"component", "db"}, {"to", "red"}});
  REQUIRE(to_red.size() == 1);
  CHECK(to_red[0]["reason"].get<std::string>().find("HTTP 503") != std::string::npos);
  CHECK(d.log_events({{"event", "state_change"}, {"kind", "flow"}, {"flow", "checkout"}, {"to", "red"}}).size() == 1);

  db.status = 200;
  REQUIRE(becomes(d, "flow", "checkout", "green"));
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("latency above yellow_above gives yellow", "[integration][daemon]") {
  Service db, api;
  DaemonProcess d(model_for(db, api));
  REQUIRE(d.wait_ready());
  REQUIRE(becomes(d, "flow", "checkout", "green"));
  api.delay_ms = 300;  // yellow_above = 0.15 s
  REQUIRE(becomes(d, "component", "api", "yellow"));
  CHECK(d.flow_state("checkout") == "yellow");
  const json c = d.get_json("/api/v1/components/api");
  CHECK(c["signals"][0]["last_result"]["value"].get<double>() > 0.15);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("a heartbeat missing for red_after turns red and a push turns it green", "[integration][daemon][heartbeat]") {
  Service db, api;
  DaemonProcess d(model_for(db, api, R"(
[components.backup]
  [[components.backup.signals]]
  id = "nightly"
  probe = "heartbeat"
  red_after = "1s"
)"));
  REQUIRE(d.wait_ready());
  // Never pushed: unknown until red_after after the first start with this state_dir, so
  // red one second later.
  REQUIRE(becomes(d, "component", "backup", "red"));
  auto r = d.post("/api/v1/heartbeats/backup/nightly");
  REQUIRE(r);
  CHECK(r->status == 202);
  REQUIRE(becomes(d, "component", "backup", "green", 3s));
  // Persisted in state_dir for the next start.
  std::ifstream hb(d.dir() + "/state/heartbeats.json");
  CHECK(json::parse(hb).contains("backup/nightly"));
  // Unknown signal: 404 with a JSON error; not a heartbeat signal: 400.
  r = d.post("/api/v1/heartbeats/backup/weekly");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(json::parse(r->body)["error"] == "no signal \"backup/weekly\"");
  r = d.post("/api/v1/heartbeats/db/health");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("a reload with a broken file keeps the old model", "[integration][daemon][reload]") {
  Service db, api;
  const std::string good = model_for(db, api);
  DaemonProcess d(good);
  REQUIRE(d.wait_ready());
  REQUIRE(becomes(d, "flow", "checkout", "green"));

  d.rewrite_config(good + "\n[components.broken]\ndepends_on = [\"nowhere\"]\n");
  auto r = d.post("/-/reload");
  REQUIRE(r);
  CHECK(r->status == 400);
  const json body = json::parse(r->body);
  REQUIRE(body["errors"].size() == 1);
  CHECK(body["errors"][0].get<std::string>().find("references unknown component \"nowhere\"") != std::string::npos);
  CHECK(d.flow_state("checkout") == "green");  // still running the old model
  CHECK(d.get("/api/v1/components/broken")->status == 404);
  CHECK(d.get("/metrics")->body.find("greenlight_config_last_reload_successful 0") != std::string::npos);
  CHECK(d.log_events({{"event", "reload_failed"}}).size() == 1);

  // Fixed, and reloaded by SIGHUP: the new component appears; unchanged signals kept their state.
  d.rewrite_config(good + "\n[components.cache]\ndepends_on = [\"db\"]\n");
  d.send_signal(SIGHUP);
  REQUIRE(DaemonProcess::wait_until([&] { return d.component_state("cache") == "green"; }, 5s));
  CHECK(d.get("/metrics")->body.find("greenlight_config_last_reload_successful 1") != std::string::npos);
  const auto reloaded = d.log_events({{"event", "reloaded"}});
  REQUIRE(reloaded.size() == 1);
  CHECK(reloaded[0]["msg"].get<std::string>().find("2 kept their state") != std::string::npos);
  CHECK(d.log_events({{"event", "state_change"}, {"kind", "flow"}, {"flow", "checkout"}, {"to", "unknown"}}).empty());
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("auth: mutating calls get 401 and change nothing without the bearer token", "[integration][daemon][auth]") {
  Service db, api;
  std::string toml = model_for(db, api, R"(
[components.backup]
  [[components.backup.signals]]
  id = "nightly"
  probe = "heartbeat"
  red_after = "1h"
)");
  // Relative to the config file's directory.
  toml.replace(toml.find("interval = \"200ms\""), 18, "interval = \"200ms\"\nauth_token_file = \"token\"");
  DaemonProcess d(toml, {{"token", "s3cret\n"}});
  REQUIRE(d.wait_ready());
  auto r = d.post("/api/v1/heartbeats/backup/nightly");
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(json::parse(r->body)["error"].get<std::string>().find("Bearer") != std::string::npos);
  // Nothing recorded: the file holds only the heartbeat's first-seen time (SPEC 5a).
  const auto pinged = [&] {
    std::ifstream hb(d.dir() + "/state/heartbeats.json");
    const json j = json::parse(hb, nullptr, false);
    return j.is_object() && j.contains("backup/nightly") && j["backup/nightly"].contains("last_ping");
  };
  CHECK_FALSE(pinged());
  r = d.post("/api/v1/heartbeats/backup/nightly", {{"Authorization", "Bearer wrong"}});
  CHECK(r->status == 401);
  r = d.post("/-/reload");
  CHECK(r->status == 401);
  r = d.post("/api/v1/heartbeats/backup/nightly", {{"Authorization", "Bearer s3cret"}});
  CHECK(r->status == 202);
  CHECK(pinged());
  // Reading needs no token.
  CHECK(d.get("/api/v1/status")->status == 200);
  CHECK(d.log().find("s3cret") == std::string::npos);  // the secret is never logged
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("/metrics exposes the contract's metric names and passes promtool", "[integration][daemon][metrics]") {
  Service db, api;
  DaemonProcess d(model_for(db, api));
  REQUIRE(d.wait_ready());
  REQUIRE(becomes(d, "flow", "checkout", "green"));
  const std::string metrics = d.get("/metrics")->body;
  for (const char* line : {"greenlight_overall_state{state=\"green\"} 1",
                           "greenlight_flow_state{flow=\"checkout\",kind=\"user\",criticality=\"high\",state=\"green\"} 1",
                           "greenlight_flow_state{flow=\"checkout\",kind=\"user\",criticality=\"high\",state=\"red\"} 0",
                           "greenlight_component_state{component=\"db\",state=\"green\"} 1",
                           "greenlight_signal_value{component=\"api\",signal=\"health\"}",
                           "greenlight_probe_duration_seconds_bucket{type=\"http\"",
                           "greenlight_probe_runs_total{result=\"ok\",type=\"http\"}",
                           "greenlight_evaluation_duration_seconds_count",
                           "greenlight_config_last_reload_successful 1",
                           "greenlight_config_last_reload_success_timestamp_seconds"}) {
    INFO(line);
    CHECK(metrics.find(line) != std::string::npos);
  }
  // promtool (Debian prometheus, installed by test.sh) lints the exposition from stdin.
  REQUIRE(std::filesystem::exists("/usr/bin/promtool"));
  const std::string path = d.dir() + "/metrics.txt";
  std::ofstream(path) << metrics;
  const auto lint = greenlight::test::run_process({"/bin/sh", "-c", "/usr/bin/promtool check metrics < " + path});
  INFO(lint.out << lint.err);
  CHECK(lint.exit_code == 0);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("the Grafana dashboard is valid JSON and reads only metrics /metrics exposes",
          "[integration][daemon][metrics][grafana]") {
  const json dashboard = greenlight::test::grafana_dashboard();
  REQUIRE_FALSE(dashboard.is_discarded());
  CHECK(dashboard["schemaVersion"].get<int>() >= 36);  // Grafana 10 reads 36 to 39
  REQUIRE(dashboard["panels"].size() >= 8);
  const auto names = greenlight::test::grafana_metric_names(dashboard);
  for (const char* expected : {"greenlight_overall_state", "greenlight_flow_state", "greenlight_component_state",
                               "greenlight_probe_duration_seconds", "greenlight_notifications_total"}) {
    CHECK(names.count(expected) == 1);  // overall, flows, components, probe latency, notifications
  }
  Service db, api;
  // With a receiver and an action: their series exist from the start.
  DaemonProcess d(model_for(db, api) +
                  "[alerting.receivers.x]\ntype = \"webhook\"\nurl = \"http://127.0.0.1:9/\"\n"
                  "[[actions]]\nname = \"a\"\ncomponent = \"db\"\nrun = [\"/bin/true\"]\n");
  REQUIRE(d.wait_ready());
  const std::string metrics = d.get("/metrics")->body;
  for (const std::string& name : names) {
    INFO(name);
    CHECK(metrics.find("# TYPE " + name + " ") != std::string::npos);
  }
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("SIGTERM and SIGINT stop the daemon cleanly within a few seconds", "[integration][daemon]") {
  Service db, api;
  api.delay_ms = 800;  // a probe in flight when the signal arrives
  for (int sig : {SIGTERM, SIGINT}) {
    DaemonProcess d(model_for(db, api));
    REQUIRE(d.wait_ready());
    const auto start = std::chrono::steady_clock::now();
    CHECK(d.stop(sig, 5s) == 0);
    CHECK(std::chrono::steady_clock::now() - start < 4s);
    CHECK(d.log_events({{"event", "stopped"}}).size() == 1);
  }
}

TEST_CASE("a second daemon on the same address refuses to start", "[integration][daemon]") {
  Service db, api;
  DaemonProcess first(model_for(db, api));
  REQUIRE(first.wait_ready());
  std::string second_toml = model_for(db, api);
  second_toml.replace(second_toml.find("{PORT}"), 6, std::to_string(first.port()));
  DaemonProcess second(second_toml);
  REQUIRE(DaemonProcess::wait_until([&] { return !second.running(); }, 5s));
  CHECK(second.stop(SIGTERM) == 1);
  CHECK(second.log().find("cannot listen on 127.0.0.1:" + std::to_string(first.port())) != std::string::npos);
  CHECK(first.running());
  CHECK(first.stop(SIGTERM) == 0);
}

TEST_CASE("the JSON API answers errors with JSON and the right status", "[integration][daemon][api]") {
  Service db, api;
  DaemonProcess d(model_for(db, api));
  REQUIRE(d.wait_ready());
  auto r = d.get("/api/v1/components/nope");
  CHECK(r->status == 404);
  CHECK(json::parse(r->body)["error"] == "no component \"nope\"");
  r = d.get("/api/v1/flows/nope");
  CHECK(r->status == 404);
  r = d.get("/no/such/thing");
  CHECK(r->status == 404);
  CHECK(json::parse(r->body)["error"] == "no such endpoint: GET /no/such/thing");
  CHECK(d.get("/healthz")->status == 200);
  const json status = d.get_json("/api/v1/status");
  CHECK(status["overall"].is_string());
  CHECK(status["flows"].size() == 1);
  CHECK(status["components"].size() == 2);
  const json graph = d.get_json("/api/v1/graph");
  CHECK(graph["nodes"].size() == 3);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("greenlight check runs every signal once and exits with the state", "[integration][check]") {
  Service db, api;
  DaemonProcess holder("[components.x]\n");  // a temporary directory for the model file
  const std::string path = holder.dir() + "/check.toml";
  std::ofstream(path) << holder.expand(model_for(db, api));
  auto r = greenlight::test::run_process({GREENLIGHT_BINARY, "check", path});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("GREENLIGHT OK - all high-criticality flows green", 0) == 0);
  api.delay_ms = 300;
  r = greenlight::test::run_process({GREENLIGHT_BINARY, "check", path});
  CHECK(r.exit_code == 1);
  CHECK(r.out.rfind("GREENLIGHT WARNING", 0) == 0);
  db.status = 500;  // failures = 3 does not apply to check: one run decides
  r = greenlight::test::run_process({GREENLIGHT_BINARY, "check", path, "--format", "json"});
  CHECK(r.exit_code == 2);
  const json j = json::parse(r.out);
  CHECK(j["overall"] == "red");
  CHECK(j["overall_detail"]["root_causes"][0]["component"] == "db");
}

TEST_CASE("a hung probe never delays the others, a closed TCP listener turns red", "[integration][daemon]") {
  Service hung, fast;
  hung.delay_ms = 5000;  // answers long after its 2 s timeout
  // A TCP listener the test opens and later closes.
  auto listener = std::make_unique<HttpFixture>();
  const int tcp_port = listener->port();
  DaemonProcess d(R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "200ms"
[components.hung]
  [[components.hung.signals]]
  id = "health"
  probe = "http"
  url = ")" + hung.url() + R"("
  timeout = "2s"
[components.fast]
  [[components.fast.signals]]
  id = "health"
  probe = "http"
  url = ")" + fast.url() + R"("
  timeout = "2s"
[components.queue]
  [[components.queue.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:)" + std::to_string(tcp_port) + R"("
  timeout = "1s"
)");
  REQUIRE(d.wait_ready());
  REQUIRE(becomes(d, "component", "fast", "green", 5s));
  REQUIRE(becomes(d, "component", "queue", "green", 5s));
  // While `hung` keeps timing out, `fast` still runs every 200 ms: it turns red at once.
  fast.status = 500;
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(becomes(d, "component", "fast", "red", 5s));
  CHECK(std::chrono::steady_clock::now() - start < 1500ms);
  CHECK(becomes(d, "component", "hung", "red", 5s));
  listener.reset();  // the listener goes away
  REQUIRE(becomes(d, "component", "queue", "red", 5s));
  CHECK(d.get_json("/api/v1/components/queue")["root_causes"][0]["message"].get<std::string>().find(
            "Connection refused") != std::string::npos);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("a restart keeps fresh signal states and their since", "[integration][daemon][restart]") {
  Service db, api;
  db.status = 503;
  const greenlight::test::ScratchDir scratch("restart");
  const std::string& state_dir = scratch.path;
  std::string toml = model_for(db, api);
  toml.replace(toml.find("{DIR}/state"), 11, state_dir);
  toml.replace(toml.find("interval = \"200ms\""), 18, "interval = \"2s\"");  // slow probing: state must come from disk
  std::string red_since;
  {
    DaemonProcess first(toml);
    REQUIRE(first.wait_ready());
    REQUIRE(becomes(first, "component", "db", "red", 15s));
    red_since = first.get_json("/api/v1/components/db")["since"];
    CHECK(first.stop(SIGTERM) == 0);
  }
  REQUIRE(std::filesystem::exists(state_dir + "/state.json"));
  DaemonProcess second(toml);
  REQUIRE(DaemonProcess::wait_until([&] { return second.get("/healthz") != nullptr; }, 5s));
  // Served from the saved state before the new process has probed anything.
  const json db_json = second.get_json("/api/v1/components/db");
  CHECK(db_json["state"] == "red");
  CHECK(db_json["since"] == red_since);
  CHECK(second.get_json("/api/v1/flows/checkout")["state"] == "red");
  const auto started = second.log_events({{"event", "started"}});
  REQUIRE(started.size() == 1);
  CHECK(started[0]["restored"] == "2");
  CHECK(second.stop(SIGTERM) == 0);
}
