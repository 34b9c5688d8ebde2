#pragma once

// GET /api/v1/explain/flows/{id} and /api/v1/explain/components/{id} (SPEC 6.3): the
// evaluation tree behind a state, read from a snapshot. Pure.
//
// A node is a flow or a component with its state, since and reason, and the alert about
// it (status, severity, suppressed, held down by the recovery hold-down, silenced,
// flapping, receivers told). A component lists each signal (last value, thresholds, the
// last run's own state, the held state, the failures/successes streak, the flapping
// share), a redundancy group its member counts against healthy_min / available_min, and
// every dependency (or a flow every step) with its impact, its state and what it
// contributes after the impact. `decides` marks what sets the node's state; those
// dependencies are explained in turn ("explain": a node), each component once per answer
// and at most kMaxExpanded of them, so a 10,000-component model answers in a bounded size;
// the others carry "explain": null.
// Worked example (examples/shop.toml, database down): flow checkout red, reason `step
// "cart" is red`; step cart decides (critical, red), explained: cart red, dependency
// database decides, explained: database red, signal tcp red ("connection refused", 3 of 3
// failures), the component alert firing, told to oncall.

#include <nlohmann/json.hpp>

#include "engine/snapshot.h"

namespace greenlight::whatif {

inline constexpr std::size_t kMaxExpanded = 64;

nlohmann::json explain_flow(const engine::Snapshot& snap, model::FlowIndex f);
nlohmann::json explain_component(const engine::Snapshot& snap, model::ComponentIndex c);

}  // namespace greenlight::whatif
