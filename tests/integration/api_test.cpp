// The JSON API of SPEC 4 (docs/api.md) against the real binary: every endpoint, and its
// errors as JSON with the right status.

#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/support/daemon_process.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/http_fixture.h"

using namespace std::chrono_literals;
using greenlight::test::DaemonProcess;
using greenlight::test::Service;
using nlohmann::json;

namespace {

std::string shop_for(const Service& db, const Service& web, const std::string& state_dir = "{DIR}/state") {
  return R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = ")" + state_dir + R"("
interval = "200ms"

[components.db]
name = "Orders database"
owner = "team-data"
runbook = "https://runbooks.example/db"
  [[components.db.signals]]
  id = "health"
  probe = "http"
  url = ")" + db.url() + R"("

[components.web]
depends_on = [{ component = "db", impact = "degrading" }]
  [[components.web.signals]]
  id = "health"
  probe = "http"
  url = ")" + web.url() + R"("

[flows.browse]
criticality = "high"
steps = ["web"]

[flows.orders]
criticality = "medium"
steps = ["web", "db"]
)";
}

// The events of `d` after sequence number `after`.
json events_after(DaemonProcess& d, std::uint64_t after) {
  return d.get_json("/api/v1/events?since=" + std::to_string(after))["events"];
}

bool has_event(const json& events, const std::string& type, const std::string& id, const std::string& to) {
  for (const auto& e : events) {
    if (e["type"] == type && e["detail"].value("id", "") == id && e["detail"].value("to", "") == to) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("status, flows, components and graph describe the model and its states", "[integration][api]") {
  Service db, web;
  DaemonProcess d(shop_for(db, web));
  REQUIRE(d.wait_ready());
  db.status = 503;
  REQUIRE(DaemonProcess::wait_until([&] { return d.flow_state("orders") == "red"; }, 10s));

  const json status = d.get_json("/api/v1/status");
  CHECK(status["overall"] == "yellow");  // the worst of the high-criticality flows (browse)
  CHECK(status["ready"] == true);
  REQUIRE(status["flows"].size() == 2);
  for (const auto& f : status["flows"]) {
    CHECK(f.contains("since"));
    CHECK(f.contains("reason"));
    if (f["id"] == "orders") CHECK(f["root_causes"][0]["component"] == "db");
    if (f["id"] == "browse") CHECK(f["state"] == "yellow");  // db is degrading for web
  }

  // The dashboard's lighter poll: only the components that are not green.
  const json not_green = d.get_json("/api/v1/status?components=not_green");
  CHECK(not_green["flows"].size() == 2);
  REQUIRE(not_green["components"].size() == 2);  // db red, web yellow
  CHECK(d.get("/api/v1/status?components=some")->status == 400);

  const json flow = d.get_json("/api/v1/flows/orders");
  CHECK(flow["state"] == "red");
  REQUIRE(flow["steps"].size() == 2);
  CHECK(flow["steps"][1]["id"] == "db");
  CHECK(flow["steps"][1]["state"] == "red");

  // A component with its signals' last results: ok, value, message, duration, time.
  const json db_json = d.get_json("/api/v1/components/db");
  CHECK(db_json["state"] == "red");
  CHECK(db_json["owner"] == "team-data");
  REQUIRE(db_json["signals"].size() == 1);
  const json& last = db_json["signals"][0]["last_result"];
  CHECK(last["ok"] == false);
  CHECK(last["message"].get<std::string>().find("HTTP 503") != std::string::npos);
  CHECK(last["duration_ms"].get<double>() >= 0);
  CHECK(last["duration_ms"].get<double>() < 5000);
  CHECK(last["value"].is_number());
  CHECK(last["time"].get<std::string>().ends_with("Z"));
  const json web_json = d.get_json("/api/v1/components/web");
  CHECK(web_json["signals"][0]["last_result"]["ok"] == true);
  CHECK(web_json["depends_on"][0]["impact"] == "degrading");

  // The graph: nodes with states, edges with impacts.
  const json graph = d.get_json("/api/v1/graph");
  std::map<std::string, std::string> states;
  for (const auto& n : graph["nodes"]) states[n["id"]] = n["state"];
  CHECK(states["db"] == "red");
  CHECK(states["web"] == "yellow");
  CHECK(states["orders"] == "red");
  bool degrading = false;
  for (const auto& e : graph["edges"]) degrading = degrading || (e["from"] == "web" && e["to"] == "db" && e["impact"] == "degrading");
  CHECK(degrading);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("events: transitions and reloads in order, since a sequence number or a time, kept over a restart",
          "[integration][api][events]") {
  Service db, web;
  const greenlight::test::ScratchDir scratch("events");
  const std::string& state_dir = scratch.path;
  std::uint64_t last_seq = 0;
  {
    DaemonProcess d(shop_for(db, web, state_dir));
    REQUIRE(d.wait_ready());
    const std::uint64_t start = d.get_json("/api/v1/events")["last_seq"];
    db.status = 503;
    REQUIRE(DaemonProcess::wait_until([&] { return has_event(events_after(d, start), "state", "db", "red"); }, 10s));
    const json events = events_after(d, start);
    CHECK(has_event(events, "state", "orders", "red"));
    for (std::size_t i = 1; i < events.size(); ++i) CHECK(events[i]["seq"] > events[i - 1]["seq"]);
    // A poller asking after the newest sees nothing new; a time filter works too.
    last_seq = d.get_json("/api/v1/events")["last_seq"];
    CHECK(events_after(d, last_seq).empty());
    CHECK(d.get_json("/api/v1/events?since=2000-01-01T00:00:00Z")["events"].size() >= events.size());
    CHECK(d.get_json("/api/v1/events?since=2999-01-01T00:00:00Z")["events"].empty());
    CHECK(d.get_json("/api/v1/events?limit=1")["events"].size() == 1);
    // A reload is an event.
    REQUIRE(d.post("/-/reload")->status == 200);
    REQUIRE(DaemonProcess::wait_until(
        [&] {
          for (const auto& e : events_after(d, last_seq)) {
            if (e["type"] == "reload" && e["detail"]["ok"] == true) return true;
          }
          return false;
        },
        10s));
    last_seq = d.get_json("/api/v1/events")["last_seq"];
    // Bad parameters: 400 with a JSON error.
    for (const char* bad : {"/api/v1/events?since=yesterday", "/api/v1/events?limit=0", "/api/v1/events?limit=x"}) {
      INFO(bad);
      auto r = d.get(bad);
      REQUIRE(r);
      CHECK(r->status == 400);
      CHECK(json::parse(r->body)["error"].is_string());
    }
    CHECK(d.stop(SIGTERM) == 0);
  }
  // After a restart the history is still there, and numbering goes on.
  DaemonProcess again(shop_for(db, web, state_dir));
  REQUIRE(DaemonProcess::wait_until([&] { return again.get("/healthz") != nullptr; }, 5s));
  const json kept = again.get_json("/api/v1/events?limit=2000")["events"];
  CHECK(has_event(kept, "state", "db", "red"));
  CHECK(again.get_json("/api/v1/events")["last_seq"].get<std::uint64_t>() >= last_seq);
  CHECK(again.stop(SIGTERM) == 0);
}

TEST_CASE("API errors: unknown ids are 404, unknown paths 404, wrong bodies 400, all JSON", "[integration][api]") {
  Service db, web;
  DaemonProcess d(shop_for(db, web));
  REQUIRE(d.wait_ready());
  for (const char* path : {"/api/v1/components/nope", "/api/v1/flows/nope", "/api/v1/nothing"}) {
    INFO(path);
    auto r = d.get(path);
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(r->get_header_value("Content-Type").find("application/json") == 0);
    CHECK(json::parse(r->body)["error"].is_string());
  }
  httplib::Client c("127.0.0.1", d.port());
  auto r = c.Post("/api/v1/silences", "not json", "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(json::parse(r->body)["error"].is_string());
  r = c.Post("/api/v1/silences", R"({"match": {"component": "db"}, "duration": "1h"})", "application/json");
  CHECK(r->status == 400);  // no author
  r = c.Delete("/api/v1/silences/nope");
  CHECK(r->status == 404);
  // Bytes that are not UTF-8, from the network: echoed as U+FFFD, never a 500 or a crash.
  for (const char* path : {"/api/v1/components/%FF", "/api/v1/flows/%C3", "/api/v1/components/db%E9"}) {
    INFO(path);
    r = c.Get(path);
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(json::parse(r->body)["error"].get<std::string>().find("\xEF\xBF\xBD") != std::string::npos);
  }
  r = c.Delete("/api/v1/silences/%FF");
  REQUIRE(r);
  CHECK(r->status == 404);
  r = c.Post("/api/v1/silences", "{\"match\": {\"component\": \"db\"}, \"duration\": \"1h\", \"author\": \"\xE9\"}",
             "application/json");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(json::parse(r->body)["error"].is_string());
  CHECK(d.get("/healthz")->status == 200);
  // A Range header is ignored: the whole JSON, never its first bytes under a 200 or a 404
  // (found by fuzz_mutate_http_api); an invalid one is a 416 with the whole JSON error.
  for (const char* path : {"/api/v1/status", "/api/v1/nothing", "/healthz"}) {
    INFO(path);
    r = c.Get(path, {{"Range", "bytes=0-1"}});
    REQUIRE(r);
    CHECK((r->status == 200 || r->status == 404));
    CHECK_FALSE(r->has_header("Content-Range"));
    CHECK(r->body.size() > 2);
    if (std::string(path) != "/healthz") CHECK(json::parse(r->body).is_object());
  }
  r = c.Get("/api/v1/status", {{"Range", "bytes=0-1,5-3"}});
  REQUIRE(r);
  CHECK(r->status == 416);
  CHECK(json::parse(r->body)["error"].is_string());
  // Alerts: listed (none configured to fire here), an object with a list.
  CHECK(d.get_json("/api/v1/alerts")["alerts"].is_array());
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("a plugin whose output is not UTF-8 is shown with U+FFFD, persisted, and the daemon runs on",
          "[integration][api]") {
  // A Nagios plugin in a Latin-1 locale: "Température" with a single byte 0xE9.
  DaemonProcess d(R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "200ms"
[components.sensor]
  [[components.sensor.signals]]
  id = "temp"
  probe = "exec"
  command = ["/bin/sh", "{DIR}/check_temp.sh"]
[flows.cooling]
steps = ["sensor"]
)",
                  {{"check_temp.sh", "printf 'CRITICAL - Temp\\351rature 99 C|temp=99\\n'\nexit 2\n"}});
  REQUIRE(d.wait_ready());
  REQUIRE(DaemonProcess::wait_until([&] { return d.component_state("sensor") == "red"; }, 10s));
  const json sensor = d.get_json("/api/v1/components/sensor");
  CHECK(sensor["reason"].get<std::string>().find("Temp\xEF\xBF\xBDrature 99 C") != std::string::npos);
  CHECK(d.get_json("/api/v1/status")["overall"] == "red");
  CHECK(d.get_json("/api/v1/events?since=0")["events"].size() >= 2);
  CHECK(d.get("/metrics")->status == 200);
  CHECK(d.stop(SIGTERM) == 0);
  // What it wrote is JSON that reads back.
  std::ifstream state(d.dir() + "/state/state.json");
  CHECK_FALSE(json::parse(state, nullptr, false).is_discarded());
}
