#include "model/propagate.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <unordered_set>

namespace greenlight::model {

namespace {

struct Evaluated {
  Health state;
  Reason reason;
};

}  // namespace

GroupCounts count_group(const Component& c, const HealthState& st) {
  GroupCounts g;
  g.members = static_cast<std::uint32_t>(c.members.size());
  for (ComponentIndex m : c.members) {
    switch (st.components[m].state) {
      case Health::Green: ++g.green; break;
      case Health::Red: ++g.red; break;
      case Health::Unknown: ++g.unknown; break;
      case Health::Yellow: break;
    }
  }
  g.healthy_min = c.healthy_min ? c.healthy_min->resolve(g.members) : g.members;
  g.available_min = c.available_min ? c.available_min->resolve(g.members) : 1;
  return g;
}

// SPEC 1, "Redundancy group": green with healthy_min green members, yellow with
// available_min members not red, red otherwise. Unknown members could be either, so the
// group is decided only if the best and the worst case for them agree.
Health group_state(const GroupCounts& g) {
  auto rule = [&](std::uint32_t green, std::uint32_t red) {
    if (green >= g.healthy_min) return Health::Green;
    if (g.members - red >= g.available_min) return Health::Yellow;
    return Health::Red;
  };
  const Health best = rule(g.green + g.unknown, g.red);
  const Health worst_case = rule(g.green, g.red + g.unknown);
  return best == worst_case ? best : Health::Unknown;
}

namespace {

bool simulated(const HealthState& st, ComponentIndex v) { return !st.simulated.empty() && st.simulated[v]; }

Evaluated compute_component(const Model& m, const HealthState& st, ComponentIndex v) {
  const Component& c = m.components[v];
  Evaluated e{Health::Green, {ReasonKind::NoSignals, kNoIndex}};
  const auto deps = m.graph.dependencies(v);
  const auto edges = m.graph.dependency_edges(v);
  bool has_dependencies = false;
  if (simulated(st, v)) {
    e = {*st.simulated[v], {ReasonKind::Simulated, kNoIndex}};
  } else if (c.is_group()) {
    e = {group_state(count_group(c, st)), {ReasonKind::Group, kNoIndex}};
  } else if (c.signal_count > 0) {
    e.reason = {ReasonKind::Signals, kNoIndex};
    for (SignalIndex s = c.first_signal; s < c.first_signal + c.signal_count; ++s) {
      if (st.signals[s].state > e.state) e = {st.signals[s].state, {ReasonKind::Signal, s}};
    }
  }
  for (std::uint32_t i = 0; i < deps.size(); ++i) {
    if (edges[i].member) continue;
    has_dependencies = true;
    const Health h = apply_impact(st.components[deps[i]].state, edges[i].impact);
    // On a tie the dependency is the deeper explanation (root causes follow it too).
    if (h > e.state || (h == e.state && h != Health::Green && e.reason.kind != ReasonKind::Dependency)) {
      e = {h, {ReasonKind::Dependency, i}};
    }
  }
  if (!c.is_group() && c.signal_count == 0 && !has_dependencies && !simulated(st, v)) {
    e = {Health::Unknown, {ReasonKind::NoSignals, kNoIndex}};
  }
  return e;
}

Evaluated compute_flow(const HealthState& st, const Flow& f, FlowIndex fi) {
  Evaluated e{Health::Green, {ReasonKind::Steps, kNoIndex}};
  for (std::uint32_t i = 0; i < f.steps.size(); ++i) {
    const Health h = apply_impact(st.components[f.steps[i].component].state, f.steps[i].impact);
    if (h > e.state) e = {h, {ReasonKind::Step, i}};
  }
  if (e.state == Health::Green && fi < st.flow_trends.size() && !st.flow_trends[fi].empty()) {
    e = {Health::Yellow, {ReasonKind::Trend, kNoIndex}};
  }
  return e;
}

// "Green means all critical flows operate as expected": the high-criticality flows. A
// model without any high flow falls back to all flows, so overall still means something.
bool any_high_flow(const Model& m) {
  return std::any_of(m.flows.begin(), m.flows.end(), [](const Flow& f) { return f.criticality == Criticality::High; });
}
bool counts_for_overall(bool any_high, const Flow& f) { return !any_high || f.criticality == Criticality::High; }

Evaluated compute_overall(const Model& m, const HealthState& st) {
  if (m.flows.empty()) {
    Evaluated e{Health::Green, {ReasonKind::Components, kNoIndex}};
    for (ComponentIndex c = 0; c < m.components.size(); ++c) {
      if (st.components[c].state > e.state) e = {st.components[c].state, {ReasonKind::Component, c}};
    }
    return e;
  }
  const bool any_high = any_high_flow(m);
  Evaluated e{Health::Green, {ReasonKind::Flows, kNoIndex}};
  for (FlowIndex i = 0; i < m.flows.size(); ++i) {
    if (!counts_for_overall(any_high, m.flows[i])) continue;
    if (st.flows[i].state > e.state) e = {st.flows[i].state, {ReasonKind::Flow, i}};
  }
  return e;
}

// Stores an evaluation; returns true when the state (not only the reason) changed.
bool store(NodeState& n, const Evaluated& e, TimePoint now, std::uint32_t index, std::vector<StateChange>& out) {
  const bool changed = n.state != e.state;
  if (changed) {
    out.push_back({index, n.state, e.state});
    n.state = e.state;
    n.since = now;
  }
  n.reason = e.reason;
  return changed;
}

void update_flows_and_overall(const Model& m, HealthState& st, std::vector<FlowIndex>& dirty, TimePoint now,
                              Changes& changes) {
  std::sort(dirty.begin(), dirty.end());
  bool overall_dirty = false;
  for (FlowIndex f : dirty) {
    st.queued_flows[f] = 0;
    if (store(st.flows[f], compute_flow(st, m.flows[f], f), now, f, changes.flows)) overall_dirty = true;
  }
  if (overall_dirty || m.flows.empty() || st.overall.reason.kind == ReasonKind::None) {
    std::vector<StateChange> overall;
    store(st.overall, compute_overall(m, st), now, 0, overall);
    if (!overall.empty()) changes.overall = overall.front();
  }
}

}  // namespace

HealthState HealthState::initial(const Model& m, TimePoint now) {
  HealthState st;
  st.signals.resize(m.signals.size());
  for (auto& s : st.signals) s.since = now;
  st.components.resize(m.components.size(), NodeState{Health::Unknown, {}, now});
  st.flows.resize(m.flows.size(), NodeState{Health::Unknown, {}, now});
  st.overall = NodeState{Health::Unknown, {}, now};
  st.queued_components.assign(m.components.size(), 0);
  st.queued_flows.assign(m.flows.size(), 0);
  return st;
}

Changes evaluate_all(const Model& m, HealthState& st, TimePoint now) {
  Changes changes;
  for (ComponentIndex v : m.graph.order()) {
    store(st.components[v], compute_component(m, st, v), now, v, changes.components);
  }
  std::vector<FlowIndex> all(m.flows.size());
  for (FlowIndex f = 0; f < all.size(); ++f) all[f] = f;
  st.overall.reason = {};  // force the overall state to be recomputed
  update_flows_and_overall(m, st, all, now, changes);
  return changes;
}

Changes propagate(const Model& m, HealthState& st, std::span<const ComponentIndex> seeds, TimePoint now) {
  Changes changes;
  // A min-heap on topological rank: every node is recomputed after all of its
  // dependencies that are themselves queued, and at most once.
  using Entry = std::pair<std::uint32_t, ComponentIndex>;  // (rank, component)
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  for (ComponentIndex v : seeds) {
    if (!st.queued_components[v]) {
      st.queued_components[v] = 1;
      heap.emplace(m.graph.rank(v), v);
    }
  }
  std::vector<FlowIndex> dirty_flows;
  while (!heap.empty()) {
    const ComponentIndex v = heap.top().second;
    heap.pop();
    st.queued_components[v] = 0;
    if (!store(st.components[v], compute_component(m, st, v), now, v, changes.components)) continue;
    for (ComponentIndex d : m.graph.dependents(v)) {
      if (!st.queued_components[d]) {
        st.queued_components[d] = 1;
        heap.emplace(m.graph.rank(d), d);
      }
    }
    for (FlowIndex f : m.flows_of_component[v]) {
      if (!st.queued_flows[f]) {
        st.queued_flows[f] = 1;
        dirty_flows.push_back(f);
      }
    }
  }
  if (!dirty_flows.empty() || (m.flows.empty() && !changes.components.empty())) {
    update_flows_and_overall(m, st, dirty_flows, now, changes);
  }
  return changes;
}

Changes set_flow_trend(const Model& m, HealthState& st, FlowIndex f, std::string reason, TimePoint now) {
  Changes changes;
  if (st.flow_trends.size() <= f) {
    if (reason.empty()) return changes;
    st.flow_trends.resize(m.flows.size());
  }
  if (st.flow_trends[f] == reason) return changes;
  st.flow_trends[f] = std::move(reason);
  std::vector<FlowIndex> dirty{f};
  update_flows_and_overall(m, st, dirty, now, changes);
  return changes;
}

Changes apply_result(const Model& m, HealthState& st, SignalIndex signal, const ProbeOutcome& outcome,
                     TimePoint now, Tolerance tolerance) {
  StepResult r = step(st.signals[signal], m.signals[signal], outcome, now, tolerance);
  const Health from = st.signals[signal].state;
  // The first result after no data (start, restart, stale) is not a change (model/flapping.h).
  const bool changed = r.transition == Transition::Changed && st.signals[signal].has_data;
  r.next.flap = record_result(st.signals[signal].flap, changed, m.alerting.flapping);
  st.signals[signal] = std::move(r.next);
  if (r.transition != Transition::Changed) return {};
  const ComponentIndex c = m.signals[signal].component;
  Changes changes = propagate(m, st, std::span<const ComponentIndex>(&c, 1), now);
  changes.signals.insert(changes.signals.begin(), StateChange{signal, from, st.signals[signal].state});
  return changes;
}

Changes expire_stale(const Model& m, HealthState& st, TimePoint now) {
  std::vector<ComponentIndex> seeds;
  std::vector<StateChange> expired;
  for (SignalIndex s = 0; s < m.signals.size(); ++s) {
    if (auto next = expire(st.signals[s], m.signals[s], now)) {
      const Health from = st.signals[s].state;
      st.signals[s] = std::move(*next);
      if (from != Health::Unknown) {
        expired.push_back({s, from, Health::Unknown});
        seeds.push_back(m.signals[s].component);
      }
    }
  }
  Changes changes = propagate(m, st, seeds, now);
  changes.signals = std::move(expired);
  return changes;
}

// ---- root causes ---------------------------------------------------------------------

namespace {

class RootCauseFinder {
 public:
  RootCauseFinder(const Model& m, const HealthState& st) : m_(m), st_(st) {}

  void visit(ComponentIndex v) {
    if (!visited_.insert(v).second) return;
    const Health s = st_.components[v].state;
    if (s == Health::Green) return;
    visited_order.push_back(v);
    bool explained = false;
    const auto deps = m_.graph.dependencies(v);
    const auto edges = m_.graph.dependency_edges(v);
    for (std::uint32_t i = 0; i < deps.size(); ++i) {
      if (!edges[i].member && apply_impact(st_.components[deps[i]].state, edges[i].impact) == s) {
        explained = true;
        visit(deps[i]);
      }
    }
    const Component& c = m_.components[v];
    if (!explained && c.is_group() && !simulated(st_, v)) {
      for (ComponentIndex member : c.members) {
        // An unknown group is explained by its unknown members; a degraded or failed one
        // by every member that is not green.
        const Health ms = st_.components[member].state;
        if (s == Health::Unknown ? ms == Health::Unknown : ms != Health::Green) visit(member);
      }
      explained = true;
    }
    if (explained) return;
    bool blamed = false;
    for (SignalIndex sig = c.first_signal; sig < c.first_signal + c.signal_count; ++sig) {
      if (st_.signals[sig].state == s) {
        out.push_back({v, sig, s});
        blamed = true;
      }
    }
    if (!blamed) out.push_back({v, kNoIndex, s});
  }

  std::vector<RootCause> out;
  std::vector<ComponentIndex> visited_order;  // non-green components visited, in order

 private:
  const Model& m_;
  const HealthState& st_;
  std::unordered_set<ComponentIndex> visited_;
};

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

std::vector<RootCause> root_causes_of_component(const Model& m, const HealthState& st, ComponentIndex c) {
  RootCauseFinder finder(m, st);
  finder.visit(c);
  return std::move(finder.out);
}

std::vector<ComponentIndex> explanation_of_component(const Model& m, const HealthState& st, ComponentIndex c) {
  RootCauseFinder finder(m, st);
  finder.visit(c);
  return std::move(finder.visited_order);
}

std::vector<RootCause> root_causes_of_flow(const Model& m, const HealthState& st, FlowIndex f) {
  RootCauseFinder finder(m, st);
  const Health s = st.flows[f].state;
  if (s == Health::Green) return {};
  for (const FlowStep& step : m.flows[f].steps) {
    if (apply_impact(st.components[step.component].state, step.impact) == s) finder.visit(step.component);
  }
  return std::move(finder.out);
}

std::vector<RootCause> root_causes_overall(const Model& m, const HealthState& st) {
  RootCauseFinder finder(m, st);
  const Health s = st.overall.state;
  if (s == Health::Green) return {};
  if (m.flows.empty()) {
    for (ComponentIndex c = 0; c < m.components.size(); ++c) {
      if (st.components[c].state == s) finder.visit(c);
    }
    return std::move(finder.out);
  }
  const bool any_high = any_high_flow(m);
  for (FlowIndex f = 0; f < m.flows.size(); ++f) {
    if (!counts_for_overall(any_high, m.flows[f]) || st.flows[f].state != s) continue;
    for (const FlowStep& step : m.flows[f].steps) {
      if (apply_impact(st.components[step.component].state, step.impact) == s) finder.visit(step.component);
    }
  }
  return std::move(finder.out);
}

// ---- reasons -------------------------------------------------------------------------

std::string describe_component(const Model& m, const HealthState& st, ComponentIndex v) {
  const Component& c = m.components[v];
  const NodeState& n = st.components[v];
  switch (n.reason.kind) {
    case ReasonKind::None:
      return "not evaluated yet";
    case ReasonKind::NoSignals:
      return n.state == Health::Unknown ? "no signals, members or dependencies" : "no signals; dependencies green";
    case ReasonKind::Signals:
      return c.signal_count == 1 ? "signal green" : "all " + std::to_string(c.signal_count) + " signals green";
    case ReasonKind::Signal: {
      const SignalIndex s = n.reason.ref;
      std::string out = "signal " + quote(m.signals[s].id) + " is " + std::string(to_string(st.signals[s].state));
      const std::string detail = describe(st.signals[s], m.signals[s]);
      if (!detail.empty()) out += ": " + detail;
      return out;
    }
    case ReasonKind::Dependency: {
      const auto i = n.reason.ref;
      const ComponentIndex d = m.graph.dependencies(v)[i];
      return "depends on " + quote(m.components[d].id) + " (" +
             std::string(to_string(m.graph.dependency_edges(v)[i].impact)) + "), which is " +
             std::string(to_string(st.components[d].state));
    }
    case ReasonKind::Group: {
      const GroupCounts g = count_group(c, st);
      std::string out = std::to_string(g.green) + " of " + std::to_string(g.members) + " members green";
      if (g.red > 0) out += ", " + std::to_string(g.red) + " red";
      if (g.unknown > 0) out += ", " + std::to_string(g.unknown) + " unknown";
      out += " (healthy_min " + std::to_string(g.healthy_min) + ", available_min " + std::to_string(g.available_min) +
             ")";
      if (n.state == Health::Unknown) out += ": unknown members leave it undecided";
      return out;
    }
    case ReasonKind::Simulated:
      return "simulated " + std::string(to_string(n.state));
    default:
      return {};
  }
}

std::string describe_flow(const Model& m, const HealthState& st, FlowIndex f) {
  const NodeState& n = st.flows[f];
  switch (n.reason.kind) {
    case ReasonKind::Steps:
      return "all steps green";
    case ReasonKind::Step: {
      const FlowStep& step = m.flows[f].steps[n.reason.ref];
      std::string out = "step " + quote(m.components[step.component].id);
      if (step.impact != Impact::Critical) out += " (" + std::string(to_string(step.impact)) + ")";
      return out + " is " + std::string(to_string(st.components[step.component].state));
    }
    case ReasonKind::Trend:
      return f < st.flow_trends.size() ? st.flow_trends[f] : "trending";
    default:
      return "not evaluated yet";
  }
}

std::string describe_overall(const Model& m, const HealthState& st) {
  switch (st.overall.reason.kind) {
    case ReasonKind::Flows:
      return any_high_flow(m) ? "all high-criticality flows green" : "all flows green";
    case ReasonKind::Components:
      return "no flows defined; all components green";
    case ReasonKind::Component:
      return "no flows defined; component \"" + m.components[st.overall.reason.ref].id + "\" is " +
             std::string(to_string(st.components[st.overall.reason.ref].state));
    case ReasonKind::Flow:
      return "flow " + quote(m.flows[st.overall.reason.ref].id) + " is " +
             std::string(to_string(st.flows[st.overall.reason.ref].state));
    default:
      return "not evaluated yet";
  }
}

std::string describe_root_cause(const Model& m, const HealthState& st, const RootCause& rc) {
  std::string out = m.components[rc.component].id;
  if (rc.signal == kNoIndex) return out + ": " + describe_component(m, st, rc.component);
  out += "/" + m.signals[rc.signal].id;
  const std::string detail = describe(st.signals[rc.signal], m.signals[rc.signal]);
  return detail.empty() ? out : out + ": " + detail;
}

}  // namespace greenlight::model
