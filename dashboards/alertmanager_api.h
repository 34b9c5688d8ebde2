#pragma once

// The Alertmanager-compatible API (SPEC 6.6): greenlight's alerts and silences in
// Alertmanager 0.25's v2 shapes (api/v2/openapi.yaml), so that amtool, Grafana's
// Alertmanager data source and Karma read them and add and expire silences. Pure: plain
// values in, JSON out; daemon/runtime/http_alertmanager.cpp serves them.
//
// An alert here is what greenlight sends an `alertmanager` receiver (alerting/content.h):
// labels with `alertname` (GreenlightFlowUnhealthy, ...) and without `state`, which is an
// annotation with the summary, description, runbook_url, dashboard_url and root_cause.
// Only firing alerts are listed (Alertmanager never sees pending ones). Status:
//   - `suppressed` with `silencedBy` = the ids of the active silences that match it;
//   - `suppressed` with `inhibitedBy` = the fingerprints of its root causes' own firing
//     alerts, when greenlight suppresses it as a symptom (SPEC 2, dependency-aware) or holds
//     it down after a recovery;
//   - `active` otherwise.
// Worked example: the shop's database outage lists
//   {"labels": {"alertname": "GreenlightComponentUnhealthy", "component": "database",
//               "severity": "critical", "root_cause": "database", ...},
//    "status": {"state": "active", "silencedBy": [], "inhibitedBy": []}, ...}
// and the payments alert it explains as "suppressed", inhibitedBy that one's fingerprint.
//
// Errors are what Alertmanager answers and amtool prints: a JSON string body
// ("invalid silence: invalid label matcher 0: ...") with status 400.

#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "alerting/alerts.h"
#include "engine/snapshot.h"

namespace greenlight::dashboards {

// One matcher in Prometheus' text form, as amtool sends a `filter`: `name=value`,
// `name!="value"`, `name=~"re.*"`, `name!~re` (quotes optional, \" \\ \n escapes).
// nullopt and `error` ("bad matcher format: ...") when it is not one.
std::optional<alerting::LabelMatcher> parse_matcher(const std::string& text, std::string& error);

// GET /api/v2/alerts?active=&silenced=&inhibited=&unprocessed=&filter=...&receiver=
struct AmAlertQuery {
  bool active = true, silenced = true, inhibited = true;
  std::vector<alerting::LabelMatcher> filter;
  std::optional<std::regex> receiver;  // anchored; matched against each receiver's name
};
std::string alert_fingerprint(const std::string& alert_id);  // 16 hex digits, stable
nlohmann::json am_alerts_json(const engine::Snapshot& snap, const std::vector<alerting::Silence>& silences,
                              const AmAlertQuery& q);

// GET /api/v2/alerts/groups (what Karma and Grafana's alert groups view read): the alerts
// above grouped as greenlight's routes group them, one group per receiver and group_by
// label values ({"root_cause": "db"} by default), sorted by receiver then labels.
nlohmann::json am_alert_groups_json(const engine::Snapshot& snap, const std::vector<alerting::Silence>& silences,
                                    const AmAlertQuery& q);

// GET /api/v2/silences?filter=...: every silence (configured and made through either API)
// in Alertmanager's order (active by end, pending by start, expired newest first); a filter
// keeps a silence that has a matcher of the same name, kind and value for each.
nlohmann::json am_silences_json(const std::vector<alerting::Silence>& silences,
                                const std::vector<alerting::LabelMatcher>& filter, model::TimePoint now);
nlohmann::json am_silence_json(const alerting::Silence& s, model::TimePoint now);

// The body of POST /api/v2/silences -> `out` (with `id` if it edits one). Returns "" or
// Alertmanager's message for a bad silence: equality matchers with a value become `match`
// entries, the others `matchers`; createdBy is required (greenlight's author).
std::string parse_am_silence(const std::string& body, model::TimePoint now, alerting::Silence& out,
                             std::string& id);

// GET /api/v2/status: version, uptime since `started`, a cluster of one ("disabled").
nlohmann::json am_status_json(const std::string& version, model::TimePoint started);

}  // namespace greenlight::dashboards
