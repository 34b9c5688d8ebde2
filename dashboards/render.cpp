#include "dashboards/render.h"

#include <cmath>


namespace greenlight::dashboards {

using namespace model;
using nlohmann::json;

json root_causes_json(const Model& m, const HealthState& st, const std::vector<RootCause>& causes) {
  json out = json::array();
  for (const RootCause& rc : causes) {
    json j{{"component", m.components[rc.component].id},
           {"component_name", m.components[rc.component].name},
           {"state", to_string(rc.state)}};
    if (rc.signal != kNoIndex) {
      j["signal"] = m.signals[rc.signal].id;
      j["message"] = describe(st.signals[rc.signal], m.signals[rc.signal]);
    } else {
      j["message"] = describe_component(m, st, rc.component);
    }
    if (!m.components[rc.component].runbook.empty()) j["runbook"] = m.components[rc.component].runbook;
    if (!m.components[rc.component].owner.empty()) j["owner"] = m.components[rc.component].owner;
    out.push_back(std::move(j));
  }
  return out;
}

namespace {
// The on-call facts a component and a flow share, when set.
void add_ownership(json& j, const std::string& owner, const std::string& runbook, const std::string& description) {
  if (!owner.empty()) j["owner"] = owner;
  if (!runbook.empty()) j["runbook"] = runbook;
  if (!description.empty()) j["description"] = description;
}
}  // namespace

json signal_json(const Model& m, const HealthState& st, SignalIndex s) {
  const Signal& sig = m.signals[s];
  const SignalState& ss = st.signals[s];
  json j{{"id", sig.id},
         {"probe", to_string(sig.kind)},
         {"state", to_string(ss.state)},
         {"since", format_rfc3339(ss.since)},
         {"message", describe(ss, sig)},
         {"interval", format_duration(sig.interval)}};
  if (ss.last_result != TimePoint{}) {
    j["last_result"] = {{"time", format_rfc3339(ss.last_result)},
                        {"ok", ss.last_ok},
                        {"state", to_string(ss.last_run)},
                        {"value", ss.value ? json(*ss.value) : json(nullptr)},
                        {"duration_ms", std::round(ss.last_seconds * 1e5) / 100},
                        {"message", ss.message}};
  } else {
    j["last_result"] = nullptr;
  }
  return j;
}

json component_json(const Model& m, const HealthState& st, ComponentIndex c, bool detail) {
  const Component& comp = m.components[c];
  const NodeState& n = st.components[c];
  json j{{"id", comp.id},
         {"name", comp.name},
         {"type", comp.is_group() ? "group" : "component"},
         {"state", to_string(n.state)},
         {"since", format_rfc3339(n.since)},
         {"reason", describe_component(m, st, c)},
         {"root_causes", n.state == Health::Green ? json::array()
                                                  : root_causes_json(m, st, root_causes_of_component(m, st, c))}};
  add_ownership(j, comp.owner, comp.runbook, comp.description);
  if (detail) {
    json signals = json::array();
    for (SignalIndex s = comp.first_signal; s < comp.first_signal + comp.signal_count; ++s) {
      signals.push_back(signal_json(m, st, s));
    }
    j["signals"] = std::move(signals);
    json deps = json::array();
    const auto targets = m.graph.dependencies(c);
    const auto edges = m.graph.dependency_edges(c);
    for (std::size_t i = 0; i < targets.size(); ++i) {
      deps.push_back({{"component", m.components[targets[i]].id},
                      {"type", edges[i].member ? "member" : "dependency"},
                      {"impact", to_string(edges[i].impact)},
                      {"state", to_string(st.components[targets[i]].state)}});
    }
    j["depends_on"] = std::move(deps);
  }
  return j;
}

json flow_json(const Model& m, const HealthState& st, FlowIndex f, bool detail) {
  const Flow& flow = m.flows[f];
  const NodeState& n = st.flows[f];
  json j{{"id", flow.id},
         {"name", flow.name},
         {"kind", to_string(flow.kind)},
         {"criticality", to_string(flow.criticality)},
         {"state", to_string(n.state)},
         {"since", format_rfc3339(n.since)},
         {"reason", describe_flow(m, st, f)},
         {"root_causes",
          n.state == Health::Green ? json::array() : root_causes_json(m, st, root_causes_of_flow(m, st, f))}};
  add_ownership(j, flow.owner, flow.runbook, flow.description);
  add_objectives(j, m, f);  // render_slos.cpp: objective, rto, rpo (SPEC 6.2)
  if (detail) {
    json steps = json::array();
    for (const FlowStep& step : flow.steps) {
      json s = component_json(m, st, step.component, false);
      s["impact"] = to_string(step.impact);
      steps.push_back(std::move(s));
    }
    j["steps"] = std::move(steps);
  }
  return j;
}

json overall_json(const Model& m, const HealthState& st) {
  return {{"state", to_string(st.overall.state)},
          {"since", format_rfc3339(st.overall.since)},
          {"reason", describe_overall(m, st)},
          {"root_causes", st.overall.state == Health::Green ? json::array()
                                                            : root_causes_json(m, st, root_causes_overall(m, st))}};
}

json status_json(const Model& m, const HealthState& st, bool only_not_green) {
  json flows = json::array(), components = json::array();
  for (FlowIndex f = 0; f < m.flows.size(); ++f) flows.push_back(flow_json(m, st, f, false));
  for (ComponentIndex c = 0; c < m.components.size(); ++c) {
    if (only_not_green && st.components[c].state == Health::Green) continue;
    components.push_back(component_json(m, st, c, false));
  }
  json overall = overall_json(m, st);
  json body = {{"overall", overall["state"]},
               {"overall_detail", std::move(overall)},
               {"flows", std::move(flows)},
               {"components", std::move(components)}};
  if (!m.inventories.empty()) body["inventories"] = inventories_json(m);
  return body;
}

json inventories_json(const Model& m) {
  json list = json::array();
  for (const model::Inventory& inv : m.inventories) {
    list.push_back({{"group", inv.group},
                    {"file_sd", inv.file_sd},
                    {"members", inv.targets.size()},
                    {"stale", inv.stale},
                    {"error", inv.error}});
  }
  return list;
}

json status_json(const engine::Snapshot& snap, bool only_not_green) {
  json body = status_json(*snap.model, snap.state, only_not_green);
  body["ready"] = snap.ready;
  body["evaluated_at"] = format_rfc3339(snap.evaluated_at);
  // SPEC 6.5: which replica and which shard of the flows this is (one shard of one: all).
  const ClusterConfig& c = snap.model->cluster;
  body["cluster"] = {{"replica", c.replica.empty() ? json(nullptr) : json(c.replica)},
                     {"shard", c.shard},
                     {"shards", c.shards}};
  return body;
}

json event_json(const engine::Event& e) {
  return {{"seq", e.seq}, {"time", format_rfc3339(e.at)}, {"type", e.type}, {"message", e.message},
          {"detail", e.detail}};
}

json events_json(const std::vector<engine::Event>& events, std::uint64_t last_seq) {
  json list = json::array();
  for (const engine::Event& e : events) list.push_back(event_json(e));
  return {{"events", std::move(list)}, {"last_seq", last_seq}};
}

json heartbeat_json(const std::string& component, const std::string& signal, TimePoint received_at) {
  return {{"component", component}, {"signal", signal}, {"received_at", format_rfc3339(received_at)}};
}

json reload_json(bool ok, const std::vector<std::string>& errors) {
  if (ok) return {{"status", "reloaded"}};
  return {{"error", "the configuration is invalid; the running model is kept"}, {"status", 400}, {"errors", errors}};
}

json error_json(int status, const std::string& message) { return {{"error", message}, {"status", status}}; }

}  // namespace greenlight::dashboards
