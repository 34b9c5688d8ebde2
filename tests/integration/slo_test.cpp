// Objectives with the real binary (SPEC 6.2): GET /api/v1/slos, the availability history,
// the greenlight_slo_* metrics, the history kept across SIGKILL and set aside when
// corrupt, and `greenlight slo` output that promtool accepts and evaluates as the daemon
// does.

#include <signal.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/support/browser.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_fixture.h"
#include "tests/support/process.h"

using namespace std::chrono_literals;
using greenlight::test::Browser;
using greenlight::test::DaemonProcess;
using greenlight::test::run_process;
using greenlight::test::Service;
using nlohmann::json;

namespace {

const std::string kBinary = GREENLIGHT_BINARY;

std::string model_with(const Service& db, const std::string& state_dir = "{DIR}/state") {
  return R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = ")" + state_dir + R"("
interval = "200ms"
[components.db]
  [[components.db.signals]]
  id = "health"
  probe = "http"
  url = ")" + db.url() + R"("
[flows.checkout]
criticality = "high"
steps = ["db"]
rto = "15m"
[flows.checkout.objective]
target = "99.9%"
window = "30d"
)";
}

json checkout_slo(DaemonProcess& d) {
  const json slos = d.get_json("/api/v1/slos");
  for (const json& s : slos.at("slos")) {
    if (s.at("flow") == "checkout") return s;
  }
  return json();
}

double total(DaemonProcess& d, const char* key) {
  const json history = d.get_json("/api/v1/slos/checkout/history?hours=2");
  double sum = 0;
  for (const json& b : history.at("bars")) sum += b.at(key).get<double>();
  return sum;
}
double bad_seconds(DaemonProcess& d) { return total(d, "bad_seconds"); }
double measured_seconds(DaemonProcess& d) { return total(d, "measured_seconds"); }

std::string write(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("the objectives API, history and metrics show the budget an outage used", "[integration][slo]") {
  Service db;
  DaemonProcess d(model_with(db));
  REQUIRE(d.wait_ready());
  REQUIRE(DaemonProcess::wait_until([&] { return d.flow_state("checkout") == "green"; }, 10s));
  db.status = 503;
  REQUIRE(DaemonProcess::wait_until([&] { return d.flow_state("checkout") == "red"; }, 10s));
  db.status = 200;
  // Not red; yellow while the young history burns (a moment of red in a minute measured).
  REQUIRE(DaemonProcess::wait_until([&] { return d.flow_state("checkout") == "yellow"; }, 10s));
  CHECK(d.get_json("/api/v1/flows/checkout").at("reason").get<std::string>().rfind("error budget burning at", 0) == 0);

  REQUIRE(DaemonProcess::wait_until([&] { return checkout_slo(d).value("error_budget_remaining", 1.0) < 1.0; }, 5s));
  const json slo = checkout_slo(d);
  CHECK(slo.at("target") == 0.999);
  CHECK(slo.at("target_text") == "99.9%");
  CHECK(slo.at("window") == "30d");
  CHECK(slo.at("rto") == "15m");
  CHECK(slo.at("burn_rates").contains("5m"));
  CHECK(slo.at("burn_rates").contains("3d"));
  CHECK(slo.at("burn_alerts").size() == 4);
  // Seconds of red in a minute of measured time: far beyond 14.4x.
  CHECK(slo.at("burn_rates").at("5m").get<double>() > 14.4);
  CHECK(slo.at("firing").size() >= 1);

  const json flow = d.get_json("/api/v1/flows/checkout");
  CHECK(flow.at("objective").at("target_text") == "99.9%");
  CHECK(flow.at("rto") == "15m");

  const json history = d.get_json("/api/v1/slos/checkout/history?hours=24");
  CHECK(history.at("bars").size() == 24);
  CHECK(history.at("bar_width") == "1h");
  CHECK(history.at("bars").back().at("bad_seconds").get<double>() > 0);
  CHECK(history.at("bars").front().at("availability").is_null());  // nothing measured then

  auto missing = d.get("/api/v1/slos/nope/history");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(json::parse(missing->body).at("error") == "no flow \"nope\" with an objective");
  auto bad = d.get("/api/v1/slos/checkout/history?hours=721");
  REQUIRE(bad);
  CHECK(bad->status == 400);

  auto metrics = d.get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("greenlight_slo_target{flow=\"checkout\"} 0.999") != std::string::npos);
  CHECK(metrics->body.find("greenlight_slo_error_budget_remaining{flow=\"checkout\"}") != std::string::npos);
  CHECK(metrics->body.find("greenlight_slo_burn_rate{flow=\"checkout\",window=\"1h\"}") != std::string::npos);
}

TEST_CASE("a SIGKILL keeps the objective's history within one bucket", "[integration][slo]") {
  Service db;
  auto first = std::make_unique<DaemonProcess>(model_with(db));
  const std::string state_dir = first->dir() + "/state";
  REQUIRE(first->wait_ready());
  db.status = 503;
  REQUIRE(DaemonProcess::wait_until([&] { return first->flow_state("checkout") == "red"; }, 10s));
  db.status = 200;
  REQUIRE(DaemonProcess::wait_until([&] { return first->flow_state("checkout") != "red"; }, 10s));
  const double bad = bad_seconds(*first);
  REQUIRE(bad > 0);
  // The history is saved every 10 s (one fine bucket) with one objective.
  const auto outage_over = std::filesystem::file_time_type::clock::now();
  REQUIRE(DaemonProcess::wait_until(
      [&] {
        std::error_code ec;
        const auto t = std::filesystem::last_write_time(state_dir + "/slo.bin", ec);
        return !ec && t > outage_over;
      },
      15s));
  const double measured = measured_seconds(*first);
  CHECK(first->stop(SIGKILL) == 128 + SIGKILL);

  DaemonProcess second(model_with(db, state_dir));
  REQUIRE(second.wait_ready());
  CHECK(bad_seconds(second) == Approx(bad).margin(0.5));
  CHECK(measured_seconds(second) >= measured - 10.5);  // one fine bucket at most
  first.reset();
}

TEST_CASE("a corrupt objectives history is set aside and the daemon starts", "[integration][slo]") {
  Service db;
  DaemonProcess d(model_with(db, "{DIR}"), {{"slo.bin", "GLSLOF1\nnot really a history"}});
  REQUIRE(d.wait_ready());
  CHECK(d.log_events({{"event", "slo_history_set_aside"}}).size() == 1);
  bool renamed = false;
  for (const auto& e : std::filesystem::directory_iterator(d.dir())) {
    renamed = renamed || e.path().filename().string().rfind("slo.bin.bad-", 0) == 0;
  }
  CHECK(renamed);
  CHECK(checkout_slo(d).at("error_budget_remaining") == 1.0);
}

TEST_CASE("greenlight slo prints rules promtool accepts and that fire as the daemon does", "[integration][slo]") {
  const std::string dir = std::filesystem::temp_directory_path() / ("greenlight-slo-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Service db;
  std::string model = model_with(db);
  for (const char* p : {"{DIR}", "{PORT}"}) model.replace(model.find(p), std::string(p).size(), p[1] == 'D' ? dir : "1");
  const std::string path = write(dir, "model.toml", model);

  const auto rules = run_process({kBinary, "slo", path, "--format", "prometheus"});
  REQUIRE(rules.exit_code == 0);
  write(dir, "rules.yml", rules.out);
  const auto check = run_process({"promtool", "check", "rules", dir + "/rules.yml"});
  INFO(check.out << check.err);
  REQUIRE(check.exit_code == 0);

  // tests/data/slo_promtool_test.yml: 6 h of green then red, scraped every 10 s. The
  // daemon on the same timeline (tests/engine/objectives_test.cpp, "the same outage as
  // promtool's") is burning 1x (warning) and not 14.4x at 6h40s, and 14.4x at 6h1m, as the rules.
  std::filesystem::copy_file(std::string(GREENLIGHT_SOURCE_DIR) + "/tests/data/slo_promtool_test.yml",
                             dir + "/test.yml", std::filesystem::copy_options::overwrite_existing);
  const auto test = run_process({"promtool", "test", "rules", dir + "/test.yml"});
  INFO(test.out << test.err);
  CHECK(test.exit_code == 0);

  const auto openslo = run_process({kBinary, "slo", path, "--format", "openslo"});
  REQUIRE(openslo.exit_code == 0);
  CHECK(openslo.out.find("apiVersion: openslo/v1\nkind: SLO\n") != std::string::npos);
  CHECK(openslo.out.find("target: 0.999") != std::string::npos);
  const auto yaml = run_process({"python3", "-c",
                                 "import sys, yaml; docs = list(yaml.safe_load_all(open(sys.argv[1])));"
                                 "assert docs[0]['spec']['objectives'][0]['target'] == 0.999;"
                                 "assert len(docs[0]['spec']['alertPolicies']) == 4",
                                 write(dir, "openslo.yml", openslo.out)});
  INFO(yaml.err);
  CHECK(yaml.exit_code == 0);
  const auto invalid = run_process({kBinary, "slo", write(dir, "bad.toml", "[flows.x]\n"), "--format", "openslo"});
  CHECK(invalid.exit_code == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the dashboard shows each objective's budget and a flow's availability history",
          "[integration][slo][dashboard]") {
  REQUIRE(std::filesystem::exists("/usr/bin/chromium"));
  Service db;
  DaemonProcess d(model_with(db));
  REQUIRE(d.wait_ready());
  Browser b(d.dir() + "/browser");
  INFO(b.error());
  REQUIRE(b.ok());
  b.open("http://127.0.0.1:" + std::to_string(d.port()) + "/");
  const auto wait_for = [&](const std::string& expression) {
    return DaemonProcess::wait_until([&] { return b.evaluate(expression) == true; }, 15s);
  };
  // The budget bar, its numbers in words.
  REQUIRE(wait_for("!!document.querySelector('#slos [data-slo=checkout]')"));
  const std::string text = b.evaluate("document.querySelector('#slos [data-slo=checkout]').innerText");
  CHECK(text.find("99.9% over 30d") != std::string::npos);
  CHECK(text.find("of the budget left") != std::string::npos);
  // The flow's page: an hour per bar, 24 of them, then 7 days' worth.
  b.evaluate("location.hash = '#/flows/checkout'");
  REQUIRE(wait_for("document.querySelectorAll('#flow-slo svg rect').length === 24"));
  CHECK(b.evaluate("document.getElementById('flow-slo').hidden") == false);
  CHECK(b.evaluate("document.getElementById('flow-slo').innerText.includes('RTO 15m')") == true);
  b.evaluate("document.querySelector('#flow-slo [data-range=\"7d\"]').click()");
  REQUIRE(wait_for("document.querySelectorAll('#flow-slo svg rect').length === 168"));
  // Leaving the flow hides it.
  b.evaluate("location.hash = '#/'");
  REQUIRE(wait_for("document.getElementById('flow-slo').hidden === true"));
}
