#pragma once

// From notices to notifications, pure: which receivers hear of each transition.
//   - Firing and severity changes go where the routes send them; the receivers told of a
//     firing are remembered per alert;
//   - Resolved goes to every receiver told of the firing (SPEC 2), whatever the routes
//     say now, and then the alert is forgotten;
//   - a route's group_wait delays the first notification of an alert (not_before);
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

namespace greenlight::alerting {

struct Notification {
  std::string id;  // webhook-id / idempotency key: the same for a repeat of the same send
  std::string receiver;
  NotifyReason reason = NotifyReason::Firing;
  std::string alert_id;
  Severity severity = Severity::None;
  nlohmann::json record;  // alert_record at decision time
  TimePoint created_at{};
  TimePoint not_before{};  // group_wait
  TimePoint starts_at{};   // the incident's start (kept across restarts)
};

inline constexpr model::Duration kAlertmanagerResend{60'000};

class Dispatcher {
 public:
  std::vector<Notification> dispatch(const model::Model& m, const model::HealthState& st, const AlertBook& book,
                                     const std::vector<Notice>& notices, TimePoint now);
  // Reminders due at `now` (repeat_interval, Alertmanager re-sends).
  std::vector<Notification> repeats(const model::Model& m, const model::HealthState& st, const AlertBook& book,
                                    TimePoint now);

  // After a restart, from the delivery journal: `receiver` was told alert `alert_id` fires.
  void restore_told(const std::string& alert_id, const std::string& receiver, TimePoint last_sent);

  // Receivers currently told of each firing alert.
  const std::map<std::string, std::map<std::string, TimePoint>>& told() const { return told_; }

 private:
  // alert id -> receiver -> when it was last sent a notification (firing or reminder)
  std::map<std::string, std::map<std::string, TimePoint>> told_;
  std::map<std::string, int> repeat_count_;  // for distinct reminder ids
};

}  // namespace greenlight::alerting
