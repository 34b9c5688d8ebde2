#include "dashboards/grafana.h"

#include <algorithm>
#include <cstdio>

namespace greenlight::dashboards {

using nlohmann::json;

namespace {

// A state as a number for Grafana's value mappings: green 0, unknown 1, yellow 2, red 3.
std::string state_expr(const std::string& metric, const std::string& label, const std::string& value) {
  const std::string sel = label + "=\"" + value + "\"";
  return "sum(" + metric + "{state=\"unknown\"," + sel + "}) + 2 * sum(" + metric + "{state=\"yellow\"," + sel +
         "}) + 3 * sum(" + metric + "{state=\"red\"," + sel + "})";
}

}  // namespace

json grafana_for_model(const json& base, const model::Model& m, const std::string& title) {
  json d = base;
  char uid[32];
  std::snprintf(uid, sizeof uid, "greenlight-%08llx",
                static_cast<unsigned long long>(model::stable_hash(title) & 0xffffffffULL));
  d["uid"] = uid;
  d["title"] = "greenlight: " + title;
  d.erase("__inputs");
  json& panels = d["panels"];
  int id = 0, y = 0;
  json mappings = json::array(), thresholds = json::object();
  for (const auto& p : panels) {
    id = std::max(id, p.value("id", 0));
    y = std::max(y, p["gridPos"].value("y", 0) + p["gridPos"].value("h", 0));
    // The state panels' value mappings and colours, reused for the flows below.
    if (p.value("type", "") == "state-timeline" && mappings.empty()) {
      mappings = p["fieldConfig"]["defaults"]["mappings"];
      thresholds = p["fieldConfig"]["defaults"]["thresholds"];
    }
  }
  const json datasource{{"type", "prometheus"}, {"uid", "${datasource}"}};
  panels.push_back({{"id", ++id}, {"type", "row"}, {"title", "Flows, step by step"}, {"collapsed", false},
                    {"gridPos", {{"h", 1}, {"w", 24}, {"x", 0}, {"y", y++}}}, {"panels", json::array()}});
  for (const model::Flow& f : m.flows) {
    json targets = json::array();
    int ref = 0;
    auto target = [&](const std::string& expr, const std::string& legend) {
      targets.push_back({{"datasource", datasource},
                         {"refId", "S" + std::to_string(ref++)},
                         {"expr", expr},
                         {"legendFormat", legend}});
    };
    target(state_expr("greenlight_flow_state", "flow", f.id), "flow " + f.id);
    for (const model::FlowStep& step : f.steps) {
      const std::string& c = m.components[step.component].id;
      target(state_expr("greenlight_component_state", "component", c),
             c + (step.impact == model::Impact::Critical ? "" : " (" + std::string(model::to_string(step.impact)) + ")"));
    }
    const int h = 3 + static_cast<int>(f.steps.size());
    panels.push_back({{"id", ++id},
                      {"type", "state-timeline"},
                      {"title", (f.name.empty() ? f.id : f.name) + " (" + std::string(model::to_string(f.criticality)) + ")"},
                      {"description", f.description.empty() ? "Flow " + f.id + " and its steps." : f.description},
                      {"datasource", datasource},
                      {"gridPos", {{"h", h}, {"w", 24}, {"x", 0}, {"y", y}}},
                      {"targets", targets},
                      {"fieldConfig",
                       {{"defaults", {{"mappings", mappings}, {"thresholds", thresholds}, {"color", {{"mode", "thresholds"}}}}},
                        {"overrides", json::array()}}},
                      {"options",
                       {{"showValue", "never"}, {"mergeValues", true}, {"rowHeight", 0.8}, {"alignValue", "left"},
                        {"legend", {{"showLegend", false}}}}}});
    y += h;
  }
  return d;
}

}  // namespace greenlight::dashboards
