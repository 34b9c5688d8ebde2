// Real peers where greenlight claims compatibility: the monitoring-plugins (Debian
// monitoring-plugins-basic) run as exec probes, and a real Prometheus server (Debian
// prometheus) that scrapes greenlight's own /metrics and answers its PromQL signals.

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "tests/support/daemon_process.h"
#include "tests/support/grafana.h"
#include "tests/support/http_fixture.h"
#include "tests/support/process.h"

using namespace std::chrono_literals;
using greenlight::test::DaemonProcess;
using greenlight::test::HttpFixture;
using greenlight::test::Child;
using nlohmann::json;

extern char** environ;

namespace {

constexpr const char* kPlugins = "/usr/lib/nagios/plugins";


}  // namespace

TEST_CASE("exec probes run the real check_tcp and check_http", "[integration][peers][plugins]") {
  REQUIRE(std::filesystem::exists(std::string(kPlugins) + "/check_http"));
  HttpFixture web;
  std::atomic<int> status{200};
  web.server.Get("/health", [&](const httplib::Request&, httplib::Response& res) {
    res.status = status;
    res.set_content("healthy", "text/plain");
  });
  const std::string port = std::to_string(web.port());
  DaemonProcess d(R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "300ms"
[components.web]
  [[components.web.signals]]
  id = "check_http"
  probe = "exec"
  command = [")" + std::string(kPlugins) + R"(/check_http", "-H", "127.0.0.1", "-p", ")" + port + R"(", "-u", "/health", "-s", "healthy"]
  timeout = "5s"
  [[components.web.signals]]
  id = "check_tcp"
  probe = "exec"
  command = [")" + std::string(kPlugins) + R"(/check_tcp", "-H", "127.0.0.1", "-p", ")" + port + R"("]
  timeout = "5s"
[flows.browse]
steps = ["web"]
)");
  REQUIRE(d.wait_ready());
  REQUIRE(DaemonProcess::wait_until([&] { return d.component_state("web") == "green"; }, 10s));
  json c = d.get_json("/api/v1/components/web");
  for (const auto& s : c["signals"]) {
    INFO(s.dump());
    CHECK(s["state"] == "green");
    CHECK(s["last_result"]["message"].get<std::string>().find(" OK") != std::string::npos);
    CHECK(s["last_result"]["value"].is_number());  // perfdata time=...s
  }
  status = 500;  // check_http: CRITICAL (exit 2)
  REQUIRE(DaemonProcess::wait_until([&] { return d.component_state("web") == "red"; }, 10s));
  c = d.get_json("/api/v1/components/web");
  CHECK(c["root_causes"][0]["signal"] == "check_http");
  CHECK(c["root_causes"][0]["message"].get<std::string>().find("HTTP CRITICAL") != std::string::npos);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("a prometheus signal queries a real Prometheus that scrapes greenlight", "[integration][peers][prometheus]") {
  REQUIRE(std::filesystem::exists("/usr/bin/prometheus"));
  greenlight::test::Service db;
  const int prom_port = greenlight::test::free_port();
  // The daemon's own port is known only once it is constructed: the model refers to
  // Prometheus, Prometheus to the daemon.
  DaemonProcess d(R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "300ms"
[components.db]
  [[components.db.signals]]
  id = "health"
  probe = "http"
  url = ")" + db.url() + R"("
[components.observed]
description = "What Prometheus saw of greenlight's own metrics"
  [[components.observed.signals]]
  id = "scraped"
  probe = "prometheus"
  url = "http://127.0.0.1:)" + std::to_string(prom_port) + R"("
  query = 'up{job="greenlight"}'
  red_below = 1
  [[components.observed.signals]]
  id = "db-red"
  probe = "prometheus"
  url = "http://127.0.0.1:)" + std::to_string(prom_port) + R"("
  query = 'greenlight_component_state{component="db",state="red"}'
  red_above = 0
)");
  const std::string prom_dir = d.dir() + "/prometheus";
  std::filesystem::create_directories(prom_dir);
  std::ofstream(prom_dir + "/prometheus.yml") << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                                                 "scrape_configs:\n  - job_name: greenlight\n    static_configs:\n"
                                                 "      - targets: ['127.0.0.1:"
                                              << d.port() << "']\n";
  Child prometheus({"/usr/bin/prometheus", "--config.file=" + prom_dir + "/prometheus.yml",
                    "--storage.tsdb.path=" + prom_dir + "/data", "--web.listen-address=127.0.0.1:" + std::to_string(prom_port)},
                   prom_dir + "/prometheus.log");
  REQUIRE(d.wait_ready());
  // Prometheus starts, scrapes greenlight, and answers: observed turns green.
  REQUIRE(DaemonProcess::wait_until([&] { return d.component_state("observed") == "green"; }, 30s));
  const json c = d.get_json("/api/v1/components/observed");
  CHECK(c["signals"][0]["last_result"]["value"] == 1.0);
  // The database goes red in greenlight; Prometheus scrapes that; the query sees it.
  db.status = 503;
  REQUIRE(DaemonProcess::wait_until([&] { return d.component_state("db") == "red"; }, 10s));
  REQUIRE(DaemonProcess::wait_until([&] { return d.component_state("observed") == "red"; }, 30s));
  const json after = d.get_json("/api/v1/components/observed");
  CHECK(after["root_causes"][0]["signal"] == "db-red");
  // Every query of the Grafana dashboard is valid PromQL here, and the state panels find data.
  httplib::Client prom("127.0.0.1", prom_port);
  for (const std::string& q : greenlight::test::grafana_panel_queries(greenlight::test::grafana_dashboard())) {
    INFO(q);
    auto r = prom.Get("/api/v1/query?" + httplib::detail::params_to_query_str({{"query", q}}));
    REQUIRE(r);
    CHECK(r->status == 200);
    const json answer = json::parse(r->body, nullptr, false);
    CHECK(answer.value("status", "") == "success");
    if (q.find("greenlight_component_state") != std::string::npos) {  // (this model has no flows)
      CHECK_FALSE(answer["data"]["result"].empty());
    }
  }
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("our alert arrives in a real Alertmanager with its labels and annotations, and the resolve closes it",
          "[integration][peers][alertmanager]") {
  REQUIRE(std::filesystem::exists("/usr/bin/prometheus-alertmanager"));
  greenlight::test::Service db;
  // Alertmanager's own receiver: a webhook that records what Alertmanager sends on.
  greenlight::test::Recorder sink("/am", 200);
  const int am_port = greenlight::test::free_port();
  DaemonProcess d(R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "200ms"
[components.db]
name = "Orders database"
runbook = "https://runbooks.example/db"
alert = true
criticality = "high"
  [[components.db.signals]]
  id = "health"
  probe = "http"
  url = ")" + db.url() + R"("
  timeout = "2s"
  yellow_above = 0.3
[alerting.receivers.am]
type = "alertmanager"
url = "http://127.0.0.1:)" + std::to_string(am_port) + R"("
[[alerting.routes]]
receiver = "am"
match = { component = "db" }
)");
  const std::string am_dir = d.dir() + "/alertmanager";
  std::filesystem::create_directories(am_dir);
  std::ofstream(am_dir + "/alertmanager.yml")
      << "route:\n  receiver: sink\n  group_by: ['alertname', 'component']\n  group_wait: 1s\n"
         "  group_interval: 1s\n  repeat_interval: 1h\nreceivers:\n  - name: sink\n    webhook_configs:\n"
         "      - url: 'http://127.0.0.1:"
      << sink.port() << "/am'\n        send_resolved: true\n";
  Child alertmanager({"/usr/bin/prometheus-alertmanager", "--config.file=" + am_dir + "/alertmanager.yml",
                      "--storage.path=" + am_dir + "/data", "--web.listen-address=127.0.0.1:" + std::to_string(am_port),
                      "--cluster.listen-address="},
                     am_dir + "/alertmanager.log");
  REQUIRE(d.wait_ready());
  httplib::Client am("127.0.0.1", am_port);
  REQUIRE(DaemonProcess::wait_until([&] { return am.Get("/-/ready") && am.Get("/-/ready")->status == 200; }, 20s));

  db.status = 503;
  // Alertmanager holds our alert with its labels and annotations...
  REQUIRE(DaemonProcess::wait_until(
      [&] {
        auto r = am.Get("/api/v2/alerts");
        return r && r->status == 200 && !json::parse(r->body).empty();
      },
      30s));
  const json alerts = json::parse(am.Get("/api/v2/alerts")->body);
  const json& a = alerts[0];
  CHECK(a["labels"]["alertname"] == "GreenlightComponentUnhealthy");
  CHECK(a["labels"]["component"] == "db");
  CHECK(a["labels"]["severity"] == "critical");
  CHECK(a["labels"]["root_cause"] == "db");  // SPEC 6.1: Alertmanager can group by it
  CHECK(a["annotations"]["runbook_url"] == "https://runbooks.example/db");
  CHECK(a["annotations"]["summary"].get<std::string>().find("Orders database") != std::string::npos);
  CHECK(a["status"]["state"] == "active");
  // ...and routes it on to its own receiver.
  REQUIRE(DaemonProcess::wait_until(
      [&] { return !sink.got().empty() && sink.got().back()["status"] == "firing"; }, 30s));

  // Severity change: the database answers, slowly (yellow, warning). Alertmanager holds
  // the warning alert and no longer the critical one: we closed it, rather than leave it
  // open until Alertmanager's resolve timeout (5 min).
  db.delay_ms = 500;
  db.status = 200;
  REQUIRE(DaemonProcess::wait_until(
      [&] {
        auto r = am.Get("/api/v2/alerts");
        if (!r || r->status != 200) return false;
        const json now = json::parse(r->body);
        return now.size() == 1 && now[0]["labels"]["severity"] == "warning";
      },
      30s));

  // The resolve closes it: Alertmanager reports it resolved to its receiver.
  db.delay_ms = 0;
  REQUIRE(DaemonProcess::wait_until(
      [&] { return !sink.got().empty() && sink.got().back()["status"] == "resolved"; }, 30s));
  CHECK(sink.got().back()["alerts"][0]["labels"]["component"] == "db");
  CHECK(sink.got().back()["alerts"][0]["labels"]["root_cause"] == "db");
  CHECK(d.stop(SIGTERM) == 0);
}
