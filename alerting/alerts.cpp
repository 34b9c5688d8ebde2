#include "alerting/alerts.h"

#include <algorithm>

namespace greenlight::alerting {

using namespace model;

namespace {
constexpr std::size_t kNone = static_cast<std::size_t>(-1);
}  // namespace

std::string_view to_string(AlertStatus s) {
  switch (s) {
    case AlertStatus::Inactive: return "inactive";
    case AlertStatus::Pending: return "pending";
    case AlertStatus::Firing: return "firing";
  }
  return "inactive";
}

std::string_view to_string(SubjectKind k) {
  switch (k) {
    case SubjectKind::Flow: return "flow";
    case SubjectKind::Component: return "component";
    case SubjectKind::Action: return "action";
    case SubjectKind::Objective: return "objective";
  }
  return "flow";
}

std::string_view to_string(NotifyReason r) {
  switch (r) {
    case NotifyReason::Firing: return "firing";
    case NotifyReason::SeverityChange: return "severity_change";
    case NotifyReason::Resolved: return "resolved";
    case NotifyReason::Flapping: return "flapping";
  }
  return "firing";
}

bool Silence::matches(const Labels& labels) const {
  if (match.empty() && matchers.empty()) return false;  // a silence must name something
  return std::all_of(match.begin(), match.end(),
                     [&](const auto& kv) {
                       auto it = labels.find(kv.first);
                       return it != labels.end() && it->second == kv.second;
                     }) &&
         std::all_of(matchers.begin(), matchers.end(), [&](const LabelMatcher& m) { return m.matches(labels); });
}

std::string_view alertname(SubjectKind kind) {
  switch (kind) {
    case SubjectKind::Flow: return "GreenlightFlowUnhealthy";
    case SubjectKind::Component: return "GreenlightComponentUnhealthy";
    case SubjectKind::Action: return "GreenlightActionFailing";
    case SubjectKind::Objective: return "GreenlightErrorBudgetBurn";
  }
  return "GreenlightFlowUnhealthy";
}

Labels labels_of(const Model& m, SubjectKind kind, std::uint32_t index) {
  Labels l;
  if (kind == SubjectKind::Objective) {
    l = labels_of(m, SubjectKind::Flow, m.slo_alerts[index].flow);
    l["slo"] = m.flows[m.slo_alerts[index].flow].id;
    return l;
  }
  if (kind == SubjectKind::Action) {
    const Action& a = m.actions[index];
    l = a.flow != kNoIndex ? labels_of(m, SubjectKind::Flow, a.flow) : labels_of(m, SubjectKind::Component, a.component);
    l["action"] = a.name;
    return l;
  }
  if (kind == SubjectKind::Flow) {
    const Flow& f = m.flows[index];
    l = f.labels;
    l["flow"] = f.id;
    l["kind"] = std::string(to_string(f.kind));
    l["criticality"] = std::string(to_string(f.criticality));
    if (!f.owner.empty()) l["owner"] = f.owner;
  } else {
    const Component& c = m.components[index];
    l = c.labels;
    l["component"] = c.id;
    l["criticality"] = std::string(to_string(c.criticality));
    if (!c.owner.empty()) l["owner"] = c.owner;
  }
  return l;
}

std::string root_cause_label(const Model& m, const HealthState& st, SubjectKind kind, std::uint32_t index) {
  if (kind == SubjectKind::Action) {
    const Action& a = m.actions[index];
    const bool flow = a.flow != kNoIndex;
    std::string label = root_cause_label(m, st, flow ? SubjectKind::Flow : SubjectKind::Component,
                                         flow ? a.flow : a.component);
    return label.empty() ? (flow ? m.flows[a.flow].id : m.components[a.component].id) : label;
  }
  if (kind == SubjectKind::Objective) {
    const FlowIndex f = m.slo_alerts[index].flow;
    const std::string label = root_cause_label(m, st, SubjectKind::Flow, f);
    return label.empty() ? m.flows[f].id : label;
  }
  return root_cause_key(m, kind == SubjectKind::Flow ? root_causes_of_flow(m, st, index)
                                                      : root_causes_of_component(m, st, index));
}

std::string root_cause_key(const Model& m, const std::vector<RootCause>& causes) {
  std::vector<std::string> ids;
  for (const RootCause& rc : causes) ids.push_back(m.components[rc.component].id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

AlertBook::AlertBook(const Model& m) : component_alert_(m.components.size(), kNone) {
  for (FlowIndex f = 0; f < m.flows.size(); ++f) {
    Alert a;
    a.kind = SubjectKind::Flow;
    a.index = f;
    a.id = "flow/" + m.flows[f].id;
    a.labels = labels_of(m, a.kind, f);
    alerts_.push_back(std::move(a));
  }
  for (ComponentIndex c = 0; c < m.components.size(); ++c) {
    if (!m.components[c].alert) continue;
    Alert a;
    a.kind = SubjectKind::Component;
    a.index = c;
    a.id = "component/" + m.components[c].id;
    a.labels = labels_of(m, a.kind, c);
    component_alert_[c] = alerts_.size();
    alerts_.push_back(std::move(a));
  }
  for (std::size_t i = 0; i < m.actions.size(); ++i) {
    Alert a;
    a.kind = SubjectKind::Action;
    a.index = static_cast<std::uint32_t>(i);
    a.id = "action/" + m.actions[i].name;
    a.labels = labels_of(m, a.kind, a.index);
    alerts_.push_back(std::move(a));
  }
  for (std::size_t i = 0; i < m.slo_alerts.size(); ++i) {
    Alert a;
    a.kind = SubjectKind::Objective;
    a.index = static_cast<std::uint32_t>(i);
    a.id = "slo/" + m.flows[m.slo_alerts[i].flow].id + "/" + std::string(to_string(m.slo_alerts[i].severity));
    a.labels = labels_of(m, a.kind, a.index);
    alerts_.push_back(std::move(a));
  }
}

void AlertBook::carry_over(const Model& old_model, const AlertBook& old, const Model& m) {
  for (Alert& a : alerts_) {
    const auto i = old.find(a.id);
    if (!i) continue;
    const Alert& o = old.alerts_[*i];
    a.status = o.status;
    a.state = o.state;
    a.severity = o.severity;
    a.pending_since = o.pending_since;
    a.starts_at = o.starts_at;
    a.ends_at = o.ends_at;
    a.flapping = o.flapping;
    a.flap_sources.clear();
    for (ComponentIndex c : o.flap_sources) {
      if (auto n = m.find_component(old_model.components[c].id)) a.flap_sources.push_back(*n);
    }
    std::sort(a.flap_sources.begin(), a.flap_sources.end());
    a.told_firing = o.told_firing;
    a.told_severity = o.told_severity;
    a.told_flapping = o.told_flapping;
    if (auto rc = o.labels.find("root_cause"); rc != o.labels.end()) a.labels["root_cause"] = rc->second;
  }
}

std::optional<std::size_t> AlertBook::find(std::string_view id) const {
  for (std::size_t i = 0; i < alerts_.size(); ++i) {
    if (alerts_[i].id == id) return i;
  }
  return std::nullopt;
}

void AlertBook::restore_told(const std::string& alert_id, Severity severity, TimePoint starts_at,
                             const std::string& root_cause) {
  for (Alert& a : alerts_) {
    if (a.id != alert_id) continue;
    a.status = AlertStatus::Firing;
    a.state = Health::Unknown;  // until the first evaluation says otherwise
    a.severity = severity;
    a.starts_at = starts_at;
    a.told_firing = true;
    a.told_severity = severity;
    if (!root_cause.empty()) a.labels["root_cause"] = root_cause;
  }
}

std::vector<Notice> AlertBook::update(const Model& m, const HealthState& st, const std::vector<Silence>& silences,
                                      TimePoint now, const std::vector<std::uint8_t>& failing_actions,
                                      const std::vector<BurnStatus>& burns) {
  // Per component: one of its own signals flaps. Left empty when no signal does (the
  // usual case), which spares every alert its root-cause walk.
  std::vector<std::uint8_t> flaps;
  for (SignalIndex s = 0; s < m.signals.size(); ++s) {
    if (!st.signals[s].flap.flapping) continue;
    if (flaps.empty()) flaps.assign(m.components.size(), 0);
    flaps[m.signals[s].component] = 1;
  }
  for (Alert& a : alerts_) {
    const Health before = a.state;
    assess(a, m, st, silences, now, failing_actions, burns);
    assess_flapping(a, m, st, before, flaps);
  }
  suppress(m, st, now);
  return reconcile(now);
}

// 1. What an alert is: status, state, severity, flapping, silenced.
void AlertBook::assess(Alert& a, const Model& m, const HealthState& st, const std::vector<Silence>& silences,
                       TimePoint now, const std::vector<std::uint8_t>& failing_actions,
                       const std::vector<BurnStatus>& burns) const {
  const bool flow = a.kind == SubjectKind::Flow;
  Health h;
  Criticality crit;
  if (a.kind == SubjectKind::Objective) {
    const bool burning = a.index < burns.size() && burns[a.index].burning;
    const Severity sev = m.slo_alerts[a.index].severity;
    h = burning ? (sev >= Severity::Error ? Health::Red : Health::Yellow) : Health::Green;
    crit = m.flows[m.slo_alerts[a.index].flow].criticality;
    if (burning) a.note = burns[a.index].reason;
  } else if (a.kind == SubjectKind::Action) {
    const Action& act = m.actions[a.index];
    h = a.index < failing_actions.size() && failing_actions[a.index] ? Health::Red : Health::Green;
    crit = act.flow != kNoIndex ? m.flows[act.flow].criticality : m.components[act.component].criticality;
  } else {
    h = flow ? st.flows[a.index].state : st.components[a.index].state;
    crit = flow ? m.flows[a.index].criticality : m.components[a.index].criticality;
  }
  const Duration wait = flow ? m.flows[a.index].alert_after.value_or(Duration{0}) : Duration{0};

  const auto silenced = [&] {
    if (silences.empty()) return false;
    Labels seen = a.labels;  // with the alertname an Alertmanager client sees (alertname())
    seen["alertname"] = std::string(alertname(a.kind));
    return std::any_of(silences.begin(), silences.end(),
                       [&](const Silence& s) { return s.active(now) && s.matches(seen); });
  };
  a.suppressed = false;
  if (h == Health::Unknown && a.status == AlertStatus::Firing) {
    // No data: hold the firing alert as it is (see the header).
    a.state = h;
    a.labels["state"] = std::string(to_string(h));
    a.silenced = silenced();
    return;
  }
  if (h == Health::Green) {
    if (a.status == AlertStatus::Firing) a.ends_at = now;
    a.status = AlertStatus::Inactive;
  } else {
    if (a.status == AlertStatus::Inactive) {
      a.status = AlertStatus::Pending;
      a.pending_since = now;
    }
    if (a.status == AlertStatus::Pending && now - a.pending_since >= wait) {
      a.status = AlertStatus::Firing;
      // Receivers still hold the firing only while it flaps (a resolve is never held
      // otherwise): the same incident goes on, with the same starts_at and dedup key.
      if (!a.told_firing) a.starts_at = now;
      a.ends_at = {};
    }
  }
  a.state = h;
  a.severity = h == Health::Green ? Severity::None : m.alerting.severity.of(crit, h);
  if (a.kind == SubjectKind::Objective && h != Health::Green) a.severity = m.slo_alerts[a.index].severity;
  if (flow) rto(a, m, now);
  a.labels["severity"] = std::string(to_string(a.severity));
  a.labels["state"] = std::string(to_string(h));
  if (a.kind == SubjectKind::Objective) {
    // The flow's root causes while it is not green; before that (a slow burn of brief
    // failures) the flow itself; kept while the flow is green again.
    const FlowIndex f = m.slo_alerts[a.index].flow;
    if (st.flows[f].state != Health::Green || a.labels.count("root_cause") == 0) {
      a.labels["root_cause"] = root_cause_label(m, st, a.kind, a.index);
    }
  } else if (h != Health::Green) {
    std::string rc = root_cause_label(m, st, a.kind, a.index);
    // A flow yellow by its trend alone (SPEC 6.2) has no root cause: it stays in the
    // incident it was in (or its own).
    if (rc.empty() && flow) rc = a.labels.count("root_cause") ? a.labels["root_cause"] : m.flows[a.index].id;
    a.labels["root_cause"] = std::move(rc);
  }
  a.silenced = silenced();
}

// 1a. RTO (SPEC 6.2): a flow's incident that lasts longer than its recovery time objective
// escalates to critical.
void AlertBook::rto(Alert& a, const Model& m, TimePoint now) {
  const auto& limit = m.flows[a.index].rto;
  a.note.clear();
  if (!limit || a.status != AlertStatus::Firing || a.severity == Severity::None || now - a.starts_at < *limit) return;
  a.severity = Severity::Critical;
  a.note = "RTO of " + format_duration(*limit) + " exceeded";
}

// 1b. Flapping: one of the root-cause components of the alert's last yellow or red state
// has a flapping signal (alerts.h).
void AlertBook::assess_flapping(Alert& a, const Model& m, const HealthState& st, Health before,
                                const std::vector<std::uint8_t>& flaps) {
  if (a.kind == SubjectKind::Action || a.kind == SubjectKind::Objective) return;  // never flaps
  const Health h = a.state;
  // The root causes change only when some state does: walk them again when the alert's
  // state changed, when something flaps, or when they were never taken.
  if (h >= Health::Yellow && (h != before || !flaps.empty() || a.flap_sources.empty())) {
    const auto causes = a.kind == SubjectKind::Flow ? root_causes_of_flow(m, st, a.index)
                                                    : root_causes_of_component(m, st, a.index);
    if (!a.flapping) a.flap_sources.clear();  // while it flaps they accumulate
    for (const RootCause& rc : causes) {
      if (rc.component != kNoIndex) a.flap_sources.push_back(rc.component);
    }
    std::sort(a.flap_sources.begin(), a.flap_sources.end());
    a.flap_sources.erase(std::unique(a.flap_sources.begin(), a.flap_sources.end()), a.flap_sources.end());
  }
  a.flapping = !flaps.empty() && std::any_of(a.flap_sources.begin(), a.flap_sources.end(),
                                             [&](ComponentIndex c) { return flaps[c] != 0; });
}

// 2. Suppression, dependencies first: a component alert is suppressed when its state is
// wholly inherited (its own signals are not among its root causes) and a component on
// the explaining paths has its own firing, unsuppressed alert.
void AlertBook::suppress(const Model& m, const HealthState& st, TimePoint now) {
  suppressed_last_.resize(alerts_.size(), 0);
  for (ComponentIndex c : m.graph.order()) {
    const std::size_t i = component_alert_[c];
    if (i == kNone) continue;
    Alert& a = alerts_[i];
    if (a.status == AlertStatus::Firing) {
      const auto causes = root_causes_of_component(m, st, c);
      const bool own =
          std::any_of(causes.begin(), causes.end(), [&](const RootCause& rc) { return rc.component == c; });
      if (!own) {
        for (ComponentIndex v : explanation_of_component(m, st, c)) {
          const std::size_t j = component_alert_[v];
          if (v != c && j != kNone && alerts_[j].status == AlertStatus::Firing && !alerts_[j].suppressed) {
            a.suppressed = true;
            break;
          }
        }
      }
    }
    hold_down(a, suppressed_last_[i] != 0, m, st, c, now);
    suppressed_last_[i] = a.suppressed ? 1 : 0;
  }
}

void AlertBook::hold_down(Alert& a, bool was_suppressed, const Model& m, const HealthState& st, ComponentIndex c,
                          TimePoint now) const {
  a.held_down = false;
  if (a.suppressed || a.status == AlertStatus::Inactive) {
    a.held_since = {};
    return;
  }
  if (was_suppressed) a.held_since = now;  // what explained it has just recovered
  if (a.held_since == TimePoint{}) return;
  const Component& comp = m.components[c];
  bool rerun = true;
  for (SignalIndex s = comp.first_signal; s < comp.first_signal + comp.signal_count; ++s) {
    rerun = rerun && st.signals[s].last_result > a.held_since;
  }
  if (rerun || now - a.held_since >= m.alerting.hold_down) {
    a.held_since = {};  // its own signals have spoken (or waited long enough): it pages on its own
    return;
  }
  a.held_down = true;
}

// 3. Reconcile what receivers were told with what each alert is.
std::vector<Notice> AlertBook::reconcile(TimePoint now) {
  std::vector<Notice> notices;
  for (std::size_t i = 0; i < alerts_.size(); ++i) {
    Alert& a = alerts_[i];
    if (a.state == Health::Unknown && a.status == AlertStatus::Firing) continue;  // held: no data
    const bool fires = a.status == AlertStatus::Firing && a.severity != Severity::None;
    const bool held = a.silenced || a.suppressed || a.held_down;
    if (a.flapping) {
      // Told once, if it fires now or receivers were told it fired; then nothing until it
      // settles. Silences and suppression hold this notice as they hold a firing.
      if (!a.told_flapping && !held && (fires || a.told_firing)) {
        const Severity sev = std::max(fires ? a.severity : Severity::None, a.told_severity);
        notices.push_back({i, NotifyReason::Flapping, sev, a.state, now});
        a.told_flapping = true;
        a.told_firing = true;
        a.told_severity = sev;
      }
      continue;
    }
    if (fires) {
      if (held) continue;  // a settle still owed is told when the hold ends
      if (!a.told_firing || a.told_flapping) {
        notices.push_back({i, NotifyReason::Firing, a.severity, a.state, now});  // new, or settled firing
      } else if (a.told_severity != a.severity) {
        notices.push_back({i, NotifyReason::SeverityChange, a.severity, a.state, now, a.told_severity});
      } else {
        continue;
      }
      a.told_firing = true;
      a.told_severity = a.severity;
      a.told_flapping = false;
    } else if (a.told_firing) {
      // Resolved is always told to whoever was told of the firing, silence or not.
      notices.push_back({i, NotifyReason::Resolved, a.told_severity, a.state, now});
      a.told_firing = false;
      a.told_severity = Severity::None;
      a.told_flapping = false;
    }
  }
  return notices;
}

}  // namespace greenlight::alerting
