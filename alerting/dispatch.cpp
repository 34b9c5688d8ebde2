#include "alerting/dispatch.h"

#include <algorithm>

#include "alerting/content.h"
#include "alerting/routing.h"

namespace greenlight::alerting {

using namespace model;

namespace {

const Receiver* find_receiver(const Model& m, const std::string& name) {
  for (const Receiver& r : m.alerting.receivers) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

Notification make(const nlohmann::json& record, const Alert& a, NotifyReason reason, Severity severity,
                  const std::string& receiver, TimePoint now, TimePoint not_before, const std::string& group_key,
                  const std::string& id_suffix = "") {
  Notification n;
  n.record = record;
  n.id = notification_id(record, reason, receiver) + id_suffix;
  n.receiver = receiver;
  n.reason = reason;
  n.alert_id = a.id;
  n.severity = severity;
  n.created_at = now;
  n.not_before = not_before;
  n.group_key = group_key;
  n.starts_at = a.starts_at;
  return n;
}

}  // namespace

void Dispatcher::hold_or_send(Notification n, TimePoint now, std::vector<Notification>& out) {
  const auto it = std::find_if(held_.begin(), held_.end(), [&](const Notification& h) {
    return h.alert_id == n.alert_id && h.receiver == n.receiver && h.starts_at == n.starts_at;
  });
  if (it != held_.end()) {
    if (n.reason == NotifyReason::Resolved) {
      // The receiver was never told of a firing still held: neither is sent. A held
      // severity change gives way to the resolve.
      const bool never_told = it->reason == NotifyReason::Firing;
      held_.erase(it);
      if (never_told) return;
    } else {
      // A severity change folds into a held firing (still a firing) or severity change.
      n.reason = it->reason;
      n.id = notification_id(n.record, n.reason, n.receiver);
      n.not_before = it->not_before;
      n.created_at = it->created_at;
      *it = std::move(n);
      return;
    }
  }
  if (n.not_before <= now) {
    out.push_back(std::move(n));
  } else {
    held_.push_back(std::move(n));
  }
}

bool Dispatcher::is_held(const std::string& alert_id, const std::string& receiver) const {
  return std::any_of(held_.begin(), held_.end(),
                     [&](const Notification& h) { return h.alert_id == alert_id && h.receiver == receiver; });
}

std::vector<Notification> Dispatcher::release(TimePoint now) {
  std::vector<Notification> out;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->not_before <= now) {
      // Reminders count from when the receiver was told, not from the decision.
      if (auto a = told_.find(it->alert_id); a != told_.end()) {
        if (auto t = a->second.find(it->receiver); t != a->second.end()) t->second.last_sent = now;
      }
      out.push_back(std::move(*it));
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

TimePoint Dispatcher::group_slot(const std::string& key, const model::Route& route, TimePoint now) {
  auto it = groups_.find(key);
  if (it != groups_.end() && it->second <= now) {
    bool alive = false;  // a group with no alert left told has ended
    for (const auto& [alert, receivers] : told_) {
      for (const auto& [receiver, t] : receivers) alive = alive || t.group_key == key;
    }
    if (!alive) {
      groups_.erase(it);
      it = groups_.end();
    }
  }
  if (it == groups_.end()) return groups_[key] = now + route.group_wait;  // a new group
  if (it->second > now) return it->second;  // joins the batch waiting
  // The group's next tick: its last send plus a whole number of group_intervals.
  const auto interval = std::max(route.group_interval, model::Duration{1});
  const auto ticks = (now - it->second + interval - model::Duration{1}) / interval;
  return it->second += ticks * interval;
}

TimePoint Dispatcher::slot(const RouteMatch& r, bool first_of_alert, TimePoint now) {
  if (!r.route->group_by.empty()) return group_slot(r.group_key, *r.route, now);
  return first_of_alert ? now + r.route->group_wait : now;
}

std::vector<Notification> Dispatcher::dispatch(const Model& m, const HealthState& st, const AlertBook& book,
                                               const std::vector<Notice>& notices, TimePoint now) {
  std::vector<Notification> out;
  for (const Notice& n : notices) {
    const Alert& a = book.alerts()[n.alert];
    const nlohmann::json record = alert_record(m, st, a, n);
    if (n.reason == NotifyReason::Resolved) {
      auto it = told_.find(a.id);
      if (it == told_.end()) continue;
      const auto routes = route_alert(m.alerting.routes, a.labels, n.severity);
      for (const auto& [receiver, t] : it->second) {
        // A resolve keeps to its group's schedule while the route still groups it.
        TimePoint when = now;
        std::string group;
        for (const RouteMatch& r : routes) {
          if (r.receiver == receiver && !t.group_key.empty() && r.group_key == t.group_key) {
            when = group_slot(t.group_key, *r.route, now);
            group = t.group_key;
          }
        }
        hold_or_send(make(record, a, n.reason, n.severity, receiver, now, when, group), now, out);
      }
      told_.erase(a.id);
      repeat_count_.erase(a.id);
      continue;
    }
    auto& told = told_[a.id];
    for (const RouteMatch& r : route_alert(m.alerting.routes, a.labels, n.severity)) {
      if (find_receiver(m, r.receiver) == nullptr) continue;
      const bool grouped = !r.route->group_by.empty();
      const TimePoint when = slot(r, told.count(r.receiver) == 0, now);
      hold_or_send(make(record, a, n.reason, n.severity, r.receiver, now, when, grouped ? r.group_key : ""), now, out);
      told[r.receiver] = {now, grouped ? r.group_key : ""};
    }
    if (told.empty()) told_.erase(a.id);
  }
  return out;
}

std::vector<Notification> Dispatcher::repeats(const Model& m, const HealthState& st, const AlertBook& book,
                                              TimePoint now) {
  std::vector<Notification> out;
  for (const Alert& a : book.alerts()) {
    auto it = told_.find(a.id);
    if (it == told_.end() || !a.told_firing || a.flapping) continue;
    const auto routes = route_alert(m.alerting.routes, a.labels, a.told_severity);
    for (auto& [receiver, t] : it->second) {
      const Receiver* r = find_receiver(m, receiver);
      // A receiver whose firing is still held for its group has not been told yet: no
      // reminder (it would tell of the firing early, and a resolve folding the held firing
      // away would then leave it firing for ever).
      if (r == nullptr || is_held(a.id, receiver)) continue;
      model::Duration every = r->type == ReceiverType::Alertmanager ? kAlertmanagerResend : model::Duration::max();
      for (const RouteMatch& rm : routes) {
        if (rm.receiver == receiver) every = std::min(every, rm.route->repeat_interval);
      }
      if (every == model::Duration::max() || now - t.last_sent < every) continue;
      const Notice reminder{0, NotifyReason::Firing, a.told_severity, a.state, now};
      const nlohmann::json record = alert_record(m, st, a, reminder);
      out.push_back(make(record, a, NotifyReason::Firing, a.told_severity, receiver, now, now, t.group_key,
                         "-r" + std::to_string(++repeat_count_[a.id])));
      t.last_sent = now;
    }
  }
  return out;
}

void Dispatcher::restore_told(const std::string& alert_id, const std::string& receiver, TimePoint last_sent,
                              const std::string& group_key) {
  told_[alert_id][receiver] = {last_sent, group_key};
}

}  // namespace greenlight::alerting
