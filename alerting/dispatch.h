#pragma once

// From notices to notifications, pure: which receivers hear of each transition.
//   - Firing and severity changes go where the routes send them; the receivers told of a
//     firing are remembered per alert;
//   - Resolved goes to every receiver told of the firing (SPEC 2), whatever the routes
//     say now, and then the alert is forgotten;
//   - grouping, as Alertmanager's: on a grouped route (group_by defaults to
//     ["root_cause"], SPEC 6.1) the alerts with the same group_by label values for one
//     receiver form a group, one incident. A new group's first notifications wait
//     group_wait (collecting the burst of one outage), and every later change in the
//     group waits for the group's next tick (its first send plus a whole number of
//     group_intervals), so changes close together still go together; the notifications
//     of a group that are due together go out as one request (Notification::group_key;
//     the delivery batches them), each stamped with the group as it stands
//     (Notification::incident). An alert stays in the group it was told in until it
//     resolves, even if its root cause changes meanwhile. When the last alert of a group
//     resolves, the group's resolves go at once (not at its next tick) and the group
//     ends, so the next outage starts a new group. On a route with group_by = ["..."]
//     each alert is alone, and group_wait delays only its first notification;
//   - a notification that must wait is held here, not sent, and what happens to its alert
//     meanwhile is folded into it, so the receiver hears the alert's state at send time
//     once: a firing then a severity change is one firing at the new severity; a firing
//     then its resolve is nothing at all (nobody was told); a severity change then a
//     resolve is the resolve. release() hands over what has come due. (Held notifications
//     are not journalled: after a crash the restarted daemon decides them again.)
//   - while an alert fires, its receivers are reminded every repeat_interval, and
//     Alertmanager receivers every minute, before Alertmanager's default resolve timeout
//     (5m) would close the alert on its side.
// A notification carries its rendered record (alert_record) and a deterministic id.

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "alerting/alerts.h"
#include "alerting/healing.h"
#include "alerting/routing.h"

namespace greenlight::alerting {

struct Notification {
  // The outbox journal's key, unique per send on this replica: the wire id (wire_id()),
  // "@" and the alert's start in ms, and "-rN" for a reminder.
  std::string id;
  std::string receiver;
  NotifyReason reason = NotifyReason::Firing;
  std::string alert_id;
  Severity severity = Severity::None;
  nlohmann::json record;  // alert_record at decision time
  TimePoint created_at{};
  TimePoint not_before{};  // group_wait / group_interval
  std::string group_key;   // set on a grouped route: sent with the group's others
  TimePoint starts_at{};   // the alert's start (kept across restarts)
  // Held only: the receiver's first word of this firing. A resolve meeting it while it is
  // held cancels both (nobody was told); any other held notice gives way to the resolve.
  bool first_word = false;
  // A grouped notification's group as it stands when the notification goes out
  // (alerting/content.h incident_record): root cause, affected flows, the alerts still
  // firing, status and the group's dedup_key. null when not grouped.
  nlohmann::json incident;
};

// The id receivers see (webhook-id, the payload's "id"): derived only from the alert's
// dedup_key, the reason, the severity and the receiver, so the same on every replica
// (SPEC 6.5) and for a retry or a reminder of the same firing. Not unique over time: the
// next incident of the same alert reuses it, as it reuses the alert's dedup_key.
inline std::string wire_id(const Notification& n) { return n.id.substr(0, n.id.find('@')); }

inline constexpr model::Duration kAlertmanagerResend{60'000};

class Dispatcher {
 public:
  // The notifications to send now; those that must wait are held (see release()).
  std::vector<Notification> dispatch(const model::Model& m, const model::HealthState& st, const AlertBook& book,
                                     const std::vector<Notice>& notices, TimePoint now);
  // What self-healing is doing (Healer::status(), per model action), for the incidents'
  // notifications to say what was tried and whether it helped.
  void set_actions(std::vector<ActionStatus> actions) { actions_ = std::move(actions); }
  // Held notifications that have come due at `now`, in the order they were decided.
  std::vector<Notification> release(const model::Model& m, const model::HealthState& st, const AlertBook& book,
                                    TimePoint now);
  std::size_t held() const { return held_.size(); }
  // Reminders due at `now` (repeat_interval, Alertmanager re-sends).
  std::vector<Notification> repeats(const model::Model& m, const model::HealthState& st, const AlertBook& book,
                                    TimePoint now);

  // After a restart, from the delivery journal: `receiver` was told alert `alert_id` fires.
  void restore_told(const std::string& alert_id, const std::string& receiver, TimePoint last_sent,
                    const std::string& group_key = "");

  struct Told {
    TimePoint last_sent{};  // its last notification (firing or reminder)
    std::string group_key;
  };
  // Receivers currently told of each firing alert.
  const std::map<std::string, std::map<std::string, Told>>& told() const { return told_; }

 private:
  // When a notification of group `key` may go (see grouping above).
  TimePoint group_slot(const std::string& key, const model::Route& route, TimePoint now);
  // Whether `receiver` is still told of a firing alert of group `key`.
  bool group_alive(const std::string& key, const std::string& receiver) const;
  // Sets each grouped notification's `incident` from its group as it stands now.
  void stamp(const model::Model& m, const model::HealthState& st, const AlertBook& book,
             std::vector<Notification>& ns) const;

  std::map<std::string, std::map<std::string, Told>> told_;  // alert id -> receiver -> Told
  std::map<std::string, TimePoint> groups_;                  // group key -> its last or next send
  std::map<std::string, model::Labels> group_labels_;        // group key -> its group_by label values
  std::map<std::string, int> repeat_count_;                  // for distinct reminder ids
  std::vector<Notification> held_;                           // waiting for their group, in decision order
  std::vector<ActionStatus> actions_;                        // set_actions()
  bool is_held(const std::string& alert_id, const std::string& receiver) const;
  // Adds `n` to `out` (due now) or to the held ones, folding it into a held notification
  // of the same alert and receiver.
  void hold_or_send(Notification n, TimePoint now, std::vector<Notification>& out);
};

}  // namespace greenlight::alerting
