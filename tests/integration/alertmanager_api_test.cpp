// The Alertmanager-compatible API (SPEC 6.6) with the real amtool (Debian's
// prometheus-alertmanager, 0.25), run as an on-call engineer would: list greenlight's
// alerts, add a silence, find it, expire it; every effect checked on greenlight's own API.

#include <catch2/catch.hpp>
#include <fstream>

#include "tests/support/daemon_process.h"
#include "tests/support/http_fixture.h"
#include "tests/support/process.h"

using namespace std::chrono_literals;
using greenlight::test::DaemonProcess;
using greenlight::test::free_port;
using greenlight::test::Recorder;
using greenlight::test::run_process;
using greenlight::test::Service;
using nlohmann::json;

namespace {

// db (nothing listens on its port: red) <- web <- checkout; db's alert is the cause, web's
// a symptom greenlight suppresses. Mutations need the admin token.
std::string model_toml(const Service& web, const Recorder& hook) {
  return R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "200ms"
auth_token_file = "admin.token"

[components.db]
name = "Orders database"
alert = true
owner = "team-data"
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:)" + std::to_string(free_port()) + R"("
  timeout = "200ms"

[components.web]
alert = true
depends_on = ["db"]
  [[components.web.signals]]
  id = "home"
  probe = "http"
  url = ")" + web.url() + R"("

[flows.checkout]
criticality = "high"
steps = ["web"]

[alerting.receivers.oncall]
type = "webhook"
url = ")" + hook.url() + R"("

[[alerting.routes]]
receiver = "oncall"
)";
}

struct Amtool {
  DaemonProcess& d;
  // amtool with the admin token, as an on-call engineer configures it (http.config.file).
  greenlight::test::ProcessResult operator()(std::vector<std::string> args, bool with_token = true) const {
    std::vector<std::string> argv{"amtool", "--alertmanager.url=http://127.0.0.1:" + std::to_string(d.port())};
    if (with_token) argv.push_back("--http.config.file=" + d.dir() + "/amtool-http.yml");
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
  }
  json query(std::vector<std::string> args) const {
    args.insert(args.begin(), {"-o", "json"});
    const auto r = (*this)(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }
};

const json* find_label(const json& list, const std::string& key, const std::string& value) {
  for (const json& a : list) {
    if (a.contains("labels") && a["labels"].value(key, "") == value) return &a;
  }
  return nullptr;
}

json silence_in_greenlight(DaemonProcess& d, const std::string& id) {
  const json all = d.get_json("/api/v1/silences");
  for (const json& s : all["silences"]) {
    if (s["id"] == id) return s;
  }
  return nullptr;
}

bool alert_silenced(DaemonProcess& d, const std::string& id, bool silenced) {
  const json alerts = d.get_json("/api/v1/alerts");
  for (const json& a : alerts["alerts"]) {
    if (a["id"] == id) return a["silenced"] == silenced;
  }
  return false;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("amtool lists greenlight's alerts, adds, finds and expires its silences", "[integration][alertmanager]") {
  Service web;
  Recorder hook("/hook");
  DaemonProcess d(model_toml(web, hook), {{"admin.token", "adm1n\n"}, {"amtool-http.yml", "authorization:\n  credentials: adm1n\n"}});
  REQUIRE(d.wait_ready());
  REQUIRE(DaemonProcess::wait_until([&] { return alert_silenced(d, "component/db", false); }, 10s));
  const Amtool amtool{d};

  // amtool alert query: the active alerts (web's is inhibited: a symptom of db's).
  const json active = amtool.query({"alert", "query"});
  const json* db = find_label(active, "component", "db");
  REQUIRE(db != nullptr);
  CHECK((*db)["labels"]["alertname"] == "GreenlightComponentUnhealthy");
  CHECK((*db)["labels"]["root_cause"] == "db");
  CHECK((*db)["annotations"]["state"] == "red");
  CHECK((*db)["status"]["state"] == "active");
  CHECK(find_label(active, "component", "web") == nullptr);
  const json inhibited = amtool.query({"alert", "query", "--inhibited", "component=web"});
  REQUIRE(inhibited.size() == 1);
  CHECK(inhibited[0]["status"]["inhibitedBy"] == json::array({(*db)["fingerprint"]}));
  // The simple output, with the version check that reads GET /api/v2/status.
  const auto simple = amtool({"alert", "query", "component=db"});
  CHECK(simple.exit_code == 0);
  CHECK(simple.out.find("GreenlightComponentUnhealthy") != std::string::npos);
  CHECK(simple.err.find("alertmanager version (0.1.0)") != std::string::npos);

  // amtool silence add: a greenlight silence, which silences db's alert.
  const auto added = amtool({"silence", "add", "component=db", "--author=alice", "--comment=failover drill", "--duration=1h"});
  INFO(added.err);
  REQUIRE(added.exit_code == 0);
  const std::string id = trim(added.out);
  const json s = silence_in_greenlight(d, id);
  REQUIRE(s.is_object());
  CHECK(s["match"] == json{{"component", "db"}});
  CHECK(s["author"] == "alice");
  CHECK(s["comment"] == "failover drill");
  CHECK(s["status"] == "active");
  CHECK(DaemonProcess::wait_until([&] { return alert_silenced(d, "component/db", true); }, 5s));

  // amtool silence query finds it, by matcher too; silenced alerts leave the default query.
  const json silences = amtool.query({"silence", "query"});
  REQUIRE(silences.size() == 1);
  CHECK(silences[0]["id"] == id);
  CHECK(silences[0]["createdBy"] == "alice");
  CHECK(trim(amtool({"silence", "query", "-q", "component=db"}).out) == id);
  CHECK(trim(amtool({"silence", "query", "-q", "component=web"}).out).empty());
  CHECK(find_label(amtool.query({"alert", "query"}), "component", "db") == nullptr);
  const json silenced = amtool.query({"alert", "query", "--silenced"});
  REQUIRE(find_label(silenced, "component", "db") != nullptr);
  CHECK((*find_label(silenced, "component", "db"))["status"]["silencedBy"] == json::array({id}));

  // amtool silence update (GET /api/v2/silence/{id}, then a POST with its id): as in
  // Alertmanager, the old silence is expired and a new one takes its place.
  const json updated = amtool.query({"silence", "update", id, "--comment=failover drill, extended"});
  REQUIRE(updated.size() == 1);
  const std::string new_id = updated[0]["id"];
  CHECK(new_id != id);
  CHECK(silence_in_greenlight(d, id)["status"] == "expired");
  CHECK(silence_in_greenlight(d, new_id)["status"] == "active");
  CHECK(silence_in_greenlight(d, new_id)["match"] == json{{"component", "db"}});
  CHECK(silence_in_greenlight(d, new_id)["comment"] == "failover drill, extended");

  // amtool silence expire: greenlight's silence is over and the alert is no longer silenced.
  const auto expired = amtool({"silence", "expire", new_id});
  INFO(expired.err);
  CHECK(expired.exit_code == 0);
  CHECK(silence_in_greenlight(d, new_id)["status"] == "expired");
  CHECK(DaemonProcess::wait_until([&] { return alert_silenced(d, "component/db", false); }, 5s));
  CHECK(trim(amtool({"silence", "query", "-q"}).out).empty());
  CHECK(amtool.query({"silence", "query", "--expired"}).size() == 2);
}

TEST_CASE("a bad Alertmanager-API silence is a 400 in Alertmanager's error shape, as amtool prints it",
          "[integration][alertmanager]") {
  Service web;
  Recorder hook("/hook");
  DaemonProcess d(model_toml(web, hook), {{"admin.token", "adm1n\n"}, {"amtool-http.yml", "authorization:\n  credentials: adm1n\n"}});
  REQUIRE(d.wait_ready());
  const Amtool amtool{d};

  // Matchers amtool accepts and greenlight refuses: one that matches everything, and a
  // regex in Go's syntax that ECMAScript does not read.
  auto r = amtool({"silence", "add", "component=~.*", "--comment=x"});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("at least one matcher must not match the empty string") != std::string::npos);
  r = amtool({"silence", "add", "component=~(?i)DB", "--comment=x"});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("invalid regular expression") != std::string::npos);
  // Without the admin token: refused, nothing made.
  r = amtool({"silence", "add", "component=db", "--comment=x"}, false);
  CHECK(r.exit_code != 0);
  CHECK(d.get_json("/api/v1/silences")["silences"].empty());

  // The raw answer: status 400, the body a JSON string.
  httplib::Client c("127.0.0.1", d.port());
  const auto res = c.Post("/api/v2/silences", {{"Authorization", "Bearer adm1n"}},
                          R"({"matchers": [{"name": "bad name", "value": "x", "isRegex": false}],
                              "startsAt": "2026-01-01T00:00:00Z", "endsAt": "2099-01-01T00:00:00Z",
                              "createdBy": "alice", "comment": ""})",
                          "application/json");
  REQUIRE(res);
  CHECK(res->status == 400);
  const json body = json::parse(res->body);
  REQUIRE(body.is_string());
  CHECK(body.get<std::string>() == "invalid silence: invalid label matcher 0: invalid label name \"bad name\"");
  CHECK(c.Get("/api/v2/alerts?filter=nonsense")->status == 400);
  CHECK(json::parse(c.Get("/api/v2/alerts?filter=nonsense")->body) == "bad matcher format: nonsense");
  CHECK(c.Get("/api/v2/silence/s99")->status == 404);
  CHECK(c.Delete("/api/v2/silence/s99", {{"Authorization", "Bearer adm1n"}})->status == 404);
  CHECK(d.get_json("/api/v1/silences")["silences"].empty());
}
