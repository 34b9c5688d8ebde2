#pragma once

// What-if (SPEC 6.3): what the model would say if some components or signals were in
// given states while everything else kept the state it has. Pure, and on a copy: the
// engine's state, alerts and dispatcher are never touched; nothing is sent, stored or
// counted. POST /api/v1/simulate runs it on the daemon's snapshot, `greenlight simulate`
// on a model where everything is green, `greenlight fma` once per component.
//
// Semantics, the engine's own (so a simulation equals the live engine fed the same states,
// tests/whatif/simulate_test.cpp):
//   - a signal override ("pricing/health": "yellow") is a result that settles the signal
//     in that state, as failures/successes allow once enough runs agree;
//   - a component override ("database": "red") sets the component's own state: each of its
//     signals is put in that state; a redundancy group's rule over its members (or a
//     component without signals) is replaced by it. Its dependencies still apply on top,
//     as in the engine (a component is never greener than a critical dependency);
//   - states propagate as always; root causes name the overridden signals ("simulated
//     red") or components;
//   - notifications are what would go out once the states held long enough: alert_after,
//     group_wait, group_interval and hold-down are let pass, silences active now stay
//     active, and receivers told of a firing get its resolve. Reminders are not listed.
// Worked example (examples/shop.toml, all green): {"components": {"database": "red"}}
// turns the database, pricing, the catalog instances, the catalog group, the cart,
// payments and profile red, the three high flows red, overall red; notifications: one per
// alert routed to "oncall" (flow/browse critical, ..., component/database critical).

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "alerting/alerts.h"
#include "engine/snapshot.h"
#include "model/model.h"
#include "model/propagate.h"

namespace greenlight::whatif {

// The states to pretend, by id as the user wrote them, in the order given.
struct Overrides {
  std::vector<std::pair<std::string, model::Health>> components;  // "database"
  std::vector<std::pair<std::string, model::Health>> signals;     // "pricing/health"
  bool empty() const { return components.empty() && signals.empty(); }
};

// {"components": {"database": "red"}, "signals": {"pricing/health": "yellow"}} -> `out`.
// Returns "" or what is wrong (a bad state names the id and the value).
std::string parse_overrides(const nlohmann::json& body, Overrides& out);
// One `--set ID=STATE` of the command line (an ID with a '/' is a signal).
std::string parse_assignment(std::string_view text, Overrides& out);

// Overrides checked against a model: indexes instead of ids.
struct Resolved {
  std::vector<std::pair<model::ComponentIndex, model::Health>> components;
  std::vector<std::pair<model::SignalIndex, model::Health>> signals;
};
// "" or `no component "x"` / `no signal "x/y"` (the first unknown id).
std::string resolve(const model::Model& m, const Overrides& o, Resolved& out);

// Applies the overrides to `st` at `now` and propagates (components first, then signals,
// so a signal named on its own wins over its component's override). Returns what changed.
model::Changes apply(const model::Model& m, model::HealthState& st, const Resolved& r, model::TimePoint now);

// Every signal green (one good result at `now`), evaluated: the world `greenlight simulate`
// and `greenlight fma` start from. Components without signals, members or dependencies
// stay unknown, as in the engine.
model::HealthState all_green(const model::Model& m, model::TimePoint now);
// A snapshot of `m` in that state, with no alert fired.
engine::Snapshot green_snapshot(std::shared_ptr<const model::Model> m, model::TimePoint now);

struct Changed {
  std::uint32_t index = 0;  // FlowIndex or ComponentIndex
  model::Health was = model::Health::Unknown;
  model::Health state = model::Health::Unknown;
};

struct WouldSend {
  std::string receiver;
  std::string alert;  // "flow/checkout"
  model::Severity severity = model::Severity::None;
  alerting::NotifyReason reason = alerting::NotifyReason::Firing;
  friend bool operator==(const WouldSend&, const WouldSend&) = default;
  friend auto operator<=>(const WouldSend&, const WouldSend&) = default;
};

struct Simulation {
  model::HealthState state;  // after the overrides
  model::Health overall_was = model::Health::Unknown;
  std::vector<Changed> flows;       // whose state would change, in model order
  std::vector<Changed> components;  // likewise
  std::vector<WouldSend> notifications;  // in the order they would be decided
  // Alerts that would fire but page nobody, with why: "silenced", "suppressed" (its
  // dependency's own alert pages), "no route".
  std::vector<std::pair<std::string, std::string>> quiet;
};

// Root causes (model::root_causes_of_component / _of_flow, the same walk) for many
// components of one state, each component's found once: a simulation that turns 1,000
// components red answers with the root causes of each without walking the same cone
// 1,000 times. The same causes as the model's functions; the order may differ.
class RootCauses {
 public:
  RootCauses(const model::Model& m, const model::HealthState& st);
  const std::vector<model::RootCause>& of_component(model::ComponentIndex c);
  std::vector<model::RootCause> of_flow(model::FlowIndex f);

 private:
  const model::Model& m_;
  const model::HealthState& st_;
  std::vector<std::vector<model::RootCause>> memo_;
  std::vector<std::uint8_t> done_;
};

// Runs the overrides on a copy of `snap` (its model, state, alerts and who was told of
// them) with the `silences` in force at `now`.
Simulation simulate(const engine::Snapshot& snap, const std::vector<alerting::Silence>& silences, const Resolved& r,
                    model::TimePoint now);

// The answer of POST /api/v1/simulate and `greenlight simulate --format json`:
// {"simulation": true, "overall": state, "overall_was", "overall_detail",
//  "flows": [{"id", "state", "was", "criticality", "reason", "root_causes"}],
//  "components": [{"id", "state", "was", "reason", "root_causes"}],
//  "notifications": [{"receiver", "alert", "severity", "reason"}], "quiet": [{"alert", "why"}]}
nlohmann::json simulation_json(const model::Model& m, const Simulation& s);
// The text of `greenlight simulate --format text`.
std::string simulation_text(const model::Model& m, const Simulation& s);

}  // namespace greenlight::whatif
