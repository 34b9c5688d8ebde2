#include "whatif/explain.h"

#include <set>

#include "dashboards/render.h"
#include "model/flapping.h"

namespace greenlight::whatif {

using namespace model;
using nlohmann::json;

namespace {

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

class Explainer {
 public:
  explicit Explainer(const engine::Snapshot& snap) : snap_(snap), m_(*snap.model), st_(snap.state) {}

  json flow(FlowIndex f) {
    const Flow& flow = m_.flows[f];
    const NodeState& n = st_.flows[f];
    json steps = json::array();
    for (const FlowStep& step : flow.steps) steps.push_back(edge(step.component, step.impact, n.state));
    return {{"kind", "flow"},
            {"id", flow.id},
            {"name", flow.name},
            {"criticality", to_string(flow.criticality)},
            {"state", to_string(n.state)},
            {"since", format_rfc3339(n.since)},
            {"reason", describe_flow(m_, st_, f)},
            {"alert_after", flow.alert_after ? json(format_duration(*flow.alert_after)) : json(nullptr)},
            {"alert", alert("flow/" + flow.id)},
            {"steps", std::move(steps)},
            {"root_causes", dashboards::root_causes_json(m_, st_, root_causes_of_flow(m_, st_, f))}};
  }

  json component(ComponentIndex c) {
    expanded_.insert(c);
    const Component& comp = m_.components[c];
    const NodeState& n = st_.components[c];
    json j{{"kind", "component"},
           {"id", comp.id},
           {"name", comp.name},
           {"type", comp.is_group() ? "group" : "component"},
           {"state", to_string(n.state)},
           {"since", format_rfc3339(n.since)},
           {"reason", describe_component(m_, st_, c)},
           {"alert", comp.alert ? alert("component/" + comp.id) : json(nullptr)}};
    json signals = json::array();
    for (SignalIndex s = comp.first_signal; s < comp.first_signal + comp.signal_count; ++s) {
      signals.push_back(signal(s, n));
    }
    j["signals"] = std::move(signals);
    if (comp.is_group()) j["group"] = group(comp, n.state);
    json deps = json::array();
    const auto targets = m_.graph.dependencies(c);
    const auto edges = m_.graph.dependency_edges(c);
    for (std::size_t i = 0; i < targets.size(); ++i) {
      if (!edges[i].member) deps.push_back(edge(targets[i], edges[i].impact, n.state));
    }
    j["dependencies"] = std::move(deps);
    j["root_causes"] = n.state == Health::Green
                           ? json::array()
                           : dashboards::root_causes_json(m_, st_, root_causes_of_component(m_, st_, c));
    return j;
  }

 private:
  // A dependency or step: what it contributes, and its own tree when it decides.
  json edge(ComponentIndex target, Impact impact, Health parent) {
    const Health h = st_.components[target].state;
    const Health contributes = apply_impact(h, impact);
    const bool decides = parent != Health::Green && contributes == parent;
    json j{{"component", m_.components[target].id},
           {"impact", to_string(impact)},
           {"state", to_string(h)},
           {"contributes", to_string(contributes)},
           {"decides", decides}};
    j["explain"] = decides ? expand(target) : json(nullptr);
    return j;
  }

  json expand(ComponentIndex c) {
    if (expanded_.count(c) || expanded_.size() >= kMaxExpanded) return nullptr;
    return component(c);
  }

  json signal(SignalIndex s, const NodeState& owner) const {
    const Signal& sig = m_.signals[s];
    const SignalState& ss = st_.signals[s];
    json streak = nullptr;
    if (ss.streak > 0) {
      streak = {{"runs", ss.streak},
                {"of", ss.streak_worse ? sig.failures : sig.successes},
                {"toward", to_string(ss.streak_bound)}};
    }
    return {{"id", sig.id},
            {"probe", to_string(sig.kind)},
            {"state", to_string(ss.state)},
            {"since", format_rfc3339(ss.since)},
            {"decides", owner.reason.kind == ReasonKind::Signal && owner.reason.ref == s},
            {"value", optional_number(ss.value)},
            {"last_run", ss.last_result == TimePoint{} ? json(nullptr) : json(to_string(ss.last_run))},
            {"last_result", ss.last_result == TimePoint{} ? json(nullptr) : json(format_rfc3339(ss.last_result))},
            {"message", describe(ss, sig)},
            {"thresholds",
             {{"yellow_above", optional_number(sig.thresholds.yellow_above)},
              {"red_above", optional_number(sig.thresholds.red_above)},
              {"yellow_below", optional_number(sig.thresholds.yellow_below)},
              {"red_below", optional_number(sig.thresholds.red_below)}}},
            {"interval", format_duration(sig.interval)},
            {"failures", sig.failures},
            {"successes", sig.successes},
            {"streak", std::move(streak)},
            {"flapping", ss.flap.flapping},
            {"flapping_percent", flapping_percent(ss.flap.changes)}};
  }

  json group(const Component& comp, Health state) {
    const GroupCounts g = count_group(comp, st_);
    json members = json::array();
    for (ComponentIndex member : comp.members) {
      const Health h = st_.components[member].state;
      // A degraded or failed group is explained by its members that are not green.
      const bool decides = state != Health::Green && h != Health::Green;
      members.push_back({{"component", m_.components[member].id},
                         {"state", to_string(h)},
                         {"decides", decides},
                         {"explain", decides ? expand(member) : json(nullptr)}});
    }
    return {{"members", std::move(members)},       {"green", g.green},
            {"red", g.red},                         {"unknown", g.unknown},
            {"yellow", g.members - g.green - g.red - g.unknown},
            {"healthy_min", g.healthy_min},         {"available_min", g.available_min},
            {"rule", to_string(group_state(g))}};
  }

  json alert(const std::string& id) const {
    for (const alerting::Alert& a : snap_.alerts) {
      if (a.id != id) continue;
      const auto told = snap_.told.find(id);
      json j = dashboards::alert_json(a, told == snap_.told.end() ? std::vector<std::string>{} : told->second);
      j.erase("labels");
      return j;
    }
    return nullptr;
  }

  const engine::Snapshot& snap_;
  const Model& m_;
  const HealthState& st_;
  std::set<ComponentIndex> expanded_;
};

}  // namespace

json explain_flow(const engine::Snapshot& snap, FlowIndex f) { return Explainer(snap).flow(f); }

json explain_component(const engine::Snapshot& snap, ComponentIndex c) { return Explainer(snap).component(c); }

}  // namespace greenlight::whatif
