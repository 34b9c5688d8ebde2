#pragma once

// `greenlight grafana FILE`: the Grafana dashboard (dashboards/grafana/greenlight.json)
// made for one model: its own uid and title, and a row per flow with a state timeline of
// the flow and each of its steps. Pure.

#include <nlohmann/json.hpp>
#include <string>

#include "model/model.h"

namespace greenlight::dashboards {

nlohmann::json grafana_for_model(const nlohmann::json& base, const model::Model& m, const std::string& title);

}  // namespace greenlight::dashboards
