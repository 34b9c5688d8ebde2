// Heartbeat pings against the real daemon (SPEC 6.4): GET and POST as cron jobs send them
// (`curl -fsS URL`: no body, no Content-Length), /start, /fail with its body as the
// message, /{exit_code}, the errors (400, 404, 413) and the per-heartbeat token.

#include <catch2/catch.hpp>
#include <chrono>
#include <signal.h>

#include "tests/support/daemon_process.h"
#include "tests/support/process.h"

using namespace std::chrono_literals;
using greenlight::test::DaemonProcess;
using greenlight::test::run_process;
using nlohmann::json;

namespace {

const char* const kModel = R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "200ms"
{AUTH}
[components.backup]
  [[components.backup.signals]]
  id = "nightly"
  probe = "heartbeat"
  schedule = "0 2 * * *"
  timezone = "Europe/Berlin"
  grace = "30m"
  max_runtime = "2h"
  {TOKEN}

[components.reports]
  [[components.reports.signals]]
  id = "hourly"
  probe = "heartbeat"
  period = "1h"
)";

std::string model(const std::string& auth = "", const std::string& token = "") {
  std::string m = kModel;
  m.replace(m.find("{AUTH}"), 6, auth);
  m.replace(m.find("{TOKEN}"), 7, token);
  return m;
}

httplib::Result post(DaemonProcess& d, const std::string& path, const std::string& body,
                     const httplib::Headers& headers = {}) {
  httplib::Client c("127.0.0.1", d.port());
  c.set_connection_timeout(2s);
  c.set_read_timeout(10s);
  return c.Post(path.c_str(), headers, body, "text/plain");
}

json signal_of(DaemonProcess& d, const std::string& component) {
  return d.get_json("/api/v1/components/" + component)["signals"][0];
}

}  // namespace

TEST_CASE("heartbeat pings: curl GET, start, fail with a body, exit codes and the errors",
          "[integration][daemon][heartbeat]") {
  DaemonProcess d(model());
  REQUIRE(d.wait_ready());
  // Never pinged: unknown, not green (SPEC 5a), with its next expected run.
  json s = signal_of(d, "backup");
  CHECK(s["state"] == "unknown");
  CHECK(s["last_ping"].is_null());
  CHECK(s["next_expected"].is_string());
  CHECK(s["late_by"] == "0s");

  // What cron runs: a GET without a body or Content-Length, and a bodyless POST.
  const std::string url = "http://127.0.0.1:" + std::to_string(d.port()) + "/api/v1/heartbeats/backup/nightly";
  auto curl = run_process({"curl", "-fsS", "-m", "5", url + "/start"});
  REQUIRE(curl.exit_code == 0);
  CHECK(json::parse(curl.out)["recorded"] == "start");
  curl = run_process({"curl", "-fsS", "-m", "5", "-X", "POST", url});
  REQUIRE(curl.exit_code == 0);
  CHECK(json::parse(curl.out)["recorded"] == "success");
  // Green with the run time (start to finish) as its value; values are published within 1 s.
  REQUIRE(DaemonProcess::wait_until([&] { return signal_of(d, "backup")["last_result"]["value"].is_number(); }, 5s));
  s = signal_of(d, "backup");
  CHECK(s["state"] == "green");
  CHECK_FALSE(s["last_ping"].is_null());

  // A failure with a body: red at once, the body its message.
  auto r = post(d, "/api/v1/heartbeats/backup/nightly/fail", "rsync: disk full");
  REQUIRE(r);
  CHECK(r->status == 202);
  CHECK(json::parse(r->body)["recorded"] == "failure");
  CHECK(json::parse(r->body)["message"] == "rsync: disk full");
  REQUIRE(DaemonProcess::wait_until([&] { return signal_of(d, "backup")["state"] == "red"; }, 5s));
  CHECK(signal_of(d, "backup")["last_result"]["message"] == "rsync: disk full");

  // Exit codes: 0 a success, others a failure.
  curl = run_process({"curl", "-fsS", "-m", "5", url + "/0"});
  REQUIRE(curl.exit_code == 0);
  CHECK(json::parse(curl.out)["recorded"] == "success");
  CHECK(json::parse(curl.out)["exit_code"] == 0);
  REQUIRE(DaemonProcess::wait_until([&] { return signal_of(d, "backup")["state"] == "green"; }, 5s));
  r = post(d, "/api/v1/heartbeats/reports/hourly/3", "");
  REQUIRE(r);
  CHECK(r->status == 202);
  CHECK(json::parse(r->body)["message"] == "exit code 3");
  REQUIRE(DaemonProcess::wait_until([&] { return signal_of(d, "reports")["state"] == "red"; }, 5s));

  // Errors: an exit code that is not 0-255, an unknown heartbeat, a body over 64 KiB.
  for (const std::string bad : {"256", "-1", "x", "3a"}) {
    r = d.get("/api/v1/heartbeats/backup/nightly/" + bad);
    REQUIRE(r);
    CHECK(r->status == 400);
  }
  r = d.get("/api/v1/heartbeats/backup/weekly");
  REQUIRE(r);
  CHECK(r->status == 404);
  CHECK(json::parse(r->body)["error"] == "no signal \"backup/weekly\"");
  r = post(d, "/api/v1/heartbeats/backup/nightly/fail", std::string(65 * 1024, 'x'));
  REQUIRE(r);
  CHECK(r->status == 413);
  CHECK(signal_of(d, "backup")["state"] == "green");  // nothing recorded
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("heartbeat token: pings its own heartbeat only, the admin token works everywhere",
          "[integration][daemon][heartbeat][auth]") {
  DaemonProcess d(model("auth_token_file = \"token\"", "token_file = \"backup-token\""),
                  {{"token", "admin-s3cret\n"}, {"backup-token", "hb-s3cret\n"}});
  REQUIRE(d.wait_ready());
  const httplib::Headers own{{"Authorization", "Bearer hb-s3cret"}};
  const httplib::Headers admin{{"Authorization", "Bearer admin-s3cret"}};
  CHECK(d.get("/api/v1/heartbeats/backup/nightly")->status == 401);
  CHECK(d.get("/api/v1/heartbeats/backup/nightly?token=wrong")->status == 401);
  CHECK(d.get("/api/v1/heartbeats/backup/nightly?token=hb-s3cret")->status == 202);
  CHECK(d.post("/api/v1/heartbeats/backup/nightly/start", own)->status == 202);
  CHECK(d.post("/api/v1/heartbeats/backup/nightly", admin)->status == 202);
  // Elsewhere the heartbeat's token is worth nothing.
  CHECK(d.post("/api/v1/heartbeats/reports/hourly", own)->status == 401);
  CHECK(d.get("/api/v1/heartbeats/reports/hourly?token=hb-s3cret")->status == 401);
  CHECK(d.post("/-/reload", own)->status == 401);
  CHECK(d.post("/api/v1/heartbeats/reports/hourly", admin)->status == 202);
  CHECK(d.log().find("s3cret") == std::string::npos);  // secrets are never logged
  CHECK(d.stop(SIGTERM) == 0);
}
