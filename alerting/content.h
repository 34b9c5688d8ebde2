#pragma once

// What a notification says (SPEC 2, "Actionable"), rendered once when it is decided and
// stored as is, so that a retry or a repeat after a crash sends the same bytes with the
// same id. Receivers format the stored record at send time; secrets (a PagerDuty routing
// key, a Slack URL) are added only then and never stored. Pure.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "alerting/alerts.h"

namespace greenlight::alerting {

// The alert as receivers see it: name, severity, state, summary, description, root causes
// with their signal messages, affected flows, runbook, owner, dashboard URL, starts_at /
// ends_at, labels, and dedup_key (stable for one incident of one alert).
nlohmann::json alert_record(const model::Model& m, const model::HealthState& st, const Alert& a, const Notice& n);

// A notification's id: the same alert, incident, reason, severity and receiver always give
// the same id (the webhook-id and idempotency key), so a repeat is recognisable.
std::string notification_id(const nlohmann::json& record, NotifyReason reason, const std::string& receiver);

// The greenlight webhook payload (docs/webhook.md).
nlohmann::json webhook_payload(const nlohmann::json& record, NotifyReason reason, const std::string& id,
                               const std::string& receiver);
// A route with group_by sends the notifications of one group that are due together as one
// webhook request (docs/webhook.md, "Grouped notifications"): the single payloads above
// without version and receiver, under "notifications", and an id derived from theirs.
struct GroupItem {
  const nlohmann::json& record;
  NotifyReason reason;
  const std::string& id;
};
nlohmann::json webhook_group_payload(const std::vector<GroupItem>& batch, const std::string& receiver,
                                     const std::string& group_key);
// Alertmanager POST /api/v2/alerts body: a list with one postable alert (two for a severity
// change: the old severity's alert is closed at the change, since severity is a label);
// for a batch, all of its notifications' alerts in one list.
nlohmann::json alertmanager_payload(const nlohmann::json& record, NotifyReason reason);
nlohmann::json alertmanager_payload(const std::vector<GroupItem>& batch);
// PagerDuty Events API v2: trigger (or resolve) with dedup_key; the routing key is added here.
nlohmann::json pagerduty_payload(const nlohmann::json& record, NotifyReason reason, const std::string& routing_key);
// Slack incoming webhook: a readable summary with the root cause and the runbook; for a
// batch, one message with a paragraph per notification.
nlohmann::json slack_payload(const nlohmann::json& record, NotifyReason reason);
nlohmann::json slack_payload(const std::vector<GroupItem>& batch);

}  // namespace greenlight::alerting
