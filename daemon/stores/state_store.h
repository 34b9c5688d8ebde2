#pragma once

// The evaluation state across restarts: saved to state_dir/state.json when the daemon
// stops, restored when it starts. A restart then does not turn every signal unknown:
// signals whose last result is still fresh (within stale_after) keep their state, their
// pending failure counts and their `since`; components and flows whose re-evaluated
// state equals the saved one keep their `since` too ("red since 03:12" survives).

#include <nlohmann/json_fwd.hpp>
#include <string>

#include "model/propagate.h"

namespace greenlight::daemon {

nlohmann::json state_to_json(const model::Model& m, const model::HealthState& st, model::TimePoint now);
// Restores into `st` (fresh from HealthState::initial) and re-evaluates; returns how many
// signals were restored. Unknown keys, stale results and damaged entries are skipped.
std::size_t restore_from_json(const nlohmann::json& saved, const model::Model& m, model::HealthState& st,
                              model::TimePoint now);

// File edges: "" or an error.
std::string save_state(const std::string& state_dir, const model::Model& m, const model::HealthState& st,
                       model::TimePoint now);
std::size_t restore_state(const std::string& state_dir, const model::Model& m, model::HealthState& st,
                          model::TimePoint now);

}  // namespace greenlight::daemon
