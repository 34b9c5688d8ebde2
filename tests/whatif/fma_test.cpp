// The failure mode analysis (whatif/fma.h) on the seed's shop, and the evaluation tree
// (whatif/explain.h) behind a simulated outage.

#include <catch2/catch.hpp>

#include "tests/engine/sim.h"
#include "tests/support/world.h"
#include "whatif/explain.h"
#include "whatif/fma.h"
#include "whatif/simulate.h"

using namespace greenlight;
using namespace greenlight::model;
using greenlight::test::require_model;

namespace {

std::shared_ptr<const Model> shop() {
  return require_model(HM_HERE, test::read_source_file("examples/shop.toml"), "examples/shop.toml");
}

const whatif::FailureMode& row(const Model& m, const std::vector<whatif::FailureMode>& rows, const std::string& id) {
  for (const auto& r : rows) {
    if (m.components[r.component].id == id) return r;
  }
  FAIL("no row for " << id);
  return rows.front();
}

std::vector<std::string> flow_ids(const Model& m, const std::vector<FlowIndex>& fs) {
  std::vector<std::string> out;
  for (FlowIndex f : fs) out.push_back(m.flows[f].id);
  return out;
}

}  // namespace

TEST_CASE("fma: on the shop the database is a single point of failure for every high flow", "[whatif][fma]") {
  const auto m = shop();
  const auto rows = whatif::failure_modes(*m);
  REQUIRE(rows.size() == m->components.size());
  const auto& db = row(*m, rows, "database");
  CHECK(db.single_point);
  CHECK_FALSE(db.redundant);
  for (FlowIndex f = 0; f < m->flows.size(); ++f) {
    if (m->flows[f].criticality != Criticality::High) continue;
    CHECK(std::count(db.red.begin(), db.red.end(), f) == 1);
  }
  CHECK(db.detect == std::chrono::seconds(15));  // 5s x 3 failures
  // It breaks the most: the first row.
  CHECK(m->components[rows.front().component].id == "database");
}

TEST_CASE("fma: the catalog (three instances) is not a single point of failure", "[whatif][fma]") {
  const auto m = shop();
  const auto rows = whatif::failure_modes(*m);
  const auto& group = row(*m, rows, "catalog");
  CHECK(group.redundant);
  CHECK_FALSE(group.single_point);
  for (const std::string id : {"catalog-1", "catalog-2", "catalog-3"}) {
    const auto& instance = row(*m, rows, id);
    CHECK_FALSE(instance.single_point);
    CHECK(instance.redundant);
    CHECK(instance.red.empty());
    CHECK(flow_ids(*m, instance.yellow) == std::vector<std::string>{"add-to-cart", "browse", "checkout",
                                                                    "update-product-data"});
  }
}

TEST_CASE("fma: recommendations only degrades", "[whatif][fma]") {
  const auto m = shop();
  const auto rows = whatif::failure_modes(*m);
  const auto& rec = row(*m, rows, "recommendations");
  CHECK(rec.red.empty());
  CHECK_FALSE(rec.single_point);
  CHECK_FALSE(rec.yellow.empty());
  const auto j = whatif::fma_json(*m, rows);
  for (const auto& r : j["failure_modes"]) {
    if (r["component"] != "recommendations") continue;
    CHECK(r["redundancy"] == "degrades only");
    CHECK(r["flows_red"].empty());
  }
  // Rows that break high flows red come before those that only degrade them.
  std::size_t db_pos = 0, rec_pos = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (m->components[rows[i].component].id == "database") db_pos = i;
    if (m->components[rows[i].component].id == "recommendations") rec_pos = i;
  }
  CHECK(db_pos < rec_pos);
  const std::string md = whatif::fma_markdown(*m, rows);
  CHECK(md.starts_with("| Component | What fails | Flows red | Flows yellow | Redundancy | Detection | Mitigation |\n"));
  CHECK(md.find("| database | Orders database | add-to-cart (high), browse (high), checkout (high), "
                "update-product-data (medium), email-preferences (low) | none |") != std::string::npos);
  CHECK(md.find("**single point of failure**") != std::string::npos);
}

TEST_CASE("explain: the tree behind a red checkout leads to the database's signal", "[whatif][explain]") {
  const auto m = shop();
  engine::Snapshot snap = whatif::green_snapshot(m, test::Sim::start());
  whatif::Resolved r;
  r.components.emplace_back(*m->find_component("database"), Health::Red);
  snap.state = whatif::simulate(snap, {}, r, test::Sim::start()).state;
  const auto j = whatif::explain_flow(snap, *m->find_flow("checkout"));
  CHECK(j["state"] == "red");
  CHECK(j["reason"] == "step \"cart\" is red");
  REQUIRE(j["steps"].size() == 4);
  CHECK(j["steps"][0]["component"] == "web");
  CHECK(j["steps"][0]["decides"] == false);
  CHECK(j["steps"][0]["explain"].is_null());
  const auto& cart = j["steps"][1];
  CHECK(cart["decides"] == true);
  CHECK(cart["impact"] == "critical");
  const auto& tree = cart["explain"];
  CHECK(tree["state"] == "red");
  // cart's dependency on the database decides; recommendations (degrading) contributes green.
  bool saw_db = false;
  for (const auto& d : tree["dependencies"]) {
    if (d["component"] == "database") {
      saw_db = true;
      CHECK(d["decides"] == true);
      REQUIRE(d["explain"].is_object());
      CHECK(d["explain"]["signals"][0]["id"] == "tcp");
      CHECK(d["explain"]["signals"][0]["state"] == "red");
      CHECK(d["explain"]["signals"][0]["decides"] == true);
      CHECK(d["explain"]["signals"][0]["thresholds"]["yellow_above"] == 0.25);
      CHECK(d["explain"]["signals"][0]["failures"] == 3);
    }
    if (d["component"] == "recommendations") CHECK(d["contributes"] == "green");
  }
  CHECK(saw_db);
  // The database is explained once per answer; later mentions point back to it.
  CHECK(j["steps"][3]["component"] == "database");
  CHECK(j["steps"][3]["explain"].is_null());
  // A group shows its counts.
  const auto catalog = whatif::explain_component(snap, *m->find_component("catalog"));
  CHECK(catalog["group"]["red"] == 3);
  CHECK(catalog["group"]["healthy_min"] == 3);
  CHECK(catalog["group"]["rule"] == "red");
}
