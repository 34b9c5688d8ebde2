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

std::string subject_name(const Model& m, const Alert& a) {
  switch (a.kind) {
    case SubjectKind::Flow: return m.flows[a.index].name;
    case SubjectKind::Component: return m.components[a.index].name;
    case SubjectKind::Action: return "self-healing action " + m.actions[a.index].name;
    case SubjectKind::Objective: return "error budget of " + m.flows[m.slo_alerts[a.index].flow].name;
  }
  return a.id;
}

void split_ids(const std::string& joined, std::vector<std::string>& out) {
  std::size_t start = 0;
  while (start <= joined.size()) {
    const std::size_t comma = std::min(joined.find(',', start), joined.size());
    if (comma > start) out.push_back(joined.substr(start, comma - start));
    start = comma + 1;
  }
}

// "Check out, Add to cart (high), Email preferences (low)": flows in order, each run of one
// criticality followed by it.
std::string flow_list(const Model& m, const std::vector<FlowIndex>& flows) {
  std::string out;
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const Flow& f = m.flows[flows[i]];
    out += (i ? ", " : "") + f.name;
    if (i + 1 == flows.size() || m.flows[flows[i + 1]].criticality != f.criticality) {
      out += " (" + std::string(to_string(f.criticality)) + ")";
    }
  }
  return out;
}

}  // namespace

namespace {

// What self-healing tried on the incident since it began, and whether it helped:
// [{"action", "started_at", "result"}] and the words for the summary.
json actions_tried(const Model& m, const Incident& in, const std::vector<ComponentIndex>& roots,
                   const std::vector<FlowIndex>& affected, TimePoint since, std::string& words) {
  json out = json::array();
  if (in.actions == nullptr) return out;
  for (std::size_t i = 0; i < m.actions.size() && i < in.actions->size(); ++i) {
    const Action& a = m.actions[i];
    const ActionStatus& s = (*in.actions)[i];
    const bool on_root = a.component != kNoIndex && std::find(roots.begin(), roots.end(), a.component) != roots.end();
    const bool on_flow = a.flow != kNoIndex && std::find(affected.begin(), affected.end(), a.flow) != affected.end();
    if ((!on_root && !on_flow) || s.last_started == TimePoint{} || s.last_started < since) continue;
    const std::string result = s.running                        ? "is running"
                               : s.verify_until != TimePoint{}  ? "exited 0, not verified yet"
                               : s.verdict == "helped"          ? "helped"
                               : s.verdict == "did not help"    ? "did not help"
                               : s.last_ok.value_or(false)      ? "succeeded"
                                                                : "failed (" + s.last_message + ")";
    out.push_back({{"action", a.name}, {"started_at", format_rfc3339(s.last_started)}, {"result", result}});
    words += (words.empty() ? "" : "; ") + a.name + " ran at " + format_rfc3339(s.last_started) + ": " + result;
  }
  return out;
}

}  // namespace

namespace {

// The root-cause components: those the group's root_cause label names, else its alerts'.
std::vector<ComponentIndex> incident_roots(const Model& m, const Incident& in) {
  std::vector<std::string> ids;
  if (const auto rc = in.labels.find("root_cause"); rc != in.labels.end()) split_ids(rc->second, ids);
  if (ids.empty()) {
    for (const Alert* a : in.firing) {
      if (const auto rc = a->labels.find("root_cause"); rc != a->labels.end()) split_ids(rc->second, ids);
    }
  }
  std::vector<ComponentIndex> roots;
  for (const std::string& id : ids) {
    const auto c = m.find_component(id);
    if (c && std::find(roots.begin(), roots.end(), *c) == roots.end()) roots.push_back(*c);
  }
  return roots;
}

// Each root with its own failing signals (what the on-call reads first).
std::vector<RootCause> incident_causes(const Model& m, const HealthState& st, const std::vector<ComponentIndex>& roots) {
  std::vector<RootCause> causes;
  for (ComponentIndex c : roots) {
    bool own = false;
    for (const RootCause& rc : root_causes_of_component(m, st, c)) {
      if (rc.component == c) {
        causes.push_back(rc);
        own = true;
      }
    }
    if (!own) causes.push_back({c, kNoIndex, st.components[c].state});
  }
  return causes;
}

// Every flow that is not green because of a root: highest criticality first.
std::vector<FlowIndex> incident_flows(const Model& m, const HealthState& st, const std::vector<ComponentIndex>& roots) {
  std::vector<FlowIndex> affected;
  for (FlowIndex f = 0; f < m.flows.size(); ++f) {
    if (st.flows[f].state == Health::Green) continue;
    const auto fc = root_causes_of_flow(m, st, f);
    if (std::any_of(fc.begin(), fc.end(), [&](const RootCause& rc) {
          return std::find(roots.begin(), roots.end(), rc.component) != roots.end();
        })) {
      affected.push_back(f);
    }
  }
  std::stable_sort(affected.begin(), affected.end(),
                   [&](FlowIndex a, FlowIndex b) { return m.flows[a].criticality < m.flows[b].criticality; });
  return affected;
}

// The text every receiver leads with: each root cause with its state and signal message,
// the flows it breaks by state, what self-healing tried; or the resolve.
std::string incident_summary(const Model& m, const HealthState& st, const Incident& in,
                             const std::vector<RootCause>& causes, const std::vector<FlowIndex>& affected,
                             const std::string& tried_words) {
  const bool firing = !in.firing.empty();
  std::string root_text;
  for (const RootCause& rc : causes) {
    const Component& c = m.components[rc.component];
    root_text += (root_text.empty() ? "" : "; ") + c.name;
    if (firing) {
      const std::string message = rc.signal != kNoIndex ? describe(st.signals[rc.signal], m.signals[rc.signal])
                                                         : describe_component(m, st, rc.component);
      root_text += " is " + std::string(to_string(st.components[rc.component].state)) +
                   (message.empty() ? "" : ": " + message);
    }
  }
  if (root_text.empty() && firing) {
    root_text = subject_name(m, *in.firing.front()) + " is " + std::string(to_string(in.firing.front()->state));
  }
  if (!firing) {
    return "Resolved: " + (root_text.empty() ? std::string("incident") : root_text) +
           " — every alert of this incident has cleared";
  }
  std::string parts;
  for (Health h : {Health::Red, Health::Yellow, Health::Unknown}) {
    std::vector<FlowIndex> these;
    for (FlowIndex f : affected) {
      if (st.flows[f].state == h) these.push_back(f);
    }
    if (these.empty()) continue;
    const char* verb = h == Health::Red ? "breaks " : h == Health::Yellow ? "degrades " : "leaves unknown ";
    parts += (parts.empty() ? "" : "; ") + std::string(verb) + flow_list(m, these);
  }
  std::string summary = root_text;
  if (!parts.empty()) summary += " — " + parts;
  if (!tried_words.empty()) summary += " — self-healing: " + tried_words;
  return summary;
}

}  // namespace

json incident_record(const Model& m, const HealthState& st, const Incident& in) {
  const std::vector<ComponentIndex> roots = incident_roots(m, in);
  const std::vector<RootCause> causes = incident_causes(m, st, roots);
  const std::vector<FlowIndex> affected = incident_flows(m, st, roots);
  json flows_j = json::array();
  for (FlowIndex f : affected) {
    flows_j.push_back({{"id", m.flows[f].id},
                       {"name", m.flows[f].name},
                       {"state", to_string(st.flows[f].state)},
                       {"criticality", to_string(m.flows[f].criticality)}});
  }
  const bool firing = !in.firing.empty();
  Severity severity = firing ? Severity::None : in.severity;
  json alerts = json::array();
  TimePoint since = TimePoint::max();
  for (const Alert* a : in.firing) {
    const Severity s = a->told_firing ? a->told_severity : a->severity;
    severity = std::max(severity, s);
    since = std::min(since, a->starts_at);
    alerts.push_back({{"id", a->id}, {"name", subject_name(m, *a)}, {"severity", to_string(s)},
                      {"state", to_string(a->state)}});
  }
  std::string tried_words;
  json tried = firing ? actions_tried(m, in, roots, affected, since, tried_words) : json::array();

  json labels = json::object();
  for (const auto& [k, v] : in.labels) labels[k] = v;
  const std::string base = m.daemon.external_url + (m.daemon.external_url.ends_with('/') ? "" : "/");
  const Component* first = roots.empty() ? nullptr : &m.components[roots.front()];
  json record{{"group_key", in.group_key},
          {"dedup_key", "greenlight-" + hex_hash(in.group_key)},
          {"status", firing ? "firing" : "resolved"},
          {"severity", to_string(severity)},
          {"labels", std::move(labels)},
          {"summary", incident_summary(m, st, in, causes, affected, tried_words)},
          {"root_causes", causes_json(m, st, causes)},
          {"affected_flows", std::move(flows_j)},
          {"alerts", std::move(alerts)},
          {"runbook_url", first ? first->runbook : ""},
          {"owner", first ? first->owner : ""},
          {"dashboard_url", first ? base + "#/components/" + first->id : base},
          {"since", firing ? json(format_rfc3339(since)) : json(nullptr)},
          {"actions", std::move(tried)}};
  if (!m.cluster.replica.empty()) record["annotations"] = {{"replica", m.cluster.replica}};
  return record;
}

// The first words of an alert's summary: what it is about and what it says.
std::string summary_head(const Alert& a, const Notice& n, const std::string& subject_text, const Action* act,
                         Health state) {
  if (act != nullptr) return "Self-healing action \"" + act->name + "\" keeps failing on " + subject_text;
  if (a.kind == SubjectKind::Objective) {
    return subject_text + (n.reason == NotifyReason::Resolved ? " no longer burns its error budget too fast"
                                                               : ": " + a.note);
  }
  std::string out = n.reason == NotifyReason::Flapping
                        ? subject_text + " is flapping (now " + std::string(to_string(state)) + ")"
                        : subject_text + " is " + std::string(to_string(state));
  if (!a.note.empty() && n.reason != NotifyReason::Resolved) out += ", " + a.note;  // "RTO of 15m exceeded"
  return out;
}

json alert_record(const Model& m, const HealthState& st, const Alert& a, const Notice& n) {
  // The health subject: the alert's flow or component, a failing action's target, or the
  // flow whose error budget burns.
  const bool action = a.kind == SubjectKind::Action;
  const Action* act = action ? &m.actions[a.index] : nullptr;
  const bool objective = a.kind == SubjectKind::Objective;
  const bool flow = action ? act->flow != kNoIndex : a.kind == SubjectKind::Flow || objective;
  const std::uint32_t index = action      ? (flow ? act->flow : act->component)
                              : objective ? m.slo_alerts[a.index].flow
                                          : a.index;
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
  std::string summary = summary_head(a, n, subject_text, act, state);
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
          {"dedup_key", "greenlight/" + a.id},
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
  if (!m.cluster.replica.empty()) record["annotations"] = {{"replica", m.cluster.replica}};
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
                           const std::string& group_key, const json& incident) {
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
  json out{{"version", "1"},
           {"id", "gl-group-" + hex_hash(ids)},
           {"receiver", receiver},
           {"group_key", group_key},
           {"status", firing ? "firing" : "resolved"},
           {"notifications", std::move(items)}};
  if (!incident.is_null()) {
    // The group's status, not the batch's: a batch of one flow's resolve while the
    // database still fires is an update of a firing incident.
    out["status"] = incident.at("status");
    out["summary"] = incident.at("summary");
    out["incident"] = incident;
  }
  return out;
}

json alertmanager_payload(const json& record, NotifyReason reason) {
  // Alertmanager identifies an alert by its labels: only what stays the same from firing
  // to resolve may be one (the state is an annotation).
  json labels = record.at("labels");
  labels.erase("state");
  const std::string kind = record.at("kind");
  labels["alertname"] = alertname(kind == "flow"        ? SubjectKind::Flow
                                  : kind == "component" ? SubjectKind::Component
                                  : kind == "objective" ? SubjectKind::Objective
                                                        : SubjectKind::Action);
  json annotations{{"summary", record.at("summary")},
                   {"state", record.at("state")},
                   {"description", record.at("description")},
                   {"runbook_url", record.at("runbook_url")},
                   {"dashboard_url", record.at("dashboard_url")}};
  if (!record.at("root_causes").empty()) annotations["root_cause"] = record.at("root_causes")[0].value("message", "");
  if (record.contains("annotations")) annotations.update(record.at("annotations"));
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
    if (record.contains("annotations")) event["payload"]["custom_details"]["annotations"] = record.at("annotations");
    event["links"] = json::array({{{"href", record.at("dashboard_url")}, {"text", "greenlight dashboard"}}});
    if (!record.at("runbook_url").get<std::string>().empty()) {
      event["links"].push_back({{"href", record.at("runbook_url")}, {"text", "runbook"}});
    }
  }
  return event;
}

json pagerduty_group_payload(const json& incident, const std::string& routing_key) {
  const bool resolved = incident.at("status") == "resolved";
  json event{{"routing_key", routing_key},
             {"event_action", resolved ? "resolve" : "trigger"},
             {"dedup_key", incident.at("dedup_key")}};
  if (resolved) return event;
  static const std::map<std::string, std::string> kSeverity{
      {"critical", "critical"}, {"error", "error"}, {"warning", "warning"}, {"info", "info"}};
  const auto it = kSeverity.find(incident.at("severity").get<std::string>());
  std::string summary = incident.at("summary");
  if (summary.size() > 1024) summary = summary.substr(0, 1021) + "...";  // the Events API's limit
  const json& causes = incident.at("root_causes");
  event["payload"] = {{"summary", summary},
                      {"source", "greenlight"},
                      {"severity", it == kSeverity.end() ? "info" : it->second},
                      {"component", causes.empty() ? json("") : causes[0].at("component")},
                      {"group", incident.at("labels").value("root_cause", "")},
                      {"custom_details",
                       {{"root_causes", causes},
                        {"affected_flows", incident.at("affected_flows")},
                        {"alerts", incident.at("alerts")},
                        {"owner", incident.at("owner")},
                        {"since", incident.at("since")}}}};
  if (incident.contains("annotations")) event["payload"]["custom_details"]["annotations"] = incident.at("annotations");
  event["links"] = json::array({{{"href", incident.at("dashboard_url")}, {"text", "greenlight dashboard"}}});
  if (!incident.at("runbook_url").get<std::string>().empty()) {
    event["links"].push_back({{"href", incident.at("runbook_url")}, {"text", "runbook"}});
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

json slack_payload(const std::vector<GroupItem>& batch, const json& incident) {
  if (!incident.is_null()) {
    const bool resolved = incident.at("status") == "resolved";
    const std::string severity = incident.at("severity");
    std::string text = std::string(resolved ? ":white_check_mark:" : severity == "critical" ? ":red_circle:"
                                                                                            : ":large_yellow_circle:") +
                       " *" + (resolved ? "RESOLVED" : "FIRING") + " [" + severity + "]* " +
                       incident.at("summary").get<std::string>();
    text += "\n";
    if (!incident.at("runbook_url").get<std::string>().empty()) {
      text += "<" + incident.at("runbook_url").get<std::string>() + "|Runbook> | ";
    }
    text += "<" + incident.at("dashboard_url").get<std::string>() + "|Dashboard>";
    const std::string owner = incident.at("owner");
    if (!owner.empty()) text += " | owner: " + owner;
    std::string changes;
    for (const GroupItem& it : batch) {
      changes += (changes.empty() ? "" : ", ") + it.record.at("name").get<std::string>() + " " +
                 (it.reason == NotifyReason::Resolved   ? std::string("resolved")
                  : it.reason == NotifyReason::Flapping ? std::string("flapping")
                  : it.reason == NotifyReason::Firing   ? "firing [" + it.record.at("severity").get<std::string>() + "]"
                                                        : "now " + it.record.at("severity").get<std::string>());
    }
    text += "\n>" + changes;
    return {{"text", text}};
  }
  std::string text;
  for (const GroupItem& it : batch) {
    text += (text.empty() ? "" : "\n\n") + slack_payload(it.record, it.reason).at("text").get<std::string>();
  }
  return {{"text", text}};
}

}  // namespace greenlight::alerting
