#pragma once

// What the engine says about what it decided: log lines and history events, as values
// (engine/effects.h). One log line per state change, `<kind> <name>: <from> -> <to>:
// <reason>`, with the same facts as fields for JSON logs; the history keeps components,
// flows and overall (what the dashboard's timeline shows), not signals. Pure.

#include <string>

#include "alerting/alerts.h"
#include "alerting/healing.h"
#include "engine/effects.h"
#include "model/propagate.h"

namespace greenlight::engine {

void narrate_changes(const model::Model& m, const model::HealthState& st, const model::Changes& changes,
                     model::TimePoint now, Effects& fx);
LogLine reloaded_line(const model::Model& m, std::size_t signals_kept);
LogLine alert_line(const alerting::Alert& a, const alerting::Notice& n);

// A URL action's JSON body: the action, its target and why it runs.
nlohmann::json action_trigger(const model::Model& m, const model::HealthState& st, const alerting::ActionStart& start,
                              std::size_t attempt, model::TimePoint now);
void narrate_action_start(const model::Model& m, const alerting::ActionStart& start, model::TimePoint now,
                          Effects& fx);
void narrate_action_held(const model::Action& a, const std::string& held, model::TimePoint now, Effects& fx);
void narrate_action_verdict(const model::Action& a, const alerting::Verdict& v, model::TimePoint now, Effects& fx);
void narrate_action_end(const ActionDone& r, model::TimePoint now, Effects& fx);

}  // namespace greenlight::engine
