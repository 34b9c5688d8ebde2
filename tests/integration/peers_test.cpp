// Real peers where greenlight claims compatibility: the monitoring-plugins (Debian
// monitoring-plugins-basic) run as exec probes, and a real Prometheus server (Debian
// prometheus) that scrapes greenlight's own /metrics and answers its PromQL signals.

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/support/daemon_process.h"
#include "tests/support/http_fixture.h"

using namespace std::chrono_literals;
using greenlight::test::DaemonProcess;
using greenlight::test::HttpFixture;
using nlohmann::json;

extern char** environ;

namespace {

constexpr const char* kPlugins = "/usr/lib/nagios/plugins";

// A process started for a test and killed (and reaped) when the test ends.
struct Child {
  pid_t pid = -1;
  explicit Child(std::vector<std::string> argv, const std::string& log) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
  }
  ~Child() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
  }
};

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
  HttpFixture db;
  std::atomic<int> status{200};
  db.server.Get("/health", [&](const httplib::Request&, httplib::Response& res) { res.status = status; });
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
  url = ")" + db.url("/health") + R"("
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
  status = 503;
  REQUIRE(DaemonProcess::wait_until([&] { return d.component_state("db") == "red"; }, 10s));
  REQUIRE(DaemonProcess::wait_until([&] { return d.component_state("observed") == "red"; }, 30s));
  const json after = d.get_json("/api/v1/components/observed");
  CHECK(after["root_causes"][0]["signal"] == "db-red");
  CHECK(d.stop(SIGTERM) == 0);
}
