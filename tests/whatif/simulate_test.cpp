// The what-if simulation (whatif/simulate.h): hand-made cases on the seed's shop, and the
// property that matters: on random models and random overrides, the simulation says what
// the live engine says once it is fed the same states (tests/engine/sim.h, a fake clock).

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>

#include "tests/engine/sim.h"
#include "tests/support/world.h"
#include "tests/whatif/random_model.h"
#include "whatif/simulate.h"

using namespace greenlight;
using namespace greenlight::model;
using namespace std::chrono_literals;
using greenlight::test::require_model;
using greenlight::test::Sim;

namespace {

std::shared_ptr<const Model> shop() {
  return require_model(HM_HERE, test::read_source_file("examples/shop.toml"), "examples/shop.toml");
}

whatif::Resolved resolved(const Model& m, const whatif::Overrides& o) {
  whatif::Resolved r;
  REQUIRE(whatif::resolve(m, o, r).empty());
  return r;
}

std::vector<std::string> ids(const Model& m, const std::vector<whatif::Changed>& changed, bool flows) {
  std::vector<std::string> out;
  for (const auto& c : changed) out.push_back(flows ? m.flows[c.index].id : m.components[c.index].id);
  return out;
}

ProbeOutcome outcome_of(Health h) {
  switch (h) {
    case Health::Green: return {true, std::nullopt, "ok", {}};
    case Health::Yellow: return {true, std::nullopt, "slow", Health::Yellow};
    case Health::Red: return {false, std::nullopt, "down", {}};
    case Health::Unknown: return {true, std::nullopt, "no data", Health::Unknown};
  }
  return {};
}

// The live engine fed the same states: its probes answer them from now on, and each
// signal gets, at once, as many runs as its failures/successes need to settle.
void feed(Sim& sim, const std::vector<std::pair<SignalIndex, Health>>& sets) {
  const Model& m = sim.engine().model();
  engine::Inputs in;
  for (const auto& [s, h] : sets) {
    sim.answer(m.signal_key(s), outcome_of(h));
    const int runs = std::max(m.signals[s].failures, m.signals[s].successes);
    for (int i = 0; i < runs; ++i) in.results.push_back({sim.engine().generation(), s, outcome_of(h)});
  }
  sim.step(std::move(in));
}

// The overrides as the signal states they stand for.
std::vector<std::pair<SignalIndex, Health>> as_signals(const Model& m, const whatif::Resolved& r) {
  std::vector<std::pair<SignalIndex, Health>> out;
  for (const auto& [c, h] : r.components) {
    for (SignalIndex s = m.components[c].first_signal; s < m.components[c].first_signal + m.components[c].signal_count;
         ++s) {
      out.emplace_back(s, h);
    }
  }
  for (const auto& sh : r.signals) out.push_back(sh);
  return out;
}

Health random_state(std::mt19937& rng) {
  const Health all[] = {Health::Green, Health::Yellow, Health::Red, Health::Unknown, Health::Red};
  return all[std::uniform_int_distribution<int>(0, 4)(rng)];
}

// Random overrides of components that have signals, and of signals.
whatif::Overrides random_overrides(const test::RandomModel& rm, std::mt19937& rng) {
  whatif::Overrides o;
  const int n = std::uniform_int_distribution<int>(0, 3)(rng);
  for (int i = 0; i < n; ++i) {
    const int c = std::uniform_int_distribution<int>(0, rm.components - 1)(rng);
    const int signals = rm.signals[static_cast<std::size_t>(c)];
    if (signals == 0) continue;
    const std::string id = "c" + std::to_string(c);
    if (std::uniform_int_distribution<int>(0, 1)(rng)) {
      o.components.emplace_back(id, random_state(rng));
    } else {
      o.signals.emplace_back(id + "/s" + std::to_string(std::uniform_int_distribution<int>(0, signals - 1)(rng)),
                             random_state(rng));
    }
  }
  return o;
}

std::vector<whatif::WouldSend> sent_since(const Sim& sim, std::size_t from) {
  std::vector<whatif::WouldSend> out;
  for (std::size_t i = from; i < sim.notifications.size(); ++i) {
    const auto& n = sim.notifications[i];
    out.push_back({n.receiver, n.alert_id, n.severity, n.reason});
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());  // who is paged about what, once
  return out;
}

// Root causes as a set of "component/signal".
std::set<std::string> cause_set(const Model& m, const std::vector<RootCause>& causes) {
  std::set<std::string> out;
  for (const auto& rc : causes) out.insert(m.components[rc.component].id + "/" + (rc.signal == kNoIndex ? "-" : m.signals[rc.signal].id));
  return out;
}

std::string describe(const std::vector<whatif::WouldSend>& ns) {
  std::string out;
  for (const auto& n : ns) {
    out += n.receiver + " " + std::string(alerting::to_string(n.reason)) + " " + n.alert + " " +
           std::string(to_string(n.severity)) + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("simulate: the database down on the all-green shop breaks every high flow and pages once per alert",
          "[whatif][simulate]") {
  const auto m = shop();
  const engine::Snapshot snap = whatif::green_snapshot(m, Sim::start());
  CHECK(snap.state.overall.state == Health::Green);
  whatif::Overrides o;
  o.components.emplace_back("database", Health::Red);
  const auto s = whatif::simulate(snap, {}, resolved(*m, o), Sim::start());
  CHECK(s.overall_was == Health::Green);
  CHECK(s.state.overall.state == Health::Red);
  // (Flows and components are in model order: ids sorted.)
  CHECK(ids(*m, s.flows, true) == std::vector<std::string>{"add-to-cart", "browse", "checkout", "email-preferences",
                                                           "update-product-data"});
  // Root causes name the database, not the services between.
  const auto causes = root_causes_of_flow(*m, s.state, *m->find_flow("checkout"));
  REQUIRE(causes.size() == 1);
  CHECK(describe_root_cause(*m, s.state, causes[0]) == "database/tcp: simulated red");
  // One notification per alert routed to oncall (min_severity warning): the three high
  // flows (critical), update-product-data (medium red: error), email-preferences (low red:
  // warning) and the database (alert = true). Payments (alert = true too) is wholly
  // explained by the database, whose own alert pages: suppressed.
  std::vector<std::string> sent;
  for (const auto& n : s.notifications) sent.push_back(n.receiver + " " + n.alert + " " + std::string(to_string(n.severity)));
  std::sort(sent.begin(), sent.end());
  CHECK(sent == std::vector<std::string>{"oncall component/database critical", "oncall flow/add-to-cart critical",
                                         "oncall flow/browse critical", "oncall flow/checkout critical",
                                         "oncall flow/email-preferences warning", "oncall flow/update-product-data error"});
  CHECK(s.quiet == std::vector<std::pair<std::string, std::string>>{{"component/payments", "suppressed"}});
  // The snapshot it ran on is untouched.
  CHECK(snap.state.components[*m->find_component("database")].state == Health::Green);
}

TEST_CASE("simulate: recommendations red only degrades, a signal override wins over its component's",
          "[whatif][simulate]") {
  const auto m = shop();
  const engine::Snapshot snap = whatif::green_snapshot(m, Sim::start());
  whatif::Overrides o;
  o.components.emplace_back("recommendations", Health::Red);
  auto s = whatif::simulate(snap, {}, resolved(*m, o), Sim::start());
  CHECK(s.state.overall.state == Health::Yellow);
  for (const auto& f : s.flows) CHECK(f.state == Health::Yellow);
  CHECK(s.notifications.size() == 3);  // add-to-cart, browse, checkout (via cart): high/yellow is a warning

  whatif::Overrides both;
  both.components.emplace_back("payments", Health::Red);
  both.signals.emplace_back("payments/health", Health::Green);
  s = whatif::simulate(snap, {}, resolved(*m, both), Sim::start());
  const auto p = *m->find_component("payments");
  CHECK(s.state.signals[m->components[p].first_signal].state == Health::Green);
  CHECK(s.state.signals[m->components[p].first_signal + 1].state == Health::Red);
}

TEST_CASE("simulate: a redundancy group's own state can be set, its members stay as they are",
          "[whatif][simulate]") {
  const auto m = shop();
  const engine::Snapshot snap = whatif::green_snapshot(m, Sim::start());
  whatif::Overrides o;
  o.components.emplace_back("catalog", Health::Red);
  const auto s = whatif::simulate(snap, {}, resolved(*m, o), Sim::start());
  CHECK(s.state.components[*m->find_component("catalog")].state == Health::Red);
  CHECK(s.state.components[*m->find_component("catalog-1")].state == Health::Green);
  CHECK(s.state.flows[*m->find_flow("browse")].state == Health::Red);
  const auto causes = root_causes_of_flow(*m, s.state, *m->find_flow("browse"));
  REQUIRE(causes.size() == 1);
  CHECK(describe_root_cause(*m, s.state, causes[0]) == "catalog: simulated red");
  // Set green while its members fail: the group's own rule is replaced, the members stay red.
  whatif::Overrides green;
  green.components.emplace_back("database", Health::Red);
  green.components.emplace_back("catalog", Health::Green);
  const auto g = whatif::simulate(snap, {}, resolved(*m, green), Sim::start());
  CHECK(g.state.components[*m->find_component("catalog")].state == Health::Green);
  CHECK(g.state.components[*m->find_component("catalog-1")].state == Health::Red);
}

TEST_CASE("simulate: silences active now keep their alerts quiet, and the empty set answers the current state",
          "[whatif][simulate]") {
  const auto m = shop();
  const engine::Snapshot snap = whatif::green_snapshot(m, Sim::start());
  alerting::Silence silence{"s1", {{"flow", "checkout"}}, Sim::start() - 1h, Sim::start() + 10s, "ops", "deploy"};
  whatif::Overrides o;
  o.components.emplace_back("payments", Health::Red);
  const auto s = whatif::simulate(snap, {silence}, resolved(*m, o), Sim::start());
  CHECK(s.state.flows[*m->find_flow("checkout")].state == Health::Red);
  for (const auto& n : s.notifications) CHECK(n.alert != "flow/checkout");  // even after alert_after (30s)
  CHECK(std::count(s.quiet.begin(), s.quiet.end(), std::pair<std::string, std::string>{"flow/checkout", "silenced"}) == 1);

  const auto none = whatif::simulate(snap, {}, {}, Sim::start());
  CHECK(none.flows.empty());
  CHECK(none.components.empty());
  CHECK(none.notifications.empty());
  CHECK(none.state.overall.state == snap.state.overall.state);
}

TEST_CASE("simulate: overrides are checked against the model and the four states", "[whatif][simulate]") {
  const auto m = shop();
  whatif::Overrides o;
  CHECK(whatif::parse_overrides(nlohmann::json::parse(R"({"components": {"database": "purple"}})"), o) ==
        "\"database\": state must be green, yellow, red or unknown, not \"purple\"");
  CHECK(whatif::parse_overrides(nlohmann::json::parse(R"({"signals": {"x/y": 3}})"), o) ==
        "\"x/y\": state must be green, yellow, red or unknown, not \"3\"");
  CHECK(whatif::parse_overrides(nlohmann::json::parse(R"({"component": {}})"), o).starts_with("unknown key \"component\""));
  CHECK(whatif::parse_overrides(nlohmann::json::parse(R"([1])"), o).starts_with("the body must be a JSON object"));
  CHECK(whatif::parse_assignment("database", o).starts_with("--set takes ID=STATE"));
  CHECK(whatif::parse_assignment("database=blue", o) ==
        "\"database\": state must be green, yellow, red or unknown, not \"blue\"");
  whatif::Overrides ok;
  CHECK(whatif::parse_assignment("database=red", ok).empty());
  CHECK(whatif::parse_assignment("pricing/health=yellow", ok).empty());
  REQUIRE(ok.components.size() == 1);
  REQUIRE(ok.signals.size() == 1);
  whatif::Resolved r;
  CHECK(whatif::resolve(*m, ok, r).empty());
  whatif::Overrides unknown;
  unknown.components.emplace_back("databse", Health::Red);
  CHECK(whatif::resolve(*m, unknown, r) == "no component \"databse\"");
  whatif::Overrides bad_signal;
  bad_signal.signals.emplace_back("pricing/nope", Health::Red);
  CHECK(whatif::resolve(*m, bad_signal, r).starts_with("no signal \"pricing/nope\""));
}

TEST_CASE("simulate: on 1,000 random models and overrides, the simulation equals the live engine fed the same states",
          "[whatif][simulate][property]") {
  std::size_t with_changes = 0, with_notifications = 0, from_firing = 0;
  for (std::uint32_t seed = 1; seed <= 1000; ++seed) {
    const test::RandomModel rm = test::random_model(seed);
    const auto m = require_model(HM_HERE, rm.toml);
    std::mt19937 rng(seed * 7919u);
    Sim sim(m);
    std::vector<alerting::Silence> silences;
    if (seed % 5 == 0) {
      silences.push_back({"s", {{"criticality", "high"}}, Sim::start(), Sim::start() + 24h, "test", "silence"});
      sim.set_silences(silences);
    }
    sim.run_for(3s);
    // Something already broken (and paged) before the question is asked.
    const whatif::Resolved before = resolved(*m, random_overrides(rm, rng));
    feed(sim, as_signals(*m, before));
    sim.run_for(15s);
    from_firing += sim.notifications.empty() ? 0 : 1;

    const whatif::Resolved r = resolved(*m, random_overrides(rm, rng));
    const auto snap = sim.engine().snapshot({sim.now(), {}});
    const whatif::Simulation s = whatif::simulate(*snap, silences, r, sim.now());
    const std::size_t mark = sim.notifications.size();
    feed(sim, as_signals(*m, r));
    sim.run_for(15s);

    INFO("seed " << seed << "\n" << rm.toml);
    // The memoised root causes the answer uses are the model's, component by component.
    whatif::RootCauses memo(*m, s.state);
    for (ComponentIndex c = 0; c < m->components.size(); ++c) {
      CHECK(cause_set(*m, memo.of_component(c)) == cause_set(*m, root_causes_of_component(*m, s.state, c)));
    }
    for (FlowIndex f = 0; f < m->flows.size(); ++f) {
      CHECK(cause_set(*m, memo.of_flow(f)) == cause_set(*m, root_causes_of_flow(*m, s.state, f)));
    }
    for (FlowIndex f = 0; f < m->flows.size(); ++f) CHECK(s.state.flows[f].state == sim.engine().state().flows[f].state);
    for (ComponentIndex c = 0; c < m->components.size(); ++c) {
      CHECK(s.state.components[c].state == sim.engine().state().components[c].state);
    }
    CHECK(s.state.overall.state == sim.engine().state().overall.state);
    std::vector<whatif::WouldSend> simulated = s.notifications;
    std::sort(simulated.begin(), simulated.end());
    const auto live = sent_since(sim, mark);
    INFO("simulated:\n" << describe(simulated) << "live:\n" << describe(live));
    CHECK(simulated == live);
    with_changes += s.flows.empty() && s.components.empty() ? 0 : 1;
    with_notifications += live.empty() ? 0 : 1;
  }
  // Not vacuous: most cases change something, many page someone.
  CHECK(with_changes > 500);
  CHECK(with_notifications > 200);
  CHECK(from_firing > 200);
}
