#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "model/carry_over.h"
#include "model/propagate.h"
#include "tests/support/world.h"

using namespace greenlight::model;
using greenlight::test::World;
using greenlight::test::require_model;

namespace {

World shop() {
  World w(require_model(HM_HERE, greenlight::test::read_source_file("examples/shop.toml"), "examples/shop.toml"));
  w.all_green();
  return w;
}

// a -> b -> c chain plus a flow over a, each with one signal.
constexpr const char* kChain = R"(
[components.c]
  [[components.c.signals]]
  id = "s"
  probe = "tcp"
  target = "127.0.0.1:1"
[components.b]
depends_on = ["c"]
  [[components.b.signals]]
  id = "s"
  probe = "tcp"
  target = "127.0.0.1:1"
[components.a]
depends_on = ["b"]
  [[components.a.signals]]
  id = "s"
  probe = "tcp"
  target = "127.0.0.1:1"
[flows.f]
criticality = "high"
steps = ["a"]
)";

}  // namespace

// ---- the seed's scenarios (examples/shop.toml) -----------------------------------------

TEST_CASE("recommendations down makes the cart page yellow, not red", "[model][propagate][seed]") {
  World w = shop();
  REQUIRE(w.flow("add-to-cart") == Health::Green);
  w.settle("recommendations", "health", Health::Red);
  CHECK(w.component("recommendations") == Health::Red);
  CHECK(w.component("cart") == Health::Yellow);
  CHECK(w.flow("add-to-cart") == Health::Yellow);
  CHECK(w.flow("browse") == Health::Yellow);  // a degrading step of browse
  CHECK(w.component_reason("cart") == R"(depends on "recommendations" (degrading), which is red)");
  CHECK(w.component_root_causes("cart") == std::vector<std::string>{"recommendations/health"});
  CHECK(w.state().overall.state == Health::Yellow);
}

TEST_CASE("the database down makes check out red with the database as its only root cause",
          "[model][propagate][seed]") {
  World w = shop();
  w.settle("database", "tcp", Health::Red);
  CHECK(w.component("pricing") == Health::Red);
  CHECK(w.component("catalog") == Health::Red);
  CHECK(w.component("cart") == Health::Red);
  CHECK(w.component("payments") == Health::Red);
  CHECK(w.flow("checkout") == Health::Red);
  CHECK(w.flow_root_causes("checkout") == std::vector<std::string>{"database/tcp"});
  // Even when the services between also fail their own health checks, the deepest
  // explanation is the database, not the five services between.
  w.settle("pricing", "health", Health::Red);
  w.settle("cart", "health", Health::Red);
  w.settle("payments", "health", Health::Red);
  CHECK(w.flow_root_causes("checkout") == std::vector<std::string>{"database/tcp"});
  CHECK(w.state().overall.state == Health::Red);
  CHECK(describe_overall(w.model(), w.state()).find("is red") != std::string::npos);
}

TEST_CASE("a 3-member group with one member down is yellow", "[model][propagate][seed][group]") {
  World w = shop();
  w.settle("catalog-2", "health", Health::Red);
  CHECK(w.component("catalog") == Health::Yellow);
  CHECK(w.component_root_causes("catalog") == std::vector<std::string>{"catalog-2/health"});
  CHECK(w.component_reason("catalog") == "2 of 3 members green, 1 red (healthy_min 3, available_min 1)");
  w.settle("catalog-1", "health", Health::Red);
  CHECK(w.component("catalog") == Health::Yellow);  // one instance still serves
  w.settle("catalog-3", "health", Health::Red);
  CHECK(w.component("catalog") == Health::Red);
  CHECK(w.flow("browse") == Health::Red);
}

TEST_CASE("the nightly backup flow follows its heartbeat signal", "[model][propagate][seed]") {
  World w = shop();
  CHECK(w.flow("nightly-backup") == Health::Green);
  w.settle("backup", "nightly", Health::Red);
  CHECK(w.flow("nightly-backup") == Health::Red);
  // A medium-criticality flow does not make the overall state red.
  CHECK(w.state().overall.state == Health::Green);
}

// ---- SPEC 1 rules ----------------------------------------------------------------------

TEST_CASE("unknown data ranks between green and yellow", "[model][propagate][unknown]") {
  CHECK(worst(Health::Green, Health::Unknown) == Health::Unknown);
  CHECK(worst(Health::Unknown, Health::Yellow) == Health::Yellow);
  CHECK(worst(Health::Red, Health::Unknown) == Health::Red);
  auto m = require_model(HM_HERE, R"(
[components.x]
  [[components.x.signals]]
  id = "a"
  probe = "tcp"
  target = "127.0.0.1:1"
  [[components.x.signals]]
  id = "b"
  probe = "tcp"
  target = "127.0.0.1:1"
)");
  World w(m);
  CHECK(w.component("x") == Health::Unknown);  // never probed
  w.set("x", "a", Health::Green);
  CHECK(w.component("x") == Health::Unknown);  // one green, one unknown
  w.set("x", "b", Health::Yellow);
  CHECK(w.component("x") == Health::Yellow);
  w.set("x", "b", Health::Green);
  CHECK(w.component("x") == Health::Green);
}

TEST_CASE("each impact passes a dependency's state as SPEC 1 says", "[model][propagate][impact]") {
  // Table: dependency state, impact, dependent's resulting state (own signal green).
  struct Row {
    Health dep;
    const char* impact;
    Health expected;
  };
  const Row rows[] = {
      {Health::Red, "critical", Health::Red},          // passes through
      {Health::Yellow, "critical", Health::Yellow},    // passes through
      {Health::Unknown, "critical", Health::Unknown},  // no data below means no verdict above
      {Health::Red, "degrading", Health::Yellow},      // graceful degradation
      {Health::Yellow, "degrading", Health::Yellow},   // already at most yellow
      {Health::Unknown, "degrading", Health::Unknown}, // unknown ranks below yellow
      {Health::Red, "informational", Health::Green},   // shown, no effect
      {Health::Unknown, "informational", Health::Green},
  };
  for (const Row& row : rows) {
    const std::string toml = std::string(R"(
[components.dep]
  [[components.dep.signals]]
  id = "s"
  probe = "tcp"
  target = "127.0.0.1:1"
[components.top]
depends_on = [ { component = "dep", impact = ")") + row.impact + R"(" } ]
  [[components.top.signals]]
  id = "s"
  probe = "tcp"
  target = "127.0.0.1:1"
)";
    World w(require_model(HM_HERE, toml));
    w.set("top", "s", Health::Green);
    w.set("dep", "s", row.dep);
    INFO("dependency " << to_string(row.dep) << " via " << row.impact);
    CHECK(w.component("top") == row.expected);
  }
}

TEST_CASE("a redundancy group follows healthy_min and available_min", "[model][propagate][group]") {
  // Table: member states, healthy_min, available_min, expected group state.
  struct Row {
    std::vector<Health> members;
    const char* healthy_min;
    const char* available_min;
    Health expected;
    const char* why;
  };
  using H = Health;
  const Row rows[] = {
      {{H::Green, H::Green, H::Green, H::Green}, "", "", H::Green, "all green"},
      {{H::Green, H::Green, H::Green, H::Red}, "", "", H::Yellow, "default healthy_min is all"},
      {{H::Red, H::Red, H::Red, H::Red}, "", "", H::Red, "none available"},
      {{H::Green, H::Green, H::Green, H::Red}, "3", "", H::Green, "three green suffice"},
      {{H::Green, H::Red, H::Red, H::Red}, "3", "2", H::Red, "only one not red, two needed"},
      {{H::Green, H::Yellow, H::Red, H::Red}, "3", "2", H::Yellow, "yellow members are available"},
      {{H::Green, H::Green, H::Red, H::Red}, "\"50%\"", "", H::Green, "50% of 4 is 2"},
      {{H::Green, H::Red, H::Red, H::Red}, "\"50%\"", "\"50%\"", H::Red, "one available of two needed"},
      {{H::Green, H::Green, H::Green, H::Unknown}, "", "", H::Unknown, "could be green or yellow"},
      {{H::Green, H::Green, H::Green, H::Unknown}, "3", "", H::Green, "green whatever the unknown is"},
      {{H::Red, H::Red, H::Red, H::Unknown}, "", "2", H::Red, "red whatever the unknown is"},
      {{H::Red, H::Red, H::Green, H::Unknown}, "", "2", H::Unknown, "could be yellow or red"},
      {{H::Red, H::Red, H::Green, H::Unknown}, "", "3", H::Red, "at most two available of three needed"},
      {{H::Unknown, H::Unknown, H::Unknown, H::Unknown}, "", "", H::Unknown, "nothing known"},
  };
  for (const Row& row : rows) {
    std::string toml;
    for (std::size_t i = 0; i < row.members.size(); ++i) {
      toml += "[components.m" + std::to_string(i) +
              "]\n  [[components.m" + std::to_string(i) +
              ".signals]]\n  id = \"s\"\n  probe = \"tcp\"\n  target = \"127.0.0.1:1\"\n";
    }
    toml += "[components.g]\nmembers = [\"m0\", \"m1\", \"m2\", \"m3\"]\n";
    if (*row.healthy_min) toml += std::string("healthy_min = ") + row.healthy_min + "\n";
    if (*row.available_min) toml += std::string("available_min = ") + row.available_min + "\n";
    World w(require_model(HM_HERE, toml));
    for (std::size_t i = 0; i < row.members.size(); ++i) {
      if (row.members[i] != Health::Unknown) w.set("m" + std::to_string(i), "s", row.members[i]);
    }
    INFO(row.why);
    CHECK(w.component("g") == row.expected);
  }
}

TEST_CASE("overall is the worst of the high-criticality flows", "[model][propagate][overall]") {
  World w = shop();
  CHECK(w.state().overall.state == Health::Green);
  w.settle("profile", "health", Health::Red);  // email preferences (low) red, cart degraded
  CHECK(w.flow("email-preferences") == Health::Red);
  CHECK(w.state().overall.state == Health::Yellow);  // add to cart is high and yellow
  CHECK(describe_overall(w.model(), w.state()) == R"(flow "add-to-cart" is yellow)");
}

TEST_CASE("a model without high-criticality flows takes the worst of all flows", "[model][propagate][overall]") {
  auto m = require_model(HM_HERE, R"(
[components.x]
  [[components.x.signals]]
  id = "s"
  probe = "tcp"
  target = "127.0.0.1:1"
[flows.f]
criticality = "low"
steps = ["x"]
)");
  World w(m);
  w.set("x", "s", Health::Red);
  CHECK(w.state().overall.state == Health::Red);
}

TEST_CASE("root causes are the deepest components whose own signals explain the state",
          "[model][propagate][root-cause]") {
  World w(require_model(HM_HERE, kChain));
  w.set("a", "s", Health::Red);
  w.set("b", "s", Health::Red);
  w.set("c", "s", Health::Green);
  // b's own signal explains a and b; c is green.
  CHECK(w.flow_root_causes("f") == std::vector<std::string>{"b/s"});
  w.set("c", "s", Health::Red);
  CHECK(w.flow_root_causes("f") == std::vector<std::string>{"c/s"});
  CHECK(w.component_root_causes("c") == std::vector<std::string>{"c/s"});
  w.set("c", "s", Health::Yellow);
  // a is red on its own account now (b red by its own signal): b explains it.
  CHECK(w.flow_root_causes("f") == std::vector<std::string>{"b/s"});
}

TEST_CASE("a component with no signals and no dependencies is unknown", "[model][propagate][unknown]") {
  auto m = require_model(HM_HERE, R"(
[components.lonely]
name = "Nothing measured"
)");
  World w(m);
  CHECK(w.component("lonely") == Health::Unknown);
  CHECK(w.component_reason("lonely") == "no signals, members or dependencies");
  CHECK(w.component_root_causes("lonely") == std::vector<std::string>{"lonely"});
}

TEST_CASE("a stale signal turns unknown and its flows follow", "[model][propagate][stale]") {
  World w(require_model(HM_HERE, kChain));
  for (const char* c : {"a", "b", "c"}) w.set(c, "s", Health::Green);
  REQUIRE(w.flow("f") == Health::Green);
  // Default interval 10s, stale_after 3 x interval = 30s.
  w.advance(std::chrono::seconds(30));
  CHECK(expire_stale(w.model(), w.state(), w.now()).empty());
  w.advance(std::chrono::seconds(1));
  const Changes changes = expire_stale(w.model(), w.state(), w.now());
  CHECK(changes.signals.size() == 3);
  CHECK(w.component("c") == Health::Unknown);
  CHECK(w.flow("f") == Health::Unknown);
  CHECK(describe_root_cause(w.model(), w.state(), root_causes_of_flow(w.model(), w.state(), 0).at(0))
            .find("no result for 31s (stale_after 30s)") != std::string::npos);
  // A fresh result brings it back at once.
  w.set("c", "s", Health::Green);
  CHECK(w.component("c") == Health::Green);
}

TEST_CASE("propagation returns exactly the states that changed, with since at the change",
          "[model][propagate][incremental]") {
  World w = shop();
  const TimePoint before = w.now();
  w.advance(std::chrono::seconds(5));
  const Changes c = w.settle("recommendations", "health", Health::Red);
  std::vector<std::string> components, flows;
  for (const auto& ch : c.components) components.push_back(w.model().components[ch.index].id);
  for (const auto& ch : c.flows) flows.push_back(w.model().flows[ch.index].id);
  std::sort(components.begin(), components.end());
  std::sort(flows.begin(), flows.end());
  CHECK(components == std::vector<std::string>{"cart", "recommendations"});
  CHECK(flows == std::vector<std::string>{"add-to-cart", "browse", "checkout"});
  REQUIRE(c.overall.has_value());
  CHECK(c.overall->from == Health::Green);
  CHECK(c.overall->to == Health::Yellow);
  CHECK(w.state().components[*w.model().find_component("cart")].since == w.now());
  CHECK(w.state().components[*w.model().find_component("web")].since <= before);
  // The same result again changes nothing.
  CHECK(w.set("recommendations", "health", Health::Red).empty());
}

TEST_CASE("incremental propagation agrees with a full evaluation", "[model][propagate][incremental]") {
  // A random layered model; random signal results; after each, the incrementally
  // maintained states must equal a from-scratch evaluation of the same signal states.
  std::mt19937 rng(20261126);
  const int kLayers = 5, kWidth = 12;
  std::string toml;
  const char* impacts[] = {"critical", "degrading", "informational"};
  for (int l = kLayers - 1; l >= 0; --l) {
    for (int i = 0; i < kWidth; ++i) {
      const std::string id = "c" + std::to_string(l) + "_" + std::to_string(i);
      toml += "[components." + id + "]\n";
      if (l == 2 && i % 4 == 0) {  // some redundancy groups over the next layer
        toml += "members = [\"c3_" + std::to_string(i) + "\", \"c3_" + std::to_string(i + 1) + "\", \"c3_" +
                std::to_string(i + 2) + "\"]\nhealthy_min = 2\n";
        continue;
      }
      if (l + 1 < kLayers) {
        toml += "depends_on = [";
        for (int d = 0; d < 3; ++d) {
          toml += std::string(d ? ", " : "") + "{ component = \"c" + std::to_string(l + 1) + "_" +
                  std::to_string((i + d * 5) % kWidth) + "\", impact = \"" + impacts[(i + d) % 3] + "\" }";
        }
        toml += "]\n";
      }
      toml += "  [[components." + id + ".signals]]\n  id = \"s\"\n  probe = \"tcp\"\n  target = \"127.0.0.1:1\"\n";
    }
  }
  for (int f = 0; f < 6; ++f) {
    toml += "[flows.f" + std::to_string(f) + "]\ncriticality = \"" + (f % 2 ? "high" : "low") + "\"\nsteps = [\"c0_" +
            std::to_string(f) + "\", { component = \"c1_" + std::to_string(f + 3) + "\", impact = \"degrading\" }]\n";
  }
  World w(require_model(HM_HERE, toml));
  const Model& m = w.model();
  std::uniform_int_distribution<std::size_t> pick(0, m.signals.size() - 1);
  std::uniform_int_distribution<int> state(0, 3);
  for (int step = 0; step < 400; ++step) {
    const SignalIndex s = static_cast<SignalIndex>(pick(rng));
    w.set(m.components[m.signals[s].component].id, m.signals[s].id, static_cast<Health>(state(rng)));
    HealthState full = w.state();
    evaluate_all(m, full, w.now());
    for (ComponentIndex c = 0; c < m.components.size(); ++c) {
      INFO("step " << step << " component " << m.components[c].id);
      REQUIRE(full.components[c].state == w.state().components[c].state);
      REQUIRE(full.components[c].reason == w.state().components[c].reason);
    }
    for (FlowIndex f = 0; f < m.flows.size(); ++f) REQUIRE(full.flows[f].state == w.state().flows[f].state);
    REQUIRE(full.overall.state == w.state().overall.state);
  }
}

TEST_CASE("a model without flows takes the worst of its components as overall", "[model][propagate][overall]") {
  World w(require_model(HM_HERE, R"(
[components.a]
  [[components.a.signals]]
  id = "s"
  probe = "tcp"
  target = "127.0.0.1:1"
[components.b]
depends_on = [ { component = "a", impact = "degrading" } ]
  [[components.b.signals]]
  id = "s"
  probe = "tcp"
  target = "127.0.0.1:1"
)"));
  w.set("b", "s", Health::Green);
  CHECK(w.state().overall.state == Health::Unknown);  // a never probed
  w.set("a", "s", Health::Green);
  CHECK(w.state().overall.state == Health::Green);
  CHECK(describe_overall(w.model(), w.state()) == "no flows defined; all components green");
  w.set("a", "s", Health::Red);
  CHECK(w.state().overall.state == Health::Red);
  CHECK(describe_overall(w.model(), w.state()) == R"(no flows defined; component "a" is red)");
  const auto causes = root_causes_overall(w.model(), w.state());
  REQUIRE(causes.size() == 1);
  CHECK(w.model().components[causes[0].component].id == "a");
}

TEST_CASE("a reload keeps unchanged signals' state and counters and resets changed ones",
          "[model][reload]") {
  const std::string before = R"(
[components.db]
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
  failures = 3
[components.api]
depends_on = ["db"]
  [[components.api.signals]]
  id = "http"
  probe = "http"
  url = "http://127.0.0.1:8080/"
[flows.f]
steps = ["api"]
)";
  World w(require_model(HM_HERE, before));
  w.settle("db", "tcp", Health::Green);
  w.set("api", "http", Health::Green);
  w.set("db", "tcp", Health::Red);  // 1 of 3 failures pending
  const TimePoint green_since = w.state().flows[0].since;
  w.advance(std::chrono::minutes(1));

  // The new model changes api's URL and adds a component; db is untouched.
  std::string after = before;
  after.replace(after.find("8080"), 4, "8081");
  after += "[components.cache]\n  [[components.cache.signals]]\n  id = \"tcp\"\n  probe = \"tcp\"\n  target = \"127.0.0.1:6379\"\n";
  auto neu = require_model(HM_HERE, after);
  const CarriedState c = carry_over(w.model(), w.state(), *neu, w.now());
  CHECK(c.signals_kept == 1);
  const SignalState& db = c.state.signals[*neu->find_signal("db", "tcp")];
  CHECK(db.state == Health::Green);
  CHECK(db.streak == 1);  // the pending failure count survives
  CHECK(c.state.signals[*neu->find_signal("api", "http")].state == Health::Unknown);  // new URL, new data
  CHECK(c.state.components[*neu->find_component("db")].state == Health::Green);
  CHECK(c.state.flows[0].state == Health::Unknown);  // api unknown until probed again
  REQUIRE(c.changes.flows.size() == 1);
  CHECK(c.changes.flows[0].from == Health::Green);
  CHECK(c.state.flows[0].since == w.now());
  CHECK(green_since < w.now());
}
