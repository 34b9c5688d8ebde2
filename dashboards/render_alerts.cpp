// Alerts, self-healing actions and silences as the API shows them (dashboards/render.h).

#include "dashboards/render.h"

#include "model/redact.h"

namespace greenlight::dashboards {

using namespace model;
using nlohmann::json;

namespace {
json time_or_null(TimePoint t) { return t == TimePoint{} ? json(nullptr) : json(format_rfc3339(t)); }
}  // namespace

json alert_json(const alerting::Alert& a, const std::vector<std::string>& receivers) {
  using alerting::AlertStatus;
  return {{"id", a.id},
          {"kind", alerting::to_string(a.kind)},
          {"status", alerting::to_string(a.status)},
          {"state", to_string(a.state)},
          {"severity", to_string(a.severity)},
          {"since", format_rfc3339(a.status == AlertStatus::Firing ? a.starts_at : a.pending_since)},
          {"suppressed", a.suppressed},
          {"held_down", a.held_down},
          {"silenced", a.silenced},
          {"flapping", a.flapping},
          {"labels", a.labels},
          {"note", a.note},
          {"receivers", receivers}};
}

json alerts_json(const std::vector<alerting::Alert>& alerts,
                 const std::map<std::string, std::vector<std::string>>& told) {
  static const std::vector<std::string> kNobody;
  json list = json::array();
  for (const alerting::Alert& a : alerts) {
    if (a.status == alerting::AlertStatus::Inactive) continue;
    const auto t = told.find(a.id);
    list.push_back(alert_json(a, t == told.end() ? kNobody : t->second));
  }
  return {{"alerts", std::move(list)}};
}

json action_status_json(const alerting::ActionStatus& s) {
  return {{"condition", s.condition},
          {"condition_since", s.condition ? time_or_null(s.condition_since) : json(nullptr)},
          {"running", s.running},
          {"held", s.held.empty() ? json(nullptr) : json(s.held)},
          {"attempts_in_window", s.attempts.size()},
          {"last_started", time_or_null(s.last_started)},
          {"last_finished", time_or_null(s.last_finished)},
          {"last_ok", s.last_ok ? json(*s.last_ok) : json(nullptr)},
          {"last_message", s.last_message},
          {"consecutive_failures", s.consecutive_failures},
          {"failing", s.failing}};
}

json action_json(const Model& m, std::size_t i, const alerting::ActionStatus* status) {
  const Action& a = m.actions[i];
  const bool flow = a.flow != kNoIndex;
  json j{{"name", a.name},
         {"target", {{"kind", flow ? "flow" : "component"}, {"id", flow ? m.flows[a.flow].id : m.components[a.component].id}}},
         {"state", to_string(a.state)},
         {"for", format_duration(a.for_duration)},
         {"cooldown", format_duration(a.cooldown)},
         {"max_attempts", a.max_attempts},
         {"window", format_duration(a.window)},
         {"timeout", format_duration(a.timeout)},
         {"during_silence", a.during_silence}};
  if (a.run.empty()) {
    j["url"] = redact_url(a.url);
  } else {
    j["run"] = a.run;
  }
  if (status) j["status"] = action_status_json(*status);
  return j;
}

json actions_json(const Model& m, const std::vector<alerting::ActionStatus>& statuses) {
  json list = json::array();
  for (std::size_t i = 0; i < m.actions.size(); ++i) {
    list.push_back(action_json(m, i, i < statuses.size() ? &statuses[i] : nullptr));
  }
  return {{"actions", std::move(list)}};
}

json silence_json(const alerting::Silence& s, TimePoint now) {
  json j{{"id", s.id},
         {"match", s.match},
         {"starts_at", format_rfc3339(s.starts_at)},
         {"ends_at", format_rfc3339(s.ends_at)},
         {"author", s.author},
         {"comment", s.comment},
         {"status", s.ends_at <= now ? "expired" : s.starts_at > now ? "pending" : "active"},
         {"source", s.id.rfind("config-", 0) == 0 ? "config" : "api"}};
  // Matchers other than exact equality (made through the Alertmanager API), e.g.
  // [{"name": "component", "op": "=~", "value": "catalog-.*"}].
  if (!s.matchers.empty()) {
    json list = json::array();
    for (const auto& m : s.matchers) {
      list.push_back({{"name", m.name}, {"op", alerting::to_string(m.op)}, {"value", m.value}});
    }
    j["matchers"] = std::move(list);
  }
  return j;
}

json silences_json(const std::vector<alerting::Silence>& silences, TimePoint now) {
  json list = json::array();
  for (const alerting::Silence& s : silences) list.push_back(silence_json(s, now));
  return {{"silences", std::move(list)}};
}

json silence_expired_json(const std::string& id) { return {{"id", id}, {"status", "expired"}}; }

}  // namespace greenlight::dashboards
