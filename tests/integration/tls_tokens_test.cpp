// TLS on the listener and the token scopes of SPEC 6.6, against the real binary: a
// certificate made by openssl in the test, read with curl --cacert; the admin token for
// mutations, the read token for /api/ reads, a heartbeat's own token for its pings.

#include <catch2/catch.hpp>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "tests/support/daemon_process.h"
#include "tests/support/process.h"
#include "tests/support/scratch_dir.h"

using namespace std::chrono_literals;
using greenlight::test::DaemonProcess;
using greenlight::test::run_process;
using greenlight::test::ScratchDir;
using nlohmann::json;

namespace {

constexpr const char* kModel = R"(
[daemon]
listen = "{LISTEN}"
state_dir = "{DIR}/state"
interval = "200ms"
{DAEMON}

[components.backup]
  [[components.backup.signals]]
  id = "nightly"
  probe = "heartbeat"
  red_after = "1h"
  token_file = "backup.token"

[flows.backups]
kind = "system"
steps = ["backup"]
)";

std::string model(const std::string& listen, const std::string& daemon_keys) {
  std::string t = kModel;
  t.replace(t.find("{LISTEN}"), 8, listen);
  t.replace(t.find("{DAEMON}"), 8, daemon_keys);
  return t;
}

// A self-signed certificate for 127.0.0.1 (and its key) written into `dir`, by openssl.
void make_certificate(const std::string& dir, const std::string& name) {
  const auto r = run_process({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                              "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                              "-keyout", dir + "/" + name + ".key", "-out", dir + "/" + name + ".crt"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

// curl's exit code and body for `url` (-sS; extra arguments first).
greenlight::test::ProcessResult curl(std::vector<std::string> args, const std::string& url) {
  std::vector<std::string> argv{"curl", "-sS", "--max-time", "5"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back(url);
  return run_process(argv);
}

int status_of(DaemonProcess& d, const std::string& method, const std::string& path, const std::string& token) {
  httplib::Client c("127.0.0.1", d.port());
  c.set_read_timeout(5s);
  httplib::Headers h;
  if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
  httplib::Result r = method == "GET"    ? c.Get(path, h)
                      : method == "POST" ? c.Post(path, h, R"({"match": {"component": "backup"}, "duration": "1h",
                                                               "author": "alice"})", "application/json")
                                         : c.Delete(path, h);
  return r ? r->status : -1;
}

}  // namespace

TEST_CASE("TLS on the listener: curl --cacert with a certificate openssl made, and plain HTTP gets no answer",
          "[integration][tls]") {
  const ScratchDir certs("tls");
  make_certificate(certs.path, "server");
  DaemonProcess d(model("127.0.0.1:{PORT}", "tls_cert_file = \"" + certs.path + "/server.crt\"\ntls_key_file = \"" +
                                                certs.path + "/server.key\""),
                  {{"backup.token", "b4ckup\n"}});
  const std::string base = "https://127.0.0.1:" + std::to_string(d.port());
  const std::string ca = certs.path + "/server.crt";
  REQUIRE(DaemonProcess::wait_until([&] { return curl({"--cacert", ca}, base + "/readyz").out == "ready\n"; }, 15s));

  const auto status = curl({"--cacert", ca}, base + "/api/v1/status");
  CHECK(status.exit_code == 0);
  CHECK(json::parse(status.out)["flows"][0]["id"] == "backups");
  // Without the CA, curl refuses the certificate (60); plain HTTP is not answered as HTTP.
  CHECK(curl({}, base + "/healthz").exit_code == 60);
  CHECK(curl({}, "http://127.0.0.1:" + std::to_string(d.port()) + "/healthz").out.find("ok") == std::string::npos);
  CHECK(d.log().find("serving on https://127.0.0.1:") != std::string::npos);
  // The OpenAPI document names the HTTPS address the client used.
  CHECK(json::parse(curl({"--cacert", ca}, base + "/api/v1/openapi.json").out)["servers"][0]["url"] == base);
  // amtool over HTTPS, the CA in its http.config.file (README, "TLS and tokens").
  std::ofstream(certs.path + "/amtool-http.yml") << "tls_config:\n  ca_file: " << ca << "\n";
  const auto amtool = run_process({"amtool", "--alertmanager.url=" + base, "--http.config.file=" + certs.path + "/amtool-http.yml",
                                   "-o", "json", "silence", "query"});
  INFO(amtool.err);
  CHECK(amtool.exit_code == 0);
  CHECK(json::parse(amtool.out) == json::array());
}

TEST_CASE("a TLS key that does not match its certificate: the daemon refuses to start and says so",
          "[integration][tls]") {
  const ScratchDir certs("tls-mismatch");
  make_certificate(certs.path, "one");
  make_certificate(certs.path, "two");
  const std::string dir = certs.path;
  DaemonProcess d(model("127.0.0.1:{PORT}", "tls_cert_file = \"" + dir + "/one.crt\"\ntls_key_file = \"" + dir + "/two.key\""),
                  {{"backup.token", "b4ckup\n"}});
  REQUIRE(DaemonProcess::wait_until([&] { return !d.running(); }, 10s));
  CHECK(d.stop(SIGTERM) == 1);
  CHECK(d.log().find("tls_key_file " + dir + "/two.key does not match the certificate in tls_cert_file " + dir +
                     "/one.crt") != std::string::npos);
  // Not a certificate at all.
  DaemonProcess e(model("127.0.0.1:{PORT}", "tls_cert_file = \"" + dir + "/two.key\"\ntls_key_file = \"" + dir + "/two.key\""),
                  {{"backup.token", "b4ckup\n"}});
  REQUIRE(DaemonProcess::wait_until([&] { return !e.running(); }, 10s));
  CHECK(e.log().find("holds no PEM certificate") != std::string::npos);
}

TEST_CASE("listening beyond loopback without TLS is allowed, with a warning at start", "[integration][tls]") {
  // 0.0.0.0 (every address): the test itself only connects over loopback.
  DaemonProcess d(model("0.0.0.0:{PORT}", "auth_token_file = \"admin.token\""),
                  {{"admin.token", "adm1n\n"}, {"backup.token", "b4ckup\n"}});
  REQUIRE(d.wait_ready());
  const auto warnings = d.log_events({{"event", "listen_plaintext"}});
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0]["level"] == "warning");
  CHECK(warnings[0]["msg"].get<std::string>().find("without TLS") != std::string::npos);
  // On loopback there is no such warning.
  DaemonProcess local(model("127.0.0.1:{PORT}", ""), {{"backup.token", "b4ckup\n"}});
  REQUIRE(local.wait_ready());
  CHECK(local.log_events({{"event", "listen_plaintext"}}).empty());
}

TEST_CASE("token scopes: admin for mutations, the read token for /api/ reads, a heartbeat's own for its pings",
          "[integration][auth]") {
  DaemonProcess d(model("127.0.0.1:{PORT}", "auth_token_file = \"admin.token\"\nread_token_file = \"read.token\""),
                  {{"admin.token", "adm1n\n"}, {"read.token", "r3ad\n"}, {"backup.token", "b4ckup\n"}});
  REQUIRE(d.wait_ready());

  // Health, readiness, metrics and the dashboard's own files stay open.
  for (const char* path : {"/healthz", "/readyz", "/metrics", "/", "/assets/app.js"}) {
    INFO(path);
    CHECK(status_of(d, "GET", path, "") == 200);
  }
  // Every /api/ read needs the read token or the admin token.
  for (const char* path : {"/api/v1/status", "/api/v1/alerts", "/api/v1/silences", "/api/v2/alerts",
                           "/api/v2/silences", "/api/v1/openapi.json", "/api/v1/flows/backups"}) {
    INFO(path);
    CHECK(status_of(d, "GET", path, "") == 401);
    CHECK(status_of(d, "GET", path, "wrong") == 401);
    CHECK(status_of(d, "GET", path, "r3ad") == 200);
    CHECK(status_of(d, "GET", path, "adm1n") == 200);
  }
  httplib::Client c("127.0.0.1", d.port());
  const auto refused = c.Get("/api/v1/status");
  CHECK(refused->get_header_value("WWW-Authenticate") == "Bearer");
  CHECK(json::parse(refused->body)["error"].get<std::string>().find("read_token_file") != std::string::npos);

  // Mutations need the admin token: the read token cannot silence.
  CHECK(status_of(d, "POST", "/api/v1/silences", "r3ad") == 401);
  CHECK(status_of(d, "POST", "/api/v1/silences", "") == 401);
  CHECK(status_of(d, "POST", "/api/v1/silences", "adm1n") == 201);

  // A heartbeat's own token pings that heartbeat (by GET too, with no read token); the read
  // token does not.
  CHECK(status_of(d, "GET", "/api/v1/heartbeats/backup/nightly?token=b4ckup", "") == 202);
  CHECK(status_of(d, "POST", "/api/v1/heartbeats/backup/nightly", "b4ckup") == 202);
  CHECK(status_of(d, "POST", "/api/v1/heartbeats/backup/nightly", "r3ad") == 401);
  CHECK(status_of(d, "POST", "/api/v1/heartbeats/backup/nightly", "adm1n") == 202);
}
