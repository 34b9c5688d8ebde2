// The real build/greenlight binary, run as a user would.

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

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
  // Nothing of the shop runs here: every probed component is red, the backup heartbeat green.
  const auto dot = run_process({kBinary, "graph", kShop, "--format", "dot", "--states"});
  REQUIRE(dot.exit_code == 0);
  CHECK(dot.out.find("label=\"Orders database (red)\", fillcolor=\"#c62828\"") != std::string::npos);
  CHECK(dot.out.find("label=\"Nightly backup (green)\", fillcolor=\"#2e7d32\"") != std::string::npos);
  const auto json = run_process({kBinary, "graph", kShop, "--format", "json", "--states"});
  CHECK(nlohmann::json::parse(json.out)["nodes"][0].contains("state"));
}
