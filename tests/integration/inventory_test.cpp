// members_from (SPEC 6.6) under the real binary: a redundancy group's members from a
// Prometheus file_sd file, re-read when the file changes (no SIGHUP, no /-/reload); a bad
// file keeps the last good members, is logged and counted, and the status says the
// inventory is stale until the file is good again. ${VAR} from the daemon's environment
// is there too (the daemon passes getenv to the loader).

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/support/browser.h"
#include "tests/support/daemon_process.h"
#include "tests/support/process.h"

using namespace std::chrono_literals;
using greenlight::test::Browser;
using greenlight::test::DaemonProcess;
using greenlight::test::free_port;
using greenlight::test::run_process;
using nlohmann::json;

namespace {

const char* kModel = R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "200ms"

[signal_templates.node]
probe = "tcp"
timeout = "200ms"

[components.pool]
members_from = { file_sd = "sd-*.json", signal = "node" }
available_min = 1

[flows.browse]
steps = ["pool"]
)";

// Replaced whole (rename), as a deployment tool writes it: never seen half-written.
void write_file_sd(const DaemonProcess& d, const std::string& content) {
  const std::string tmp = d.dir() + "/.sd.tmp";
  std::ofstream(tmp) << content;
  std::filesystem::rename(tmp, d.dir() + "/sd-a.json");
}

std::string targets(const std::vector<int>& ports) {
  std::string list;
  for (int p : ports) list += (list.empty() ? "\"" : ", \"") + std::string("127.0.0.1:") + std::to_string(p) + "\"";
  return R"([{"targets": [)" + list + R"(], "labels": {"zone": "a"}}])";
}

json inventory(DaemonProcess& d) {
  const json status = d.get_json("/api/v1/status");
  return status.contains("inventories") ? status["inventories"][0] : json();
}

bool has_component(DaemonProcess& d, const std::string& id) {
  auto r = d.get("/api/v1/components/" + id);
  return r && r->status == 200;
}

double metric(DaemonProcess& d, const std::string& series) {
  auto r = d.get("/metrics");
  if (!r) return -1;
  const auto at = r->body.find(series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(r->body.substr(at + series.size() + 1));
}

}  // namespace

TEST_CASE("a file_sd file changed under the running daemon changes the group's members, and a bad one is kept stale",
          "[integration][file_sd]") {
  const int a = free_port(), b = free_port();
  DaemonProcess d(kModel, {{"sd-a.json", targets({a})}});
  REQUIRE(d.wait_ready());
  const std::string member_a = "pool-127.0.0.1_" + std::to_string(a);
  const std::string member_b = "pool-127.0.0.1_" + std::to_string(b);
  CHECK(has_component(d, member_a));
  CHECK_FALSE(has_component(d, member_b));
  CHECK(inventory(d)["members"] == 1);
  CHECK(metric(d, R"(greenlight_inventory_stale{group="pool"})") == 0);

  // A second target: the daemon sees the change and reloads by itself.
  write_file_sd(d, targets({a, b}));
  REQUIRE(DaemonProcess::wait_until([&] { return has_component(d, member_b); }, 15s));
  CHECK(inventory(d)["members"] == 2);
  std::size_t members = 0;
  const json pool = d.get_json("/api/v1/components/pool");
  for (const json& dep : pool["depends_on"]) members += dep["type"] == "member";
  CHECK(members == 2);

  // Bad JSON: the two members stay, the error is logged and counted, the status says stale.
  write_file_sd(d, R"([{"targets": ["127.0.0.1:1")");
  REQUIRE(DaemonProcess::wait_until([&] { return inventory(d).value("stale", false); }, 15s));
  const json inv = inventory(d);
  CHECK(inv["members"] == 2);
  CHECK(inv["error"].get<std::string>().find("sd-a.json: not a file_sd file") != std::string::npos);
  CHECK(has_component(d, member_a));
  CHECK(has_component(d, member_b));
  CHECK(metric(d, R"(greenlight_inventory_errors_total{group="pool"})") == 1);
  CHECK(metric(d, R"(greenlight_inventory_stale{group="pool"})") == 1);
  CHECK_FALSE(d.log_events({{"event", "inventory_stale"}, {"group", "pool"}}).empty());
  // The dashboard's banner says so, in a real browser.
  {
    REQUIRE(std::filesystem::exists("/usr/bin/chromium"));
    Browser browser(d.dir() + "/browser");
    INFO(browser.error());
    REQUIRE(browser.ok());
    browser.open("http://127.0.0.1:" + std::to_string(d.port()) + "/");
    REQUIRE(DaemonProcess::wait_until(
        [&] {
          return browser.evaluate("!document.getElementById('inventory-stale').hidden && "
                                  "!!document.querySelector('#inventory-stale [data-group=pool]')") == true;
        },
        15s));
    const std::string shown = browser.evaluate("document.getElementById('inventory-stale').innerText").get<std::string>();
    CHECK(shown.find("Inventory stale: pool keeps its last good 2 members") != std::string::npos);
    CHECK(shown.find("not a file_sd file") != std::string::npos);
  }

  // A bad target is as bad; then a good file again: one member, no longer stale.
  write_file_sd(d, R"([{"targets": ["no-port"]}])");
  REQUIRE(DaemonProcess::wait_until(
      [&] { return metric(d, R"(greenlight_inventory_errors_total{group="pool"})") == 2; }, 15s));
  CHECK(inventory(d)["error"].get<std::string>().find(R"(target "no-port" is not HOST:PORT)") != std::string::npos);
  write_file_sd(d, targets({b}));
  REQUIRE(DaemonProcess::wait_until([&] { return !has_component(d, member_a); }, 15s));
  CHECK_FALSE(inventory(d).value("stale", true));
  CHECK(metric(d, R"(greenlight_inventory_stale{group="pool"})") == 0);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("greenlight validate reads includes and the environment, and a missing include and an unset variable are errors",
          "[integration][include]") {
  const auto dir = std::filesystem::temp_directory_path() / ("greenlight-include-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "conf.d");
  const std::string main = (dir / "main.toml").string();
  std::ofstream(main) << "include = [\"conf.d/*.toml\"]\n[daemon]\nstate_dir = \"${STATE:-state}\"\n";
  std::ofstream(dir / "conf.d" / "db.toml") << "[components.db]\n  [[components.db.signals]]\n  id = \"tcp\"\n"
                                               "  probe = \"tcp\"\n  target = \"${DB_ADDRESS}\"\n";
  const auto ok = run_process({"/usr/bin/env", "DB_ADDRESS=127.0.0.1:6000", GREENLIGHT_BINARY, "validate", main});
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("ok: 1 components, 1 signals") != std::string::npos);

  const auto unset = run_process({"/usr/bin/env", "-u", "DB_ADDRESS", GREENLIGHT_BINARY, "validate", main});
  CHECK(unset.exit_code == 2);
  CHECK(unset.err.find((dir / "conf.d" / "db.toml").string() +
                       ":5:13: error: environment variable \"DB_ADDRESS\" is not set") != std::string::npos);

  std::ofstream(main) << "include = [\"conf.d/*.toml\", \"extra.toml\"]\n";
  const auto missing = run_process({"/usr/bin/env", "DB_ADDRESS=127.0.0.1:6000", GREENLIGHT_BINARY, "validate", main});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find(main + ":1:29: error: include \"extra.toml\": no such file") != std::string::npos);
  std::filesystem::remove_all(dir);
}
