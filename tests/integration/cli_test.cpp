// The real build/greenlight binary, run as a user would.

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/grafana.h"
#include "tests/support/process.h"

using greenlight::test::run_process;

namespace {

const std::string kBinary = GREENLIGHT_BINARY;
const std::string kShop = std::string(GREENLIGHT_SOURCE_DIR) + "/examples/shop.toml";

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/greenlight-test-" + std::to_string(::getpid()) + "-" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("greenlight validate accepts the shop example", "[integration][cli][validate]") {
  const auto r = run_process({kBinary, "validate", kShop});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("ok: 13 components") != std::string::npos);
  CHECK(r.err.empty());
}

TEST_CASE("greenlight validate prints every error as FILE:LINE:COL on stderr and exits 2",
          "[integration][cli][validate]") {
  const std::string path = write_temp("bad.toml", R"([components.a]
depends_on = ["ghost"]
  [[components.a.signals]]
  id = "x"
  probe = "tcp"
  target = "127.0.0.1:1"
  timeout = "soon"
)");
  const auto r = run_process({kBinary, "validate", path});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find(path + ":2:15: error: component \"a\": depends_on references unknown component \"ghost\"\n") !=
        std::string::npos);
  CHECK(r.err.find(path + ":7:13: error: component \"a\" signal \"x\": bad duration \"soon\"") != std::string::npos);
  CHECK(r.err.find("2 errors") != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("greenlight validate on a missing file says so and exits 2", "[integration][cli][validate]") {
  const auto r = run_process({kBinary, "validate", "/nonexistent/model.toml"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("/nonexistent/model.toml: error: cannot read the file") != std::string::npos);
}

TEST_CASE("greenlight graph prints JSON, DOT and Mermaid", "[integration][cli][graph]") {
  const auto json = run_process({kBinary, "graph", kShop, "--format", "json"});
  REQUIRE(json.exit_code == 0);
  const auto j = nlohmann::json::parse(json.out);
  CHECK(j["nodes"].size() == 19);  // 13 components + 6 flows
  const auto dot = run_process({kBinary, "graph", kShop, "--format", "dot"});
  CHECK(dot.exit_code == 0);
  CHECK(dot.out.rfind("digraph greenlight {", 0) == 0);
  const auto mermaid = run_process({kBinary, "graph", kShop, "--format", "mermaid"});
  CHECK(mermaid.exit_code == 0);
  CHECK(mermaid.out.rfind("flowchart TD", 0) == 0);
}

TEST_CASE("a usage error exits 64, never a health exit code", "[integration][cli]") {
  CHECK(run_process({kBinary, "graph", kShop, "--format", "png"}).exit_code == 64);
  CHECK(run_process({kBinary, "frobnicate"}).exit_code == 64);
  CHECK(run_process({kBinary}).exit_code == 64);
  CHECK(run_process({kBinary, "--help"}).exit_code == 0);
}

TEST_CASE("greenlight graph --states probes once and colours the DOT by state", "[integration][cli][graph]") {
  // Nothing of the shop runs here: every probed component is red, the backup heartbeat
  // unknown (never pinged: "no heartbeat yet" until its deadline, SPEC 5a; it used to be green).
  const auto dot = run_process({kBinary, "graph", kShop, "--format", "dot", "--states"});
  REQUIRE(dot.exit_code == 0);
  CHECK(dot.out.find("label=\"Orders database (red)\", fillcolor=\"#c62828\"") != std::string::npos);
  CHECK(dot.out.find("label=\"Nightly backup (unknown)\", fillcolor=\"#9e9e9e\"") != std::string::npos);
  const auto json = run_process({kBinary, "graph", kShop, "--format", "json", "--states"});
  CHECK(nlohmann::json::parse(json.out)["nodes"][0].contains("state"));
}

TEST_CASE("greenlight grafana makes the Grafana dashboard for a model: a state timeline per flow",
          "[integration][cli][grafana]") {
  const auto r = run_process({kBinary, "grafana", kShop});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const nlohmann::json d = nlohmann::json::parse(r.out, nullptr, false);
  REQUIRE_FALSE(d.is_discarded());
  CHECK(d["title"] == "greenlight: shop");
  CHECK(d["uid"].get<std::string>().rfind("greenlight-", 0) == 0);
  // Every flow of the shop has its panel, with the flow and each step.
  std::map<std::string, std::size_t> targets;
  for (const auto& p : d["panels"]) {
    if (p["type"] != "state-timeline") continue;
    for (const auto& t : p["targets"]) {
      const std::string legend = t["legendFormat"];
      if (legend.rfind("flow ", 0) == 0) targets[legend.substr(5)] = p["targets"].size();
    }
  }
  CHECK(targets == std::map<std::string, std::size_t>{{"add-to-cart", 3}, {"browse", 5}, {"checkout", 5},
                                                      {"email-preferences", 3}, {"nightly-backup", 2},
                                                      {"update-product-data", 4}});
  // It reads nothing the base dashboard does not (those are checked against /metrics).
  const auto base = greenlight::test::grafana_metric_names(greenlight::test::grafana_dashboard());
  for (const auto& name : greenlight::test::grafana_metric_names(d)) {
    INFO(name);
    CHECK(base.count(name) == 1);
  }
  // An invalid model: its errors, exit 2, no dashboard.
  const auto bad = run_process({kBinary, "grafana", std::string(GREENLIGHT_SOURCE_DIR) + "/no/such.toml"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.out.empty());
}
