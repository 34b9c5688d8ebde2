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
//   - flapping (more than max_changes state changes in the window) holds every notice
//     until the state settles, then tells the settled truth once;
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

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "model/model.h"
#include "model/propagate.h"

namespace greenlight::alerting {

using model::Health;
using model::Severity;
using model::TimePoint;

// An alert is about a flow, a component, or a self-healing action that keeps failing
// (alerting/healing.h).
enum class SubjectKind : std::uint8_t { Flow, Component, Action };
std::string_view to_string(SubjectKind k);

enum class AlertStatus : std::uint8_t { Inactive, Pending, Firing };
std::string_view to_string(AlertStatus s);

enum class NotifyReason : std::uint8_t { Firing, SeverityChange, Resolved };
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

  bool flapping = false;
  bool suppressed = false;
  // Recovery hold-down: it was suppressed, the dependency that explained it recovered, and
  // its own signals have not all re-run since `held_since`: held as if still suppressed.
  bool held_down = false;
  TimePoint held_since{};
  bool silenced = false;
  std::deque<TimePoint> changes;  // state changes within the flapping window
  Health last_state = Health::Green;

  bool told_firing = false;  // receivers were told it fires (and not yet that it resolved)
  Severity told_severity = Severity::None;
};

struct Notice {
  std::size_t alert = 0;  // index into AlertBook::alerts()
  NotifyReason reason = NotifyReason::Firing;
  Severity severity = Severity::None;
  Health state = Health::Green;
  TimePoint at{};
  Severity previous = Severity::None;  // a SeverityChange's severity before it
};

// Label matchers of a silence (exact match on every label), active in [starts_at, ends_at).
struct Silence {
  std::string id;
  model::Labels match;
  TimePoint starts_at{}, ends_at{};
  std::string author, comment;
  bool active(TimePoint now) const { return starts_at <= now && now < ends_at; }
  bool matches(const model::Labels& labels) const;
};

// The labels routes and silences see: flow or component, its owner and criticality, the
// alert's severity and state, and the subject's own labels. An action's alert has its
// target's labels plus `action`.
model::Labels labels_of(const model::Model& m, SubjectKind kind, std::uint32_t index);

class AlertBook {
 public:
  explicit AlertBook(const model::Model& m);

  // Applies the evaluation state at `now` (after every evaluation, and on a regular tick
  // so that alert_after, flapping windows and silence ends are noticed without a state
  // change). Returns the notices to send, in alert order.
  // `failing_actions`: per action, 1 while it keeps failing (Healer::failing()); an
  // action's alert is red then, with its target's criticality.
  std::vector<Notice> update(const model::Model& m, const model::HealthState& st,
                             const std::vector<Silence>& silences, TimePoint now,
                             const std::vector<std::uint8_t>& failing_actions = {});

  const std::vector<Alert>& alerts() const { return alerts_; }

  // After a reload: an alert of the same id keeps what it was (pending since, firing since,
  // its flapping history, what receivers were told); only its labels come from the new
  // model. A reload does not restart alert_after.
  void carry_over(const AlertBook& old);
  // The index of the alert with this id.
  std::optional<std::size_t> find(std::string_view id) const;

  // After a restart: receivers were told this alert fires (from the delivery journal).
  // It is held firing, so the next evaluations neither page again nor lose the resolve.
  void restore_told(const std::string& alert_id, Severity severity, TimePoint starts_at);

 private:
  void assess(Alert& a, const model::Model& m, const model::HealthState& st, const std::vector<Silence>& silences,
              TimePoint now, const std::vector<std::uint8_t>& failing_actions) const;
  void suppress(const model::Model& m, const model::HealthState& st, TimePoint now);
  void hold_down(Alert& a, bool was_suppressed, const model::Model& m, const model::HealthState& st,
                 model::ComponentIndex c, TimePoint now) const;
  std::vector<Notice> reconcile(TimePoint now);

  std::vector<Alert> alerts_;
  std::vector<std::size_t> component_alert_;  // ComponentIndex -> alert index, or npos
  std::vector<std::uint8_t> suppressed_last_;  // per alert: suppressed in the previous update
};

}  // namespace greenlight::alerting
