#include "alerting/content.h"

#include <algorithm>
#include <cstdio>

namespace greenlight::alerting {

using namespace model;
using nlohmann::json;

namespace {

std::string hex_hash(std::string_view s) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(stable_hash(s)));
  return buf;
}

// Flows that are not green because of `c` (their explanation passes through it).
std::vector<std::string> flows_affected_by(const Model& m, const HealthState& st, ComponentIndex c) {
  std::vector<std::string> out;
  for (FlowIndex f = 0; f < m.flows.size(); ++f) {
    if (st.flows[f].state == Health::Green) continue;
    bool affected = false;
    for (const FlowStep& step : m.flows[f].steps) {
      const auto path = explanation_of_component(m, st, step.component);
      if (std::find(path.begin(), path.end(), c) != path.end()) affected = true;
    }
    if (affected) out.push_back(m.flows[f].id);
  }
  return out;
}

json causes_json(const Model& m, const HealthState& st, const std::vector<RootCause>& causes) {
  json out = json::array();
  for (const RootCause& rc : causes) {
    const Component& c = m.components[rc.component];
    json j{{"component", c.id}, {"component_name", c.name}, {"state", to_string(rc.state)}};
    if (rc.signal != kNoIndex) {
      j["signal"] = m.signals[rc.signal].id;
      j["message"] = describe(st.signals[rc.signal], m.signals[rc.signal]);
    } else {
      j["message"] = describe_component(m, st, rc.component);
    }
    if (!c.runbook.empty()) j["runbook_url"] = c.runbook;
    if (!c.owner.empty()) j["owner"] = c.owner;
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

json alert_record(const Model& m, const HealthState& st, const Alert& a, const Notice& n) {
  // The health subject: the alert's flow or component, or a failing action's target.
  const bool action = a.kind == SubjectKind::Action;
  const Action* act = action ? &m.actions[a.index] : nullptr;
  const bool flow = action ? act->flow != kNoIndex : a.kind == SubjectKind::Flow;
  const std::uint32_t index = action ? (flow ? act->flow : act->component) : a.index;
  const std::string id = flow ? m.flows[index].id : m.components[index].id;
  const std::string name = flow ? m.flows[index].name : m.components[index].name;
  const std::string reason = flow ? describe_flow(m, st, index) : describe_component(m, st, index);
  const auto causes = flow ? root_causes_of_flow(m, st, index) : root_causes_of_component(m, st, index);
  std::string runbook = flow ? m.flows[index].runbook : m.components[index].runbook;
  std::string owner = flow ? m.flows[index].owner : m.components[index].owner;
  // A flow without its own runbook points at the root cause's: what the on-call opens.
  if (runbook.empty() && !causes.empty()) runbook = m.components[causes.front().component].runbook;
  if (owner.empty() && !causes.empty()) owner = m.components[causes.front().component].owner;

  const Health state = n.reason == NotifyReason::Resolved ? Health::Green : a.state;
  const std::string subject_text = std::string(flow ? "Flow \"" : "Component \"") + name + "\"";
  const bool flapping = n.reason == NotifyReason::Flapping;
  std::string summary = action     ? "Self-healing action \"" + act->name + "\" keeps failing on " + subject_text
                        : flapping ? subject_text + " is flapping (now " + std::string(to_string(state)) + ")"
                                   : subject_text + " is " + std::string(to_string(state));
  std::string first_cause;
  if (n.reason != NotifyReason::Resolved && !causes.empty()) {
    const RootCause& rc = causes.front();
    first_cause = m.components[rc.component].id + (rc.signal != kNoIndex ? "/" + m.signals[rc.signal].id : "");
    summary += " (root cause: " + first_cause + ")";
  }
  std::string description = n.reason == NotifyReason::Resolved
                                ? summary + " again: the " + std::string(to_string(n.severity)) + " alert that fired at " +
                                      format_rfc3339(a.starts_at) + " resolved at " + format_rfc3339(a.ends_at) + "."
                                : summary + ". " +
                                      (action ? "Its last " + std::to_string(std::max(act->max_attempts, 1)) +
                                                    " runs failed; the target is " +
                                                    std::string(to_string(flow ? st.flows[index].state
                                                                               : st.components[index].state)) +
                                                    ": "
                                              : std::string()) +
                                      reason + "." +
                                      (flapping ? " It keeps changing state; no more notifications until it settles, "
                                                  "then one with the state it settled in."
                                                : "");
  json affected = json::array();
  if (flow) {
    affected.push_back(id);
  } else {
    for (auto& f : flows_affected_by(m, st, index)) affected.push_back(f);
  }
  const std::string base = m.daemon.external_url + (m.daemon.external_url.ends_with('/') ? "" : "/");
  json labels = json::object();
  for (const auto& [k, v] : a.labels) labels[k] = v;
  labels["severity"] = to_string(n.severity);
  labels["state"] = to_string(state);
  json record{{"id", a.id},
          {"dedup_key", "greenlight/" + a.id + "/" + std::to_string(a.starts_at.time_since_epoch().count())},
          {"kind", to_string(a.kind)},
          {"subject", action ? act->name : id},
          {"name", action ? "self-healing action " + act->name : name},
          {"severity", to_string(n.severity)},
          {"state", to_string(state)},
          {"summary", summary},
          {"description", description},
          {"root_causes", n.reason == NotifyReason::Resolved ? json::array() : causes_json(m, st, causes)},
          {"affected_flows", affected},
          {"runbook_url", runbook},
          {"owner", owner},
          {"dashboard_url", base + "#/" + (flow ? "flows/" : "components/") + id},
          {"starts_at", format_rfc3339(a.starts_at)},
          {"ends_at", n.reason == NotifyReason::Resolved ? json(format_rfc3339(a.ends_at)) : json(nullptr)},
          {"labels", std::move(labels)}};
  if (n.reason == NotifyReason::SeverityChange) {
    record["previous_severity"] = to_string(n.previous);
    record["changed_at"] = format_rfc3339(n.at);
  }
  return record;
}

std::string notification_id(const json& record, NotifyReason reason, const std::string& receiver) {
  return "gl-" + hex_hash(record.at("dedup_key").get<std::string>() + "|" + std::string(to_string(reason)) + "|" +
                             record.at("severity").get<std::string>() + "|" + receiver);
}

json webhook_payload(const json& record, NotifyReason reason, const std::string& id, const std::string& receiver) {
  return {{"version", "1"},
          {"id", id},
          {"receiver", receiver},
          {"status", reason == NotifyReason::Resolved ? "resolved" : "firing"},
          {"reason", to_string(reason)},
          {"alert", record}};
}

json webhook_group_payload(const std::vector<GroupItem>& batch, const std::string& receiver,
                           const std::string& group_key) {
  json items = json::array();
  std::string ids;
  bool firing = false;
  for (const GroupItem& it : batch) {
    json one = webhook_payload(it.record, it.reason, it.id, receiver);
    one.erase("version");
    one.erase("receiver");
    items.push_back(std::move(one));
    ids += it.id + "|";
    firing = firing || it.reason != NotifyReason::Resolved;
  }
  return {{"version", "1"},
          {"id", "gl-group-" + hex_hash(ids)},
          {"receiver", receiver},
          {"group_key", group_key},
          {"status", firing ? "firing" : "resolved"},
          {"notifications", std::move(items)}};
}

json alertmanager_payload(const json& record, NotifyReason reason) {
  // Alertmanager identifies an alert by its labels: only what stays the same from firing
  // to resolve may be one (the state is an annotation).
  json labels = record.at("labels");
  labels.erase("state");
  const std::string kind = record.at("kind");
  labels["alertname"] = kind == "flow"        ? "GreenlightFlowUnhealthy"
                        : kind == "component" ? "GreenlightComponentUnhealthy"
                                              : "GreenlightActionFailing";
  json annotations{{"summary", record.at("summary")},
                   {"state", record.at("state")},
                   {"description", record.at("description")},
                   {"runbook_url", record.at("runbook_url")},
                   {"dashboard_url", record.at("dashboard_url")}};
  if (!record.at("root_causes").empty()) annotations["root_cause"] = record.at("root_causes")[0].value("message", "");
  json alert{{"labels", labels},
             {"annotations", annotations},
             {"startsAt", record.at("starts_at")},
             {"generatorURL", record.at("dashboard_url")}};
  if (reason == NotifyReason::Resolved) alert["endsAt"] = record.at("ends_at");
  json out = json::array({alert});
  if (reason == NotifyReason::SeverityChange && record.contains("previous_severity")) {
    // The severity is a label, so the new severity is a new alert there: close the old one
    // now rather than leave it open until Alertmanager's resolve timeout.
    alert["labels"]["severity"] = record.at("previous_severity");
    alert["endsAt"] = record.at("changed_at");
    out.push_back(std::move(alert));
  }
  return out;
}

json pagerduty_payload(const json& record, NotifyReason reason, const std::string& routing_key) {
  json event{{"routing_key", routing_key},
             {"event_action", reason == NotifyReason::Resolved ? "resolve" : "trigger"},
             {"dedup_key", record.at("dedup_key")}};
  if (reason != NotifyReason::Resolved) {
    static const std::map<std::string, std::string> kSeverity{
        {"critical", "critical"}, {"error", "error"}, {"warning", "warning"}, {"info", "info"}};
    const auto it = kSeverity.find(record.at("severity").get<std::string>());
    event["payload"] = {{"summary", record.at("summary")},
                        {"source", "greenlight"},
                        {"severity", it == kSeverity.end() ? "info" : it->second},
                        {"component", record.at("subject")},
                        {"custom_details",
                         {{"description", record.at("description")},
                          {"root_causes", record.at("root_causes")},
                          {"affected_flows", record.at("affected_flows")},
                          {"owner", record.at("owner")}}}};
    event["links"] = json::array({{{"href", record.at("dashboard_url")}, {"text", "greenlight dashboard"}}});
    if (!record.at("runbook_url").get<std::string>().empty()) {
      event["links"].push_back({{"href", record.at("runbook_url")}, {"text", "runbook"}});
    }
  }
  return event;
}

json slack_payload(const json& record, NotifyReason reason) {
  const std::string icon = reason == NotifyReason::Resolved ? ":white_check_mark:"
                           : record.at("severity") == "critical" ? ":red_circle:"
                                                                 : ":large_yellow_circle:";
  const char* word = reason == NotifyReason::Resolved ? "RESOLVED" : reason == NotifyReason::Flapping ? "FLAPPING" : "FIRING";
  std::string text = icon + " *" + std::string(word) +
                     " [" + record.at("severity").get<std::string>() + "]* " + record.at("summary").get<std::string>();
  if (!record.at("root_causes").empty()) {
    text += "\n>Root cause: `" + record.at("root_causes")[0].value("component", "") + "` " +
            record.at("root_causes")[0].value("message", "");
  }
  if (!record.at("runbook_url").get<std::string>().empty()) {
    text += "\n<" + record.at("runbook_url").get<std::string>() + "|Runbook>";
  }
  text += " | <" + record.at("dashboard_url").get<std::string>() + "|Dashboard>";
  if (!record.at("owner").get<std::string>().empty()) text += " | owner: " + record.at("owner").get<std::string>();
  return {{"text", text}};
}

json alertmanager_payload(const std::vector<GroupItem>& batch) {
  json alerts = json::array();
  for (const GroupItem& it : batch) {
    for (auto& a : alertmanager_payload(it.record, it.reason)) alerts.push_back(std::move(a));
  }
  return alerts;
}

json slack_payload(const std::vector<GroupItem>& batch) {
  std::string text;
  for (const GroupItem& it : batch) {
    text += (text.empty() ? "" : "\n\n") + slack_payload(it.record, it.reason).at("text").get<std::string>();
  }
  return {{"text", text}};
}

}  // namespace greenlight::alerting
