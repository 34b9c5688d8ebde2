// What-if, explain, lint and fma (SPEC 6.3) against the real binary: POST /api/v1/simulate
// answers and changes nothing, the explain routes, and the simulate / lint / fma commands.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "tests/support/daemon_process.h"
#include "tests/support/http_fixture.h"
#include "tests/support/process.h"

using namespace std::chrono_literals;
using greenlight::test::DaemonProcess;
using greenlight::test::Recorder;
using greenlight::test::run_process;
using greenlight::test::Service;
using nlohmann::json;

namespace {

const std::string kBinary = GREENLIGHT_BINARY;
const std::string kShop = std::string(GREENLIGHT_SOURCE_DIR) + "/examples/shop.toml";

std::string model_for(const Service& db, const Service& web, const Recorder& hook) {
  return R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "2s"                 # probes time out at 2s: a loaded machine does not fail them
auth_token_file = "token"

[components.db]
alert = true
criticality = "high"
  [[components.db.signals]]
  id = "health"
  probe = "http"
  url = ")" + db.url() + R"("

[components.web]
depends_on = ["db"]
  [[components.web.signals]]
  id = "health"
  probe = "http"
  url = ")" + web.url() + R"("

[flows.browse]
criticality = "high"
steps = ["web"]

[flows.orders]
criticality = "medium"
steps = ["db"]

[alerting.receivers.hook]
type = "webhook"
url = ")" + hook.url() + R"("

[[alerting.routes]]
receiver = "hook"
group_by = ["..."]
)";
}

httplib::Result simulate(DaemonProcess& d, const std::string& body) {
  httplib::Client c("127.0.0.1", d.port());
  c.set_read_timeout(10, 0);
  return c.Post("/api/v1/simulate", body, "application/json");
}

// Every file under `dir`, by path, with its bytes.
std::map<std::string, std::string> files_of(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    out[e.path().string()] = s.str();
  }
  return out;
}

// The lines of /metrics about notifications.
std::string notification_metrics(DaemonProcess& d) {
  std::istringstream in(d.get("/metrics")->body);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("greenlight_notifications_total") || line.starts_with("greenlight_notification_queue_length") ||
        line.starts_with("greenlight_alerts{")) {
      out += line + "\n";
    }
  }
  return out;
}

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/greenlight-whatif-" + std::to_string(::getpid()) + "-" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("simulate: the API answers what would change and who would be paged, with no token",
          "[integration][whatif]") {
  Service db, web;
  Recorder hook("/hook");
  DaemonProcess d(model_for(db, web, hook), {{"token", "s3cret\n"}});
  REQUIRE(d.wait_ready());
  REQUIRE(DaemonProcess::wait_until([&] { return d.flow_state("browse") == "green"; }, 10s));

  auto r = simulate(d, R"({"components": {"db": "red"}})");
  REQUIRE(r);
  CHECK(r->status == 200);
  const json j = json::parse(r->body);
  CHECK(j["simulation"] == true);
  CHECK(j["overall"] == "red");
  CHECK(j["overall_was"] == "green");
  REQUIRE(j["flows"].size() == 2);
  CHECK(j["flows"][0]["id"] == "browse");
  CHECK(j["flows"][0]["was"] == "green");
  CHECK(j["flows"][0]["root_causes"][0]["component"] == "db");
  CHECK(j["flows"][0]["root_causes"][0]["message"] == "simulated red");
  std::vector<std::string> paged;
  for (const auto& n : j["notifications"]) paged.push_back(n["receiver"].get<std::string>() + " " + n["alert"].get<std::string>() + " " + n["severity"].get<std::string>());
  std::sort(paged.begin(), paged.end());
  CHECK(paged == std::vector<std::string>{"hook component/db critical", "hook flow/browse critical", "hook flow/orders error"});
  // The live daemon is still green and nothing was sent.
  CHECK(d.flow_state("browse") == "green");
  CHECK(hook.got().empty());

  // A POST without a body or Content-Length (curl -X POST) answers at once, the current state.
  const auto curl = run_process({"curl", "-fsS", "-m", "5", "-X", "POST",
                                 "http://127.0.0.1:" + std::to_string(d.port()) + "/api/v1/simulate"});
  REQUIRE(curl.exit_code == 0);
  CHECK(json::parse(curl.out)["flows"].empty());

  // A signal override, and the empty set answers the current state.
  r = simulate(d, R"({"signals": {"web/health": "yellow"}})");
  REQUIRE(r);
  CHECK(json::parse(r->body)["overall"] == "yellow");
  for (const std::string body : {"{}", ""}) {
    r = simulate(d, body);
    REQUIRE(r);
    CHECK(r->status == 200);
    const json none = json::parse(r->body);
    CHECK(none["overall"] == "green");
    CHECK(none["flows"].empty());
    CHECK(none["components"].empty());
    CHECK(none["notifications"].empty());
  }
}

TEST_CASE("simulate: bad input gets a JSON error naming it, a body over 1 MiB gets 413", "[integration][whatif]") {
  Service db, web;
  Recorder hook("/hook");
  DaemonProcess d(model_for(db, web, hook), {{"token", "s3cret\n"}});
  REQUIRE(d.wait_ready());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"components": {"dbx": "red"}})", "no component \"dbx\""},
      {R"({"signals": {"db/nope": "red"}})", "no signal \"db/nope\""},
      {R"({"components": {"db": "purple"}})", "\"db\": state must be green, yellow, red or unknown, not \"purple\""},
      {R"({"components": ["db"]})", "\"components\" must map ids to states"},
      {R"({"db": "red"})", "unknown key \"db\""},
      {"not json", "the body must be JSON"},
  };
  for (const auto& [body, error] : cases) {
    INFO(body);
    const auto r = simulate(d, body);
    REQUIRE(r);
    CHECK(r->status == 400);
    const json j = json::parse(r->body, nullptr, false);
    REQUIRE(j.is_object());
    CHECK(j["status"] == 400);
    CHECK(j["error"].get<std::string>().find(error) != std::string::npos);
  }
  const std::string big = R"({"components": {"db": "red"}, "pad": ")" + std::string(1 << 20, 'x') + "\"}";
  const auto r = simulate(d, big);
  REQUIRE(r);
  CHECK(r->status == 413);
  CHECK(json::parse(r->body, nullptr, false)["status"] == 413);
  CHECK(d.get("/healthz")->status == 200);
}

TEST_CASE("simulate: 1,000 calls leave notification counters, events and state files byte for byte unchanged",
          "[integration][whatif]") {
  Service db, web;
  Recorder hook("/hook");
  DaemonProcess d(model_for(db, web, hook), {{"token", "s3cret\n"}});
  REQUIRE(d.wait_ready());
  // Something real happened first: the web fails and pages, so there is something to keep.
  web.status = 500;
  REQUIRE(DaemonProcess::wait_until([&] { return hook.got().size() >= 1; }, 10s));
  // ... and its delivery is counted and in the history before the snapshot of both is taken.
  REQUIRE(DaemonProcess::wait_until(
      [&] { return notification_metrics(d).find("outcome=\"delivered\",receiver=\"hook\"} 1\n") != std::string::npos; },
      10s));
  REQUIRE(DaemonProcess::wait_until(
      [&] {
        const json now = d.get_json("/api/v1/events?limit=2000");
        for (const auto& e : now["events"]) {
          if (e["type"] == "notification") return true;
        }
        return false;
      },
      10s));
  const std::string metrics = notification_metrics(d);
  const json events = d.get_json("/api/v1/events?limit=2000");
  const auto files = files_of(d.dir() + "/state");
  const std::size_t sent = hook.got().size();
  REQUIRE_FALSE(files.empty());

  const std::string bodies[] = {R"({"components": {"db": "red"}})", R"({"signals": {"web/health": "green"}})",
                                R"({"components": {"db": "yellow", "web": "unknown"}})", "{}"};
  for (int i = 0; i < 1000; ++i) {
    const auto r = simulate(d, bodies[i % 4]);
    REQUIRE(r);
    REQUIRE(r->status == 200);
  }
  CHECK(notification_metrics(d) == metrics);
  CHECK(d.get_json("/api/v1/events?limit=2000") == events);
  CHECK(files_of(d.dir() + "/state") == files);
  CHECK(hook.got().size() == sent);
  CHECK(d.flow_state("browse") == "red");
}

TEST_CASE("explain: the evaluation tree of a flow and a component, unknown ids get 404 JSON", "[integration][whatif]") {
  Service db, web;
  Recorder hook("/hook");
  DaemonProcess d(model_for(db, web, hook), {{"token", "s3cret\n"}});
  REQUIRE(d.wait_ready());
  db.status = 503;
  REQUIRE(DaemonProcess::wait_until([&] { return d.flow_state("browse") == "red"; }, 10s));
  const json flow = d.get_json("/api/v1/explain/flows/browse");
  CHECK(flow["state"] == "red");
  CHECK(flow["steps"][0]["component"] == "web");
  CHECK(flow["steps"][0]["decides"] == true);
  const json& web_tree = flow["steps"][0]["explain"];
  CHECK(web_tree["dependencies"][0]["component"] == "db");
  const json& db_tree = web_tree["dependencies"][0]["explain"];
  CHECK(db_tree["signals"][0]["state"] == "red");
  CHECK(db_tree["signals"][0]["last_result"].is_string());
  CHECK(db_tree["alert"]["status"] == "firing");
  CHECK(db_tree["alert"]["suppressed"] == false);
  const json comp = d.get_json("/api/v1/explain/components/web");
  CHECK(comp["state"] == "red");
  CHECK(comp["signals"][0]["state"] == "green");
  for (const std::string path : {"/api/v1/explain/flows/nope", "/api/v1/explain/components/nope"}) {
    const auto r = d.get(path);
    REQUIRE(r);
    CHECK(r->status == 404);
    CHECK(json::parse(r->body)["error"].get<std::string>().find("\"nope\"") != std::string::npos);
  }
}

TEST_CASE("greenlight simulate: exit codes by the simulated overall state, bad --set exits 64", "[integration][whatif][cli]") {
  auto r = run_process({kBinary, "simulate", kShop, "--set", "database=red"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.starts_with("SIMULATION (nothing was sent): overall red (was green)"));
  CHECK(r.out.find("root cause database/tcp: simulated red") != std::string::npos);
  CHECK(r.out.find("oncall: firing flow/checkout (critical)") != std::string::npos);
  r = run_process({kBinary, "simulate", kShop, "--set", "recommendations=red", "--format", "json"});
  CHECK(r.exit_code == 1);
  CHECK(json::parse(r.out)["overall"] == "yellow");
  r = run_process({kBinary, "simulate", kShop});
  CHECK(r.exit_code == 0);
  r = run_process({kBinary, "simulate", kShop, "--set", "pricing/health=unknown", "--set", "web=red"});
  CHECK(r.exit_code == 2);
  r = run_process({kBinary, "simulate", kShop, "--set", "databse=red"});
  CHECK(r.exit_code == 64);
  CHECK(r.err == "greenlight simulate: no component \"databse\"\n");
  r = run_process({kBinary, "simulate", kShop, "--set", "database=down"});
  CHECK(r.exit_code == 64);
  CHECK(r.err == "greenlight simulate: \"database\": state must be green, yellow, red or unknown, not \"down\"\n");
}

TEST_CASE("greenlight lint: warnings as FILE:LINE:COL, exit 0 clean, 1 with warnings, 2 invalid",
          "[integration][whatif][cli]") {
  auto r = run_process({kBinary, "lint", kShop});
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  const std::string path = write_temp("lint.toml", R"([components.db]
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
  yellow_above = 1
  red_above = 1
[components.old]
[flows.checkout]
steps = ["db"]
)");
  r = run_process({kBinary, "lint", path});
  CHECK(r.exit_code == 1);
  CHECK(r.out == path + ":6:3: warning: [threshold-order] signal \"db/tcp\": yellow_above is not below red_above (1 >= 1): "
                        "it goes from green to red, never yellow\n" +
                     path + ":8:13: warning: [unused-component] component \"old\" is on no flow, directly or through "
                            "dependencies, and does not alert: its state reaches nobody\n");
  r = run_process({kBinary, "lint", path, "--format", "json"});
  CHECK(r.exit_code == 1);
  CHECK(json::parse(r.out)["warnings"].size() == 2);
  const std::string bad = write_temp("bad.toml", "[components.a]\ndepends_on = [\"ghost\"]\n");
  r = run_process({kBinary, "lint", bad});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(bad + ":2:15: error:") != std::string::npos);
  // validate stays about errors: the warnings are lint's.
  r = run_process({kBinary, "validate", path});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  std::filesystem::remove(path);
  std::filesystem::remove(bad);
}

TEST_CASE("greenlight fma: the shop's failure mode table in Markdown and JSON", "[integration][whatif][cli]") {
  auto r = run_process({kBinary, "fma", kShop});
  CHECK(r.exit_code == 0);
  CHECK(r.out.starts_with("| Component | What fails |"));
  CHECK(r.out.find("\n| database | Orders database |") != std::string::npos);
  r = run_process({kBinary, "fma", kShop, "--format", "json"});
  CHECK(r.exit_code == 0);
  const json j = json::parse(r.out);
  CHECK(j["failure_modes"][0]["component"] == "database");
  CHECK(j["failure_modes"][0]["single_point_of_failure"] == true);
  CHECK(j["failure_modes"][0]["detection"]["time_to_detect"] == "15s");
}
