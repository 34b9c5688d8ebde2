// GET /api/v1/incidents (SPEC 6.1): the firing alerts grouped by their root cause, each
// with its blast radius. Pure.

#include <algorithm>
#include <set>

#include "alerting/alerts.h"

#include "dashboards/render.h"

namespace greenlight::dashboards {

using namespace model;
using nlohmann::json;

namespace {

std::vector<RootCause> causes_of(const Model& m, const HealthState& st, const alerting::Alert& a) {
  switch (a.kind) {
    case alerting::SubjectKind::Flow:
      return root_causes_of_flow(m, st, a.index);
    case alerting::SubjectKind::Component:
      return root_causes_of_component(m, st, a.index);
    case alerting::SubjectKind::Objective:
      return root_causes_of_flow(m, st, m.slo_alerts[a.index].flow);
    case alerting::SubjectKind::Action: {
      const Action& act = m.actions[a.index];
      return act.flow != kNoIndex ? root_causes_of_flow(m, st, act.flow)
                                  : root_causes_of_component(m, st, act.component);
    }
  }
  return {};
}

struct Incident {
  std::vector<RootCause> causes;
  std::vector<const alerting::Alert*> alerts;
};

// What the root cause breaks: the non-green flows and components it explains.
json blast_radius(const Model& m, const HealthState& st, const std::string& key, json& components) {
  json flows = json::array();
  for (FlowIndex f = 0; f < m.flows.size(); ++f) {
    if (st.flows[f].state == Health::Green) continue;
    if (alerting::root_cause_key(m, root_causes_of_flow(m, st, f)) != key) continue;
    flows.push_back({{"id", m.flows[f].id},
                     {"name", m.flows[f].name.empty() ? m.flows[f].id : m.flows[f].name},
                     {"state", to_string(st.flows[f].state)},
                     {"criticality", to_string(m.flows[f].criticality)}});
  }
  for (ComponentIndex c = 0; c < m.components.size(); ++c) {
    if (st.components[c].state == Health::Green) continue;
    if (alerting::root_cause_key(m, root_causes_of_component(m, st, c)) != key) continue;
    components.push_back({{"id", m.components[c].id}, {"state", to_string(st.components[c].state)}});
  }
  return flows;
}

}  // namespace

json incidents_json(const engine::Snapshot& snap) {
  const Model& m = *snap.model;
  const HealthState& st = snap.state;
  std::map<std::string, Incident> by_key;
  for (const alerting::Alert& a : snap.alerts) {
    if (a.status != alerting::AlertStatus::Firing || a.severity == Severity::None) continue;
    auto causes = causes_of(m, st, a);
    const std::string key = alerting::root_cause_key(m, causes);
    if (key.empty()) continue;  // nothing to blame (unknown, no signals)
    Incident& inc = by_key[key];
    if (inc.causes.empty()) inc.causes = std::move(causes);
    inc.alerts.push_back(&a);
  }
  json out = json::array();
  for (const auto& [key, inc] : by_key) {
    Severity severity = Severity::None;
    TimePoint since = TimePoint::max();
    std::set<std::string> told;
    json alert_ids = json::array();
    for (const alerting::Alert* a : inc.alerts) {
      severity = std::max(severity, a->severity);
      since = std::min(since, a->starts_at);
      alert_ids.push_back(a->id);
      if (const auto t = snap.told.find(a->id); t != snap.told.end()) told.insert(t->second.begin(), t->second.end());
    }
    json components = json::array();
    json flows = blast_radius(m, st, key, components);
    out.push_back({{"root_cause", key},
                   {"root_causes", root_causes_json(m, st, inc.causes)},
                   {"severity", to_string(severity)},
                   {"since", format_rfc3339(since)},
                   {"flows", std::move(flows)},
                   {"components", std::move(components)},
                   {"alerts", std::move(alert_ids)},
                   {"told", std::vector<std::string>(told.begin(), told.end())}});
  }
  // The most severe first, then the oldest.
  std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) {
    const auto sa = parse_severity(a["severity"].get<std::string>()).value_or(Severity::None);
    const auto sb = parse_severity(b["severity"].get<std::string>()).value_or(Severity::None);
    return sa != sb ? sa > sb : a["since"].get<std::string>() < b["since"].get<std::string>();
  });
  return {{"incidents", std::move(out)}};
}

}  // namespace greenlight::dashboards
