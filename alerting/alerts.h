#pragma once

// Alert decisions (SPEC 2), pure: functions of the model, the evaluation state and `now`.
//
// An alert exists for every flow, and for every component with `alert = true`, while its
// state is not green. Its severity comes from the criticality x state matrix. With
// `alert_after`, the non-green state must hold that long first (pending -> firing).
//
// What receivers are told is reconciled, not pushed: each alert remembers what it last
// told (`told_firing`, `told_severity`), and a notice is emitted whenever what the alert
// is differs from that and nothing holds it:
//   - flapping (below) tells once that the alert flaps and then nothing until it settles;
//   - a silence, or suppression (a component alert wholly explained by a dependency whose
//     own alert fires), holds firing and severity-change notices, never a resolve: whoever
//     was told of a firing is always told it resolved. When the hold ends and the alert
//     still fires, the firing is told then;
//   - recovery hold-down: when the dependency that suppressed an alert recovers, the alert
//     stays held until each of its component's own signals has a result from after the
//     recovery (at most [alerting] hold_down, 2m by default): a dependent whose own probe
//     has not re-run yet is not paged for a storm that is already over (SPEC 6.1);
//   - unknown holds a firing alert as it is: a red database whose probe data goes stale is
//     not "resolved" (nobody knows it is fixed), and neither is every alert in the
//     seconds after a restart before the first probes ran.
// Worked example: checkout turns red at 10:00 with alert_after 30s: pending. At 10:00:30
// still red: firing, a Firing notice (severity critical). Yellow at 10:02: SeverityChange
// (warning). Green at 10:05: Resolved. Had a silence covered 10:00-10:10, the firing and
// the severity change would have been held, and no resolve owed: nothing was told.
//
// Flapping (SPEC 6.1). Results, and so the flapping measure, are per signal
// (model/flapping.h: Icinga 2's weighted share of state changes over the last 21 results,
// 30 % / 25 % hysteresis); alerts are per flow, component or action. An alert flaps while
// one of its subject's root-cause components has a flapping signal of its own:
//   - the root causes are those of the alert's last yellow or red state (`flap_sources`),
//     so a flow that flaps between red and green stays flapping through its green
//     stretches; while it flaps they only accumulate (a second cause joining does not end
//     it), and it settles when none of them flaps any more;
//   - a signal that flaps but explains nothing the alert is (a redundant member that
//     flaps while the group holds, an unrelated dependency) does not make it flap;
//   - an action's alert never flaps (the healer's failing already has its own window).
// This was chosen over a 21-evaluation history per alert because alert passes are not
// results (they run every second and after any change, whatever the signals' intervals),
// and because the signal is where a flap is seen and fixed; a per-alert history would
// also need one per signal anyway to know which evaluations brought a result.
// What receivers get: when an alert that fires (or was told it fires) starts flapping,
// one Flapping notice; nothing while it flaps (no firing, resolve, severity change or
// reminder); when it settles, one notice of the settled truth: Firing in the state it
// settled in, or Resolved. Receivers told it flaps count as told of a firing, so the
// resolve is owed. While receivers hold the firing, a re-fire keeps `starts_at` (the same
// incident, the same dedup key). Flapping never hides an outage: a state held for a whole
// window of results has no change in it, so the signal stops flapping at most 20 results
// into an outage and the outage is told then. alert_after still applies: an alert that
// never held its state long enough to fire tells nothing, flapping or not.
// Worked example (tests/engine/flapping_test.cpp): checkout's http signal, 1 s interval,
// failures = 1, alternates red and green. Changes 1 to 5 are told as usual (firing,
// resolved, firing, resolved, firing: the share is 28.5 %); the 6th (33.9 %) makes it
// flap: one Flapping notice, then nothing while it alternates. When the target then stays
// down, the changes age out of the window (at most 20 results; 15 after 6 changes in a
// row), it settles red and a Firing notice goes out, with the flapping notice's dedup key;
// when it recovers, Resolved.

#include <optional>
#include <string>
#include <vector>

#include "alerting/label_matcher.h"
#include "model/model.h"
#include "model/propagate.h"

namespace greenlight::alerting {

using model::Health;
using model::Severity;
using model::TimePoint;

// An alert is about a flow, a component, a self-healing action that keeps failing
// (alerting/healing.h), or a flow's error budget burning (SPEC 6.2: "slo/FLOW/SEVERITY",
// index into Model::slo_alerts; its severity is the burn alert's, it fires while
// `BurnStatus::burning`, and it carries the flow's root_cause while the flow is not green,
// the flow's id before that, so a red flow and its fast burn are one incident).
enum class SubjectKind : std::uint8_t { Flow, Component, Action, Objective };

// Per Model::slo_alerts: whether one of its burn alerts fires, and why ("error budget
// burning at 14.4x over 1h"). Computed by the engine (engine/objectives.h).
struct BurnStatus {
  bool burning = false;
  std::string reason;
};
std::string_view to_string(SubjectKind k);

enum class AlertStatus : std::uint8_t { Inactive, Pending, Firing };
std::string_view to_string(AlertStatus s);

// Flapping: the alert started flapping (SPEC 6.1); receivers hear nothing more until it
// settles (Firing or Resolved).
enum class NotifyReason : std::uint8_t { Firing, SeverityChange, Resolved, Flapping };
std::string_view to_string(NotifyReason r);

struct Alert {
  SubjectKind kind = SubjectKind::Flow;
  std::uint32_t index = 0;  // FlowIndex, ComponentIndex or index into Model::actions
  std::string id;           // "flow/checkout", "component/db", "action/restart-db": the stable dedup key's core
  model::Labels labels;     // for routes and silences (see labels_of)

  AlertStatus status = AlertStatus::Inactive;
  Health state = Health::Green;
  Severity severity = Severity::None;
  TimePoint pending_since{}, starts_at{}, ends_at{};

  bool flapping = false;  // a root-cause component of its last yellow or red state flaps (see above)
  bool suppressed = false;
  // Recovery hold-down: it was suppressed, the dependency that explained it recovered, and
  // its own signals have not all re-run since `held_since`: held as if still suppressed.
  bool held_down = false;
  TimePoint held_since{};
  bool silenced = false;
  std::vector<model::ComponentIndex> flap_sources;  // those root-cause components, sorted

  bool told_firing = false;  // receivers were told it fires (and not yet that it resolved)
  Severity told_severity = Severity::None;
  bool told_flapping = false;  // receivers were told it flaps (and not yet that it settled)
  // What the state alone does not say: a burn alert's burn rate, "RTO of 15m exceeded".
  std::string note;
};

struct Notice {
  std::size_t alert = 0;  // index into AlertBook::alerts()
  NotifyReason reason = NotifyReason::Firing;
  Severity severity = Severity::None;
  Health state = Health::Green;
  TimePoint at{};
  Severity previous = Severity::None;  // a SeverityChange's severity before it
};

// Label matchers of a silence (exact match on every label of `match`, and every one of
// `matchers`, which the Alertmanager API adds), active in [starts_at, ends_at).
struct Silence {
  std::string id;
  model::Labels match;
  TimePoint starts_at{}, ends_at{};
  std::string author, comment;
  std::vector<LabelMatcher> matchers = {};  // defaulted: {id, match, ..., comment} stays valid
  bool active(TimePoint now) const { return starts_at <= now && now < ends_at; }
  bool matches(const model::Labels& labels) const;
};

// The `alertname` an alert has in Alertmanager (what greenlight sends an alertmanager
// receiver and shows at GET /api/v2/alerts): GreenlightFlowUnhealthy,
// GreenlightComponentUnhealthy or GreenlightActionFailing. Silences see it as a label, so a
// silence made from an alert in Grafana or Karma (all its labels) matches that alert.
std::string_view alertname(SubjectKind kind);

// The labels routes and silences see: flow or component, its owner and criticality, the
// alert's severity and state, and the subject's own labels. An action's alert has its
// target's labels plus `action`.
model::Labels labels_of(const model::Model& m, SubjectKind kind, std::uint32_t index);

// The `root_cause` label (SPEC 6.1): the ids of the subject's root-cause components
// (model::root_causes_of_flow / _of_component), sorted and joined with ",", e.g.
// "database" or "database,payments"; an action's alert has its target's (its target's id
// while the target itself is green). Routes group by it by default. AlertBook sets it
// while the subject is not green and keeps it while green, so a resolve carries the label
// of the firing it ends.
std::string root_cause_label(const model::Model& m, const model::HealthState& st, SubjectKind kind,
                             std::uint32_t index);
// The same from root causes already found: their components' ids, sorted, unique, joined.
std::string root_cause_key(const model::Model& m, const std::vector<model::RootCause>& causes);

class AlertBook {
 public:
  explicit AlertBook(const model::Model& m);

  // Applies the evaluation state at `now` (after every evaluation, and on a regular tick
  // so that alert_after and silence ends are noticed without a state change; flapping is
  // read from the signals' histories in `st`). Returns the notices to send, in alert order.
  // `failing_actions`: per action, 1 while it keeps failing (Healer::failing()); an
  // action's alert is red then, with its target's criticality.
  // `burns`: per Model::slo_alerts (empty: none burns).
  // A flow alert firing longer than the flow's `rto` is critical (note "RTO of 15m exceeded").
  std::vector<Notice> update(const model::Model& m, const model::HealthState& st,
                             const std::vector<Silence>& silences, TimePoint now,
                             const std::vector<std::uint8_t>& failing_actions = {},
                             const std::vector<BurnStatus>& burns = {});

  const std::vector<Alert>& alerts() const { return alerts_; }

  // After a reload: an alert of the same id keeps what it was (pending since, firing since,
  // flapping and its root-cause components, by id, what receivers were told); only its
  // labels come from the new model. A reload does not restart alert_after. (The signals'
  // flapping histories travel with their state: model/carry_over.h.)
  void carry_over(const model::Model& old_model, const AlertBook& old, const model::Model& m);
  // The index of the alert with this id.
  std::optional<std::size_t> find(std::string_view id) const;

  // After a restart: receivers were told this alert fires (from the delivery journal).
  // It is held firing, so the next evaluations neither page again nor lose the resolve.
  // `root_cause`: the firing's root_cause label (its resolve must carry the same labels:
  // Alertmanager tells alerts apart by them); "" when unknown.
  void restore_told(const std::string& alert_id, Severity severity, TimePoint starts_at,
                    const std::string& root_cause = "");

 private:
  void assess(Alert& a, const model::Model& m, const model::HealthState& st, const std::vector<Silence>& silences,
              TimePoint now, const std::vector<std::uint8_t>& failing_actions,
              const std::vector<BurnStatus>& burns) const;
  static void rto(Alert& a, const model::Model& m, TimePoint now);
  // `flaps`: per component, one of its own signals flaps (empty: none in the model does).
  static void assess_flapping(Alert& a, const model::Model& m, const model::HealthState& st, Health before,
                              const std::vector<std::uint8_t>& flaps);
  void suppress(const model::Model& m, const model::HealthState& st, TimePoint now);
  void hold_down(Alert& a, bool was_suppressed, const model::Model& m, const model::HealthState& st,
                 model::ComponentIndex c, TimePoint now) const;
  std::vector<Notice> reconcile(TimePoint now);

  std::vector<Alert> alerts_;
  std::vector<std::size_t> component_alert_;  // ComponentIndex -> alert index, or npos
  std::vector<std::uint8_t> suppressed_last_;  // per alert: suppressed in the previous update
};

}  // namespace greenlight::alerting
