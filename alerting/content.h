#pragma once

// What a notification says (SPEC 2, "Actionable"), rendered once when it is decided and
// stored as is, so that a retry or a repeat after a crash sends the same bytes with the
// same id. Receivers format the stored record at send time; secrets (a PagerDuty routing
// key, a Slack URL) are added only then and never stored. Pure.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "alerting/alerts.h"
#include "alerting/healing.h"

namespace greenlight::alerting {

// The alert as receivers see it: name, severity, state, summary, description, root causes
// with their signal messages, affected flows, runbook, owner, dashboard URL, starts_at /
// ends_at, labels, and dedup_key: "greenlight/" + the alert's id, derived from the model
// only (SPEC 6.5: identical on every replica, never a time), the same for every incident
// of the alert. With [cluster] replica set, annotations {"replica": NAME}: the only field
// that differs between replicas.
nlohmann::json alert_record(const model::Model& m, const model::HealthState& st, const Alert& a, const Notice& n);

// A notification's id: the same alert, incident, reason, severity and receiver always give
// the same id (the webhook-id and idempotency key), so a repeat is recognisable.
std::string notification_id(const nlohmann::json& record, NotifyReason reason, const std::string& receiver);

// The greenlight webhook payload (docs/webhook.md).
nlohmann::json webhook_payload(const nlohmann::json& record, NotifyReason reason, const std::string& id,
                               const std::string& receiver);
// A group of alerts for one receiver as it stands when one of its notifications goes out
// (SPEC 6.1: one incident per root cause).
struct Incident {
  std::string group_key;              // receiver, route and group label values (routing.h)
  model::Labels labels;               // the group's group_by label values ({} if unknown)
  std::vector<const Alert*> firing;   // the group's alerts the receiver is told fire
  Severity severity = Severity::None;  // of the notifications going out (for a resolve)
  // The healer's status per model action (Healer::status()), or nullptr: the self-healing
  // runs on the incident's root causes and affected flows since it began are reported.
  const std::vector<ActionStatus>* actions = nullptr;
};
// The group as receivers see it: status ("firing" while any alert of it fires, else
// "resolved"), severity (the highest of its firing alerts), labels, root_causes (the
// components named by its root_cause label, else its alerts' root causes, each with its
// signal message, runbook and owner), affected_flows (every flow not green because of
// them: id, name, state, criticality, highest criticality first), alerts (id, name,
// severity, state), since, summary (the text that leads every receiver's message), and
// dedup_key: "greenlight-" and a hash of the group key, so the same for the group's whole
// life (trigger, updates, resolve) and for a repeat, never a time or a replica.
// Worked example (the shop's database outage): summary "Orders database is red: connection
// refused — breaks Browse and search, Add to cart, Check out (high), Update product data
// (medium), Email preferences (low)".
nlohmann::json incident_record(const model::Model& m, const model::HealthState& st, const Incident& in);

// A grouped route sends the notifications of one group that are due together as one
// webhook request (docs/webhook.md, "Grouped notifications"): the single payloads above
// without version and receiver, under "notifications", an id derived from theirs, and the
// group (`incident`, above) if known.
struct GroupItem {
  const nlohmann::json& record;
  NotifyReason reason;
  const std::string& id;
};
nlohmann::json webhook_group_payload(const std::vector<GroupItem>& batch, const std::string& receiver,
                                     const std::string& group_key, const nlohmann::json& incident = nullptr);
// Alertmanager POST /api/v2/alerts body: a list with one postable alert (two for a severity
// change: the old severity's alert is closed at the change, since severity is a label);
// for a batch, all of its notifications' alerts in one list.
nlohmann::json alertmanager_payload(const nlohmann::json& record, NotifyReason reason);
nlohmann::json alertmanager_payload(const std::vector<GroupItem>& batch);
// PagerDuty Events API v2: trigger (or resolve) with dedup_key; the routing key is added here.
// For one alert alone (a route with group_by = ["..."]):
nlohmann::json pagerduty_payload(const nlohmann::json& record, NotifyReason reason, const std::string& routing_key);
// For a group notification: one event for the whole group, keyed by the group's dedup_key;
// "resolve" once nothing in the group fires, "trigger" otherwise (updates re-trigger the
// same PagerDuty incident).
nlohmann::json pagerduty_group_payload(const nlohmann::json& incident, const std::string& routing_key);
// Slack incoming webhook: a readable summary with the root cause and the runbook; for a
// batch, one message with a paragraph per notification; for a group (incident not null),
// one message led by the group's summary, then its runbook, owner and what changed.
nlohmann::json slack_payload(const nlohmann::json& record, NotifyReason reason);
nlohmann::json slack_payload(const std::vector<GroupItem>& batch, const nlohmann::json& incident = nullptr);

}  // namespace greenlight::alerting
