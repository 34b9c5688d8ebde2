#pragma once

// The model as a graph for `greenlight graph` and GET /api/v1/graph: components (and
// redundancy groups) and flows as nodes; dependencies, group members and flow steps as
// edges with their impacts. States are included when a HealthState is given.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "model/model.h"
#include "model/propagate.h"

namespace greenlight::model {

enum class GraphFormat { Dot, Json, Mermaid };
std::optional<GraphFormat> parse_graph_format(std::string_view s);

// `st` may be null: the graph of the model alone (DOT then draws no state colours).
std::string export_graph(const Model& m, const HealthState* st, GraphFormat format);
nlohmann::json graph_json(const Model& m, const HealthState* st);

}  // namespace greenlight::model
