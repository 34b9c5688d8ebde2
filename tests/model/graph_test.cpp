#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "model/graph_export.h"
#include "tests/support/world.h"

using namespace greenlight::model;
using greenlight::test::read_source_file;
using greenlight::test::require_model;
using greenlight::test::World;

TEST_CASE("the topological order puts dependencies before their dependents", "[model][graph]") {
  // 0 -> 1 -> 2, 0 -> 2, 3 -> 1
  const Graph g = Graph::build(4, {{0, 1, {}}, {0, 2, {}}, {1, 2, {}}, {3, 1, {}}});
  REQUIRE(g.cycles().empty());
  REQUIRE(g.order().size() == 4);
  CHECK(g.rank(2) < g.rank(1));
  CHECK(g.rank(1) < g.rank(0));
  CHECK(g.rank(1) < g.rank(3));
  CHECK(std::vector<std::uint32_t>(g.dependencies(0).begin(), g.dependencies(0).end()) ==
        std::vector<std::uint32_t>{1, 2});
  CHECK(std::vector<std::uint32_t>(g.dependents(1).begin(), g.dependents(1).end()) ==
        std::vector<std::uint32_t>{0, 3});
}

TEST_CASE("edges keep their declaration order within a vertex", "[model][graph]") {
  const Graph g = Graph::build(4, {{2, 0, {}}, {0, 3, {Impact::Degrading, false}}, {0, 1, {}}, {0, 2, {}}});
  CHECK(std::vector<std::uint32_t>(g.dependencies(0).begin(), g.dependencies(0).end()) ==
        std::vector<std::uint32_t>{3, 1, 2});
  CHECK(g.dependency_edges(0)[0].impact == Impact::Degrading);
}

TEST_CASE("each cycle is found once, with its path", "[model][graph][cycle]") {
  // Two separate cycles: 0 -> 1 -> 2 -> 0 and a self-loop on 4; 3 hangs off the first.
  const Graph g = Graph::build(5, {{0, 1, {}}, {1, 2, {}}, {2, 0, {}}, {3, 0, {}}, {4, 4, {}}});
  REQUIRE(g.cycles().size() == 2);
  CHECK(g.cycles()[0] == std::vector<std::uint32_t>{0, 1, 2, 0});
  CHECK(g.cycles()[1] == std::vector<std::uint32_t>{4, 4});
  CHECK(g.order().empty());
}

TEST_CASE("the shop graph exports to DOT, JSON and Mermaid", "[model][graph][export]") {
  auto m = require_model(HM_HERE, read_source_file("examples/shop.toml"), "examples/shop.toml");
  const nlohmann::json j = nlohmann::json::parse(export_graph(*m, nullptr, GraphFormat::Json));
  CHECK(j["nodes"].size() == m->components.size() + m->flows.size());
  std::size_t steps = 0;
  for (const auto& f : m->flows) steps += f.steps.size();
  CHECK(j["edges"].size() == m->graph.edge_count() + steps);
  bool degrading_edge = false;
  for (const auto& e : j["edges"]) {
    if (e["from"] == "cart" && e["to"] == "recommendations") degrading_edge = e["impact"] == "degrading";
  }
  CHECK(degrading_edge);
  CHECK_FALSE(j["nodes"][0].contains("state"));

  const std::string dot = export_graph(*m, nullptr, GraphFormat::Dot);
  CHECK(dot.rfind("digraph greenlight {", 0) == 0);
  CHECK(dot.find("c_cart -> c_recommendations [style=dashed, label=\"degrading\"]") != std::string::npos);
  CHECK(dot.find("c_catalog -> c_catalog_1 [style=bold, arrowhead=odiamond") != std::string::npos);
  // A flow's label is two lines: DOT's \n escape between them, not an escaped backslash
  // (which Graphviz printed as a literal "\n").
  CHECK(dot.find(R"(label="Check out\nuser flow, high")") != std::string::npos);
  CHECK(dot.find(R"(\\n)") == std::string::npos);

  const std::string mermaid = export_graph(*m, nullptr, GraphFormat::Mermaid);
  CHECK(mermaid.rfind("flowchart TD\n", 0) == 0);
  CHECK(mermaid.find("c_cart -. degrading .-> c_recommendations") != std::string::npos);
}

TEST_CASE("DOT is coloured by state where states are known", "[model][graph][export]") {
  World w(require_model(HM_HERE, read_source_file("examples/shop.toml"), "examples/shop.toml"));
  w.all_green();
  w.settle("database", "tcp", Health::Red);
  const std::string dot = export_graph(w.model(), &w.state(), GraphFormat::Dot);
  CHECK(dot.find("label=\"Orders database (red)\", fillcolor=\"#c62828\"") != std::string::npos);
  CHECK(dot.find("label=\"Front end (green)\", fillcolor=\"#2e7d32\"") != std::string::npos);
  const nlohmann::json j = graph_json(w.model(), &w.state());
  for (const auto& n : j["nodes"]) {
    if (n["id"] == "checkout") CHECK(n["state"] == "red");
  }
  const std::string mermaid = export_graph(w.model(), &w.state(), GraphFormat::Mermaid);
  CHECK(mermaid.find("class c_database red") != std::string::npos);
}
