#pragma once

// Every JSON body the HTTP API (SPEC 4, docs/api.md) answers with, and what
// `greenlight check --format json` prints: functions of plain values (the model, its
// evaluation state, alerts, action statuses, silences, events, `now`). Pure: no clock, no
// I/O; the daemon's handlers parse the request, call one of these and send the result.
// Thread-safety: none needed (no shared state).
//
// Worked example: GET /api/v1/alerts answers alerts_json(snap.alerts, snap.told), e.g.
//   {"alerts": [{"id": "flow/checkout", "status": "firing", "severity": "critical",
//                "receivers": ["oncall"], ...}]}
// and a request it cannot serve answers error_json(404, "no component \"x\"") =
//   {"error": "no component \"x\"", "status": 404}.

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "alerting/alerts.h"
#include "alerting/healing.h"
#include "engine/effects.h"
#include "engine/snapshot.h"
#include "model/model.h"
#include "model/propagate.h"

namespace greenlight::dashboards {

// ---- evaluation state (render.cpp) ------------------------------------------------------

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
// The members_from groups (SPEC 6.6): [{"group", "file_sd", "members": N, "stale": bool,
// "error": "FILE: why"}]; status_json has it as "inventories" when there is one.
nlohmann::json inventories_json(const model::Model& m);
// GET /api/v1/status: status_json of the snapshot plus "ready" and "evaluated_at".
nlohmann::json status_json(const engine::Snapshot& snap, bool only_not_green);

// ---- alerts, actions, silences (render_alerts.cpp) -------------------------------------

// One active alert; `receivers` are those told it fires.
nlohmann::json alert_json(const alerting::Alert& a, const std::vector<std::string>& receivers);
// GET /api/v1/alerts: {"alerts": [...]}, the active (pending or firing) alerts in the
// order given; `told` maps an alert id to the receivers told it fires.
nlohmann::json alerts_json(const std::vector<alerting::Alert>& alerts,
                           const std::map<std::string, std::vector<std::string>>& told);
// What the healer knows of one action; times never set are null.
nlohmann::json action_status_json(const alerting::ActionStatus& s);
// One configured action (m.actions[i]), its URL redacted (model::redact_url); with
// `status` (nullptr: none known yet), its "status" too.
nlohmann::json action_json(const model::Model& m, std::size_t i, const alerting::ActionStatus* status);
// GET /api/v1/actions: {"actions": [...]} in model order; `statuses` is per m.actions
// (shorter while the healer has not caught up with a reload).
nlohmann::json actions_json(const model::Model& m, const std::vector<alerting::ActionStatus>& statuses);
// One silence, its "status" ("pending", "active", "expired") as of `now` and its
// "source" ("config" for ids "config-...", else "api"). Also the answer to its POST.
nlohmann::json silence_json(const alerting::Silence& s, model::TimePoint now);
// GET /api/v1/silences: {"silences": [...]} in the order given.
nlohmann::json silences_json(const std::vector<alerting::Silence>& silences, model::TimePoint now);
// DELETE /api/v1/silences/{id}: {"id": id, "status": "expired"}.
nlohmann::json silence_expired_json(const std::string& id);

// ---- incidents (render_incidents.cpp) ---------------------------------------------------
// GET /api/v1/incidents: {"incidents": [...]}, the firing alerts grouped by root cause
// (the root-cause components' ids, sorted, joined with ","), most severe first: each with
// its root causes (signal message, runbook, owner), severity, since, the non-green flows
// and components that cause explains (its blast radius), its alerts and who was told.
nlohmann::json incidents_json(const engine::Snapshot& snap);

// ---- events, heartbeats, reloads, errors (render.cpp) ----------------------------------

// {"seq", "time", "type", "message", "detail"} (the events.jsonl line's base too).
nlohmann::json event_json(const engine::Event& e);
// GET /api/v1/events: {"events": [...], "last_seq": last_seq}, events in the order given.
nlohmann::json events_json(const std::vector<engine::Event>& events, std::uint64_t last_seq);
// POST /api/v1/heartbeats/{component}/{signal}: what was recorded, and when.
nlohmann::json heartbeat_json(const std::string& component, const std::string& signal,
                              model::TimePoint received_at);
// ---- heartbeats (render_heartbeats.cpp) -----------------------------------------------

// A ping to /api/v1/heartbeats/{component}/{signal}[/start|/fail|/{exit_code}]: what was
// recorded ("recorded": "success", "start" or "failure"), when, the exit code if given, and
// a failure's message.
nlohmann::json ping_json(const std::string& component, const std::string& signal, probes::PingKind kind,
                         std::optional<int> exit_code, const std::string& message, model::TimePoint received_at);
// {"last_ping", "next_expected" (RFC 3339 or null), "late_by" ("5m", "0s"), "late_by_seconds"}.
nlohmann::json heartbeat_fields(const engine::HeartbeatView& v);
// GET /api/v1/components/{id}: component_json with detail, its heartbeat signals with
// heartbeat_fields added.
nlohmann::json component_json(const engine::Snapshot& snap, model::ComponentIndex c);

// POST /-/reload: {"status": "reloaded"} when `ok`, else the 400 body saying the running
// model is kept, with `errors` (FILE:LINE:COL lines).
nlohmann::json reload_json(bool ok, const std::vector<std::string>& errors);
// Every error answer: {"error": message, "status": status}.
nlohmann::json error_json(int status, const std::string& message);

// ---- objectives (render_slos.cpp, SPEC 6.2) ----
// A flow's objective (target, window), rto, and the rpo of the heartbeats on its steps,
// added to its JSON when it has any.
void add_objectives(nlohmann::json& flow, const model::Model& m, model::FlowIndex f);
// GET /api/v1/slos: every objective with its budget left, burn rate per window and burn
// alerts (firing or not).
nlohmann::json slos_json(const engine::Snapshot& snap);
// GET /api/v1/slos/{flow}/history?hours=N: the last N hours (1-720) of the flow's
// availability, a bar per hour (null where nothing was measured); nothing for a flow
// without an objective.
std::optional<nlohmann::json> slo_history_json(const engine::Snapshot& snap, std::string_view flow, std::size_t hours);

}  // namespace greenlight::dashboards
