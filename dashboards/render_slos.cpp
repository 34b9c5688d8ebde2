// Objectives as the API shows them (SPEC 6.2): GET /api/v1/slos, each flow's availability
// history, and the objective fields of a flow.

#include <set>

#include "dashboards/render.h"
#include "model/slo_history.h"

namespace greenlight::dashboards {

using namespace model;
using nlohmann::json;

namespace {

std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g%%", fraction * 100);
  return buf;
}

json burn_alert_json(const engine::SloView::Alert& a) {
  return {{"severity", to_string(a.spec.severity)},
          {"factor", a.spec.factor},
          {"long", window_name(a.spec.long_window)},
          {"short", window_name(a.spec.short_window)},
          {"long_burn_rate", a.long_rate},
          {"short_burn_rate", a.short_rate},
          {"firing", a.firing}};
}

}  // namespace

void add_objectives(json& j, const Model& m, FlowIndex f) {
  const Flow& flow = m.flows[f];
  if (flow.objective) {
    j["objective"] = {{"target", flow.objective->target},
                      {"target_text", percent(flow.objective->target)},
                      {"window", window_name(flow.objective->window)}};
  }
  if (flow.rto) j["rto"] = format_duration(*flow.rto);
  json rpo = json::array();
  std::set<ComponentIndex> seen;
  for (const FlowStep& step : flow.steps) {
    if (!seen.insert(step.component).second) continue;
    const Component& c = m.components[step.component];
    for (SignalIndex s = c.first_signal; s < c.first_signal + c.signal_count; ++s) {
      if (m.signals[s].rpo) rpo.push_back({{"signal", m.signal_key(s)}, {"rpo", format_duration(*m.signals[s].rpo)}});
    }
  }
  if (!rpo.empty()) j["rpo"] = std::move(rpo);
}

json slos_json(const engine::Snapshot& snap) {
  const Model& m = *snap.model;
  json list = json::array();
  for (const engine::SloView& v : snap.slos.objectives) {
    const Flow& flow = m.flows[v.flow];
    json rates = json::object();
    for (const auto& [w, rate] : v.burn_rates) rates[window_name(w)] = rate;
    json alerts = json::array();
    json firing = json::array();
    std::set<std::string> firing_ids;
    for (const engine::SloView::Alert& a : v.alerts) {
      alerts.push_back(burn_alert_json(a));
      const std::string id = "slo/" + flow.id + "/" + std::string(to_string(a.spec.severity));
      if (a.firing && firing_ids.insert(id).second) firing.push_back(id);
    }
    json j{{"flow", flow.id},
           {"name", flow.name},
           {"state", to_string(snap.state.flows[v.flow].state)},
           {"target", v.target},
           {"target_text", percent(v.target)},
           {"window", window_name(v.window)},
           {"error_budget_remaining", v.budget_remaining},
           {"burn_rates", std::move(rates)},
           {"burn_alerts", std::move(alerts)},
           {"firing", std::move(firing)}};
    if (flow.rto) j["rto"] = format_duration(*flow.rto);
    list.push_back(std::move(j));
  }
  return {{"slos", std::move(list)}, {"evaluated_at", format_rfc3339(snap.evaluated_at)}};
}

std::optional<json> slo_history_json(const engine::Snapshot& snap, std::string_view flow, std::size_t hours) {
  const Model& m = *snap.model;
  const auto& views = snap.slos.objectives;
  std::size_t i = 0;
  while (i < views.size() && m.flows[views[i].flow].id != flow) ++i;
  if (i == views.size() || !snap.slos.bars || i >= snap.slos.bars->per_objective.size()) return std::nullopt;
  const engine::SloBars& bars = *snap.slos.bars;
  const auto& all = bars.per_objective[i];
  const std::size_t n = std::min(hours, all.size());
  const std::int64_t width = bars.width.count();
  const std::int64_t last_start = to_epoch_ms(bars.at) / width * width;
  json list = json::array();
  for (std::size_t k = all.size() - n; k < all.size(); ++k) {
    const bool now = k + 1 == all.size() && i < snap.slos.current.size();
    const auto& b = now ? snap.slos.current[i] : all[k];
    const std::int64_t start = last_start - static_cast<std::int64_t>(all.size() - 1 - k) * width;
    list.push_back({{"start", format_rfc3339(from_epoch_ms(start))},
                    {"availability", b.measured > 0 ? json(1.0 - double(b.bad) / double(b.measured)) : json(nullptr)},
                    {"measured_seconds", double(b.measured) / 1000.0},
                    {"bad_seconds", double(b.bad) / 1000.0}});
  }
  return json{{"flow", std::string(flow)},
              {"target", views[i].target},
              {"bar_width", window_name(bars.width)},
              {"taken_at", format_rfc3339(snap.evaluated_at)},
              {"bars", std::move(list)}};
}

}  // namespace greenlight::dashboards
