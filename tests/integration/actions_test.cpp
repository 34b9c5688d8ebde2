// Self-healing actions end to end (SPEC 3): the real binary runs real commands and calls
// real URLs when a component has been red long enough.

#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/support/daemon_process.h"
#include "tests/support/scratch_dir.h"
#include "tests/support/http_fixture.h"

using namespace std::chrono_literals;
using greenlight::test::DaemonProcess;
using greenlight::test::Recorder;
using greenlight::test::Service;
using nlohmann::json;

namespace {

std::string model_with(const Service& svc, const std::string& action, const std::string& extra = "") {
  return R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "200ms"

[components.svc]
name = "Recommendations"
criticality = "high"
runbook = "https://runbooks.example/svc"
  [[components.svc.signals]]
  id = "health"
  probe = "http"
  url = ")" + svc.url() + R"("

[flows.shop]
steps = ["svc"]

[[actions]]
name = "restart-svc"
component = "svc"
state = "red"
)" + action + extra;
}

// The action events of `d`, oldest first.
std::vector<json> action_events(DaemonProcess& d, const std::string& status) {
  std::vector<json> out;
  const json events = d.get_json("/api/v1/events?limit=2000");
  for (const auto& e : events["events"]) {
    if (e["type"] == "action" && e["detail"].value("status", "") == status) out.push_back(e);
  }
  return out;
}

}  // namespace

// When an action runs (for, cooldown, max_attempts) is engine logic, tested on a fake clock
// in tests/engine/engine_timing_test.cpp; this proves the wiring: a real command runs, its
// outcome and output reach the events, the API and /metrics, and its alert a receiver.
TEST_CASE("a failing action's runs and output reach the events, the API and /metrics, and its alert pages",
          "[integration][actions]") {
  Service svc;
  Recorder hook("/hook");
  DaemonProcess d(model_with(svc, R"(for = "0s"
run = ["/bin/sh", "-c", "echo run >> {DIR}/runs.txt; echo 'service would not start' >&2; exit 1"]
cooldown = "100ms"
max_attempts = 2
window = "1h"
)", R"(
[alerting.receivers.oncall]
type = "webhook"
url = ")" + hook.url() + R"("
[[alerting.routes]]
receiver = "oncall"
group_by = ["..."]  # the action's alert alone, in the single payload this test reads
match = { action = "restart-svc" }
)"));
  REQUIRE(d.wait_ready());
  svc.status = 503;
  REQUIRE(DaemonProcess::wait_until([&] { return action_events(d, "finished").size() == 2; }, 20s));
  for (const auto& e : action_events(d, "finished")) {
    CHECK(e["detail"]["outcome"] == "failed");
    CHECK(e["detail"]["message"].get<std::string>().find("exit 1") != std::string::npos);
    CHECK(e["detail"]["output"].get<std::string>().find("service would not start") != std::string::npos);
  }
  // Its own alert fires and pages, saying what failed.
  REQUIRE(DaemonProcess::wait_until([&] { return !hook.got().empty(); }, 10s));
  {
    const json alert = hook.got()[0]["alert"];
    CHECK(alert["id"] == "action/restart-svc");
    CHECK(alert["kind"] == "action");
    CHECK(alert["summary"].get<std::string>().find("restart-svc") != std::string::npos);
    CHECK(alert["runbook_url"] == "https://runbooks.example/svc");
  }
  REQUIRE(DaemonProcess::wait_until(
      [&] {
        for (const auto& e : action_events(d, "held")) {
          if (e["detail"]["held"] == "max_attempts") return true;
        }
        return false;
      },
      10s));
  std::ifstream runs_file(d.dir() + "/runs.txt");
  const std::string runs{std::istreambuf_iterator<char>(runs_file), std::istreambuf_iterator<char>()};
  CHECK(std::count(runs.begin(), runs.end(), '\n') == 2);
  const json actions = d.get_json("/api/v1/actions")["actions"];
  REQUIRE(actions.size() == 1);
  CHECK(actions[0]["status"]["failing"] == true);
  CHECK(actions[0]["status"]["held"] == "max_attempts");
  CHECK(d.get("/metrics")->body.find("greenlight_action_runs_total{action=\"restart-svc\",outcome=\"failed\"} 2") !=
        std::string::npos);
  // The service comes back: the action's alert resolves.
  svc.status = 200;
  REQUIRE(DaemonProcess::wait_until(
      [&] { return hook.got().size() >= 2 && hook.got().back()["status"] == "resolved"; }, 10s));
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("a hung action is killed with its children at its timeout, leaving no process or zombie",
          "[integration][actions]") {
  Service svc;
  DaemonProcess d(model_with(svc, R"(for = "0s"
run = ["/bin/sh", "-c", "echo $$ > {DIR}/pid; sleep 317 & sleep 317; wait"]
timeout = "1s"
max_attempts = 1
)"));
  REQUIRE(d.wait_ready());
  svc.status = 503;
  REQUIRE(DaemonProcess::wait_until([&] { return action_events(d, "finished").size() == 1; }, 15s));
  const json done = action_events(d, "finished")[0];
  CHECK(done["detail"]["outcome"] == "timeout");
  CHECK(done["detail"]["message"].get<std::string>().find("process group killed") != std::string::npos);
  int shell = 0;
  std::ifstream(d.dir() + "/pid") >> shell;
  REQUIRE(shell > 0);
  CHECK_FALSE(std::filesystem::exists("/proc/" + std::to_string(shell)));
  // No `sleep 317` left anywhere, and no zombie child of the daemon.
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline;
    std::getline(std::ifstream(entry.path() / "cmdline"), cmdline, '\n');
    INFO("pid " << name << ": " << cmdline);
    CHECK(cmdline != std::string("sleep\0" "317\0", 10));  // split: "\0317" would be octal
    std::string stat;
    std::getline(std::ifstream(entry.path() / "stat"), stat);
    const auto close = stat.rfind(')');
    if (close == std::string::npos || close + 4 >= stat.size()) continue;
    const char state = stat[close + 2];
    const int ppid = std::atoi(stat.c_str() + close + 4);
    if (ppid == d.pid()) CHECK(state != 'Z');
  }
  CHECK(d.get("/metrics")->body.find("greenlight_action_runs_total{action=\"restart-svc\",outcome=\"timeout\"} 1") !=
        std::string::npos);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("a URL action gets the trigger as JSON, a silence holds an action unless during_silence",
          "[integration][actions][silences]") {
  Service svc;
  Recorder target("/restart", 202);
  DaemonProcess d(model_with(svc, R"(for = "0s"
url = ")" + target.url() + R"("
cooldown = "1s"
max_attempts = 2
)"));
  REQUIRE(d.wait_ready());
  // A maintenance window on the component: red, but the action waits.
  httplib::Client c("127.0.0.1", d.port());
  auto r = c.Post("/api/v1/silences",
                  R"({"match": {"component": "svc"}, "duration": "1h", "author": "alice", "comment": "upgrade"})",
                  "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 201);
  const std::string silence = json::parse(r->body)["id"];
  svc.status = 503;
  REQUIRE(DaemonProcess::wait_until([&] { return !action_events(d, "held").empty(); }, 10s));
  CHECK(action_events(d, "held")[0]["detail"]["held"] == "silenced");
  CHECK(target.got().empty());
  // The window ends: the action runs, with the trigger described.
  REQUIRE(c.Delete("/api/v1/silences/" + silence)->status == 200);
  REQUIRE(DaemonProcess::wait_until([&] { return !target.got().empty(); }, 10s));
  {
    const json call = target.got()[0];
    CHECK(call["action"] == "restart-svc");
    CHECK(call["target"]["id"] == "svc");
    CHECK(call["target"]["state"] == "red");
    CHECK(call["trigger"].get<std::string>().find("component \"svc\" has been red") != std::string::npos);
  }
  REQUIRE(DaemonProcess::wait_until([&] { return !action_events(d, "finished").empty(); }, 10s));
  CHECK(action_events(d, "finished")[0]["detail"]["outcome"] == "ok");
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("max_attempts holds across a crash: a killed and restarted daemon does not run the action again",
          "[integration][actions][restart]") {
  Service svc;
  svc.status = 503;
  const greenlight::test::ScratchDir scratch("actions");
  const std::string& dir = scratch.path;
  const std::string action = R"(for = "0s"
run = ["/bin/sh", "-c", "echo run >> )" + dir + R"(/runs.txt; exit 1"]
cooldown = "500ms"
max_attempts = 2
window = "1h"
)";
  std::string toml = model_with(svc, action);
  toml.replace(toml.find("{DIR}/state"), 11, dir + "/state");
  auto runs = [&] {
    std::ifstream in(dir + "/runs.txt");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return std::count(text.begin(), text.end(), '\n');
  };
  {
    DaemonProcess first(toml);
    REQUIRE(first.wait_ready());
    REQUIRE(DaemonProcess::wait_until([&] { return runs() == 2; }, 15s));
    first.stop(SIGKILL);
  }
  DaemonProcess second(toml);
  REQUIRE(second.wait_ready());
  REQUIRE(DaemonProcess::wait_until([&] { return second.component_state("svc") == "red"; }, 10s));
  // Red, due, but both attempts of the window are spent: held, not run.
  REQUIRE(DaemonProcess::wait_until(
      [&] {
        const json actions = second.get_json("/api/v1/actions");
        return actions["actions"][0]["status"]["held"] == "max_attempts";
      },
      10s));
  CHECK(runs() == 2);
  CHECK(second.get_json("/api/v1/actions")["actions"][0]["status"]["failing"] == true);
  CHECK(second.stop(SIGTERM) == 0);
}
