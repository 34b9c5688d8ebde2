// `greenlight graph --format dot` rendered by the real Graphviz (`dot -Tsvg`), as a user
// would: every flow's label is two lines of text, never a literal "\n".

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/scratch_dir.h"

using greenlight::test::run_process;
using nlohmann::json;

TEST_CASE("the shop graph rendered by Graphviz has each flow's label on two lines", "[integration][cli][graph]") {
  const std::string shop = std::string(GREENLIGHT_SOURCE_DIR) + "/examples/shop.toml";
  const auto dot = run_process({GREENLIGHT_BINARY, "graph", shop, "--format", "dot"});
  REQUIRE(dot.exit_code == 0);
  const greenlight::test::ScratchDir dir("graphviz");
  std::ofstream(dir.path + "/shop.dot") << dot.out;
  const auto svg = run_process({"dot", "-Tsvg", dir.path + "/shop.dot"});
  INFO(svg.err);
  REQUIRE(svg.exit_code == 0);
  REQUIRE(svg.out.find("<svg") != std::string::npos);
  CHECK(svg.out.find("\\n") == std::string::npos);

  // Each flow (from the JSON form of the same graph): its name, then "KIND flow, CRITICALITY".
  const json graph = json::parse(run_process({GREENLIGHT_BINARY, "graph", shop, "--format", "json"}).out);
  int flows = 0;
  for (const json& n : graph["nodes"]) {
    if (n["type"] != "flow") continue;
    ++flows;
    const std::string name = n["name"], second = n["kind"].get<std::string>() + " flow, " + n["criticality"].get<std::string>();
    INFO(name);
    // A text element with the name whose next text element is the second line (a
    // component may have the same name: the backup job).
    bool two_lines = false;
    for (std::size_t at = svg.out.find(">" + name + "</text>"); at != std::string::npos && !two_lines;
         at = svg.out.find(">" + name + "</text>", at + 1)) {
      const std::size_t next_text = svg.out.find("<text", at);
      two_lines = next_text != std::string::npos &&
                  svg.out.find(">" + second + "</text>", at) == svg.out.find('>', next_text);
    }
    CHECK(two_lines);
  }
  CHECK(flows >= 5);
}
