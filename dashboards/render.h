#pragma once

// Model + evaluation state -> JSON, as served by GET /api/v1/status and printed by
// `greenlight check --format json`. Pure.

#include <nlohmann/json.hpp>
#include <string>

#include "model/model.h"
#include "model/propagate.h"

namespace greenlight::dashboards {


nlohmann::json root_causes_json(const model::Model& m, const model::HealthState& st,
                                const std::vector<model::RootCause>& causes);
nlohmann::json signal_json(const model::Model& m, const model::HealthState& st, model::SignalIndex s);
// With `detail`, a component carries its signals' last results, a flow its steps.
nlohmann::json component_json(const model::Model& m, const model::HealthState& st, model::ComponentIndex c,
                              bool detail);
nlohmann::json flow_json(const model::Model& m, const model::HealthState& st, model::FlowIndex f, bool detail);
nlohmann::json overall_json(const model::Model& m, const model::HealthState& st);
// {"overall": ..., "flows": [...], "components": [...]}; with `only_not_green`, the
// components that are green are left out (the dashboard's poll on a large model).
nlohmann::json status_json(const model::Model& m, const model::HealthState& st, bool only_not_green = false);

}  // namespace greenlight::dashboards
