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
  // The journal key: the wire id (the same on every replica) and this replica's start of
  // the alert, so that two incidents of one alert are two entries (see Notification::id).
  n.id = notification_id(record, reason, receiver) + "@" +
         std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(a.starts_at.time_since_epoch()).count()) +
         id_suffix;
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
      // The receiver was never told of a firing still held: neither is sent. Any other
      // held notice (a severity change, a flapping notice, the firing a flapping alert
      // settled in) gives way to the resolve: the receiver heard of the firing before it.
      const bool never_told = it->first_word;
      held_.erase(it);
      if (never_told) return;
    } else {
      // A severity change folds into a held firing (still a firing) or severity change; a
      // flapping notice stays one (it tells of the firing too, and says that it flaps).
      if (n.reason != NotifyReason::Flapping) n.reason = it->reason;
      n.id = notification_id(n.record, n.reason, n.receiver);
      n.not_before = it->not_before;
      n.created_at = it->created_at;
      n.first_word = it->first_word;
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

std::vector<Notification> Dispatcher::release(const Model& m, const HealthState& st, const AlertBook& book,
                                              TimePoint now) {
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
  stamp(m, st, book, out);
  return out;
}

bool Dispatcher::group_alive(const std::string& key, const std::string& receiver) const {
  for (const auto& [alert, receivers] : told_) {
    const auto t = receivers.find(receiver);
    if (t != receivers.end() && t->second.group_key == key) return true;
  }
  return false;
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
  // Joins the batch waiting, or the one due now and not yet released (decided in the same
  // alert pass: a flow's alert_after ending with the group's group_wait).
  const bool due_unreleased = std::any_of(held_.begin(), held_.end(), [&](const Notification& h) {
    return h.group_key == key && h.not_before == it->second;
  });
  if (it->second > now || due_unreleased) return it->second;
  // The group's next tick: its last send plus a whole number of group_intervals.
  const auto interval = std::max(route.group_interval, model::Duration{1});
  const auto ticks = (now - it->second + interval - model::Duration{1}) / interval;
  return it->second += ticks * interval;
}

std::vector<Notification> Dispatcher::dispatch(const Model& m, const HealthState& st, const AlertBook& book,
                                               const std::vector<Notice>& notices, TimePoint now) {
  std::vector<Notification> out;
  // Forget the label values of groups that ended (nothing held, no schedule left).
  std::erase_if(group_labels_, [&](const auto& g) {
    return !groups_.count(g.first) &&
           std::none_of(held_.begin(), held_.end(), [&](const Notification& h) { return h.group_key == g.first; });
  });
  for (const Notice& n : notices) {
    const Alert& a = book.alerts()[n.alert];
    const nlohmann::json record = alert_record(m, st, a, n);
    if (n.reason == NotifyReason::Resolved) {
      auto it = told_.find(a.id);
      if (it == told_.end()) continue;
      const auto receivers = std::move(it->second);
      told_.erase(it);
      repeat_count_.erase(a.id);
      const auto routes = route_alert(m.alerting.routes, a.labels, n.severity);
      for (const auto& [receiver, t] : receivers) {
        const bool group_ends = !t.group_key.empty() && !group_alive(t.group_key, receiver);
        TimePoint when = now;
        if (!t.group_key.empty() && !group_ends) {
          // Others of its group still fire: the resolve keeps to the group's schedule.
          const model::Route* route = nullptr;
          for (const RouteMatch& r : routes) {
            if (r.receiver == receiver && r.route->grouped() && (route == nullptr || r.group_key == t.group_key)) {
              route = r.route;
            }
          }
          if (route != nullptr) when = group_slot(t.group_key, *route, now);
        }
        hold_or_send(make(record, a, n.reason, n.severity, receiver, now, when, t.group_key), now, out);
        if (group_ends) {
          // Everything in the group resolved: the group's resolve goes at once, with the
          // resolves it held, not a group_interval later (SPEC 6.1); the next outage
          // starts a new group.
          for (auto h = held_.begin(); h != held_.end();) {
            if (h->group_key == t.group_key && h->receiver == receiver) {
              h->not_before = now;
              out.push_back(std::move(*h));
              h = held_.erase(h);
            } else {
              ++h;
            }
          }
          groups_.erase(t.group_key);
        }
      }
      continue;
    }
    auto& told = told_[a.id];
    for (const RouteMatch& r : route_alert(m.alerting.routes, a.labels, n.severity)) {
      const Receiver* receiver = find_receiver(m, r.receiver);
      if (receiver == nullptr) continue;
      const auto prev = told.find(r.receiver);
      // An alert stays in the group it was told in until it resolves, even when its root
      // cause changes meanwhile: the receiver's incident does not split under it.
      // Alertmanager receivers get every alert as it happens, with its root_cause label:
      // Alertmanager groups, waits and batches by itself (SPEC 6.1), and a second layer
      // of group_wait / group_interval here would only delay what it sees.
      const bool grouped = r.route->grouped() && receiver->type != ReceiverType::Alertmanager;
      std::string key = grouped ? r.group_key : "";
      if (grouped && prev != told.end() && !prev->second.group_key.empty()) key = prev->second.group_key;
      if (!key.empty() && key == r.group_key && !group_labels_.count(key)) {
        Labels& gl = group_labels_[key];
        for (const std::string& l : r.route->group_by) {
          const auto v = a.labels.find(l);
          gl[l] = v == a.labels.end() ? "" : v->second;
        }
      }
      // A flapping notice to a receiver already told of the firing is news now: it does not
      // wait for the group's next tick (with the default group_interval, 5 minutes).
      const bool news_now = n.reason == NotifyReason::Flapping && prev != told.end();
      const TimePoint when = news_now    ? now
                             : key.empty() ? (prev == told.end() ? now + r.route->group_wait : now)
                                           : group_slot(key, *r.route, now);
      Notification note = make(record, a, n.reason, n.severity, r.receiver, now, when, key);
      note.first_word = prev == told.end();
      hold_or_send(std::move(note), now, out);
      told[r.receiver] = {now, key};
    }
    if (told.empty()) told_.erase(a.id);
  }
  stamp(m, st, book, out);
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
  stamp(m, st, book, out);
  return out;
}

void Dispatcher::stamp(const Model& m, const HealthState& st, const AlertBook& book,
                       std::vector<Notification>& ns) const {
  std::map<std::pair<std::string, std::string>, nlohmann::json> done;  // (group, receiver) -> incident
  for (Notification& n : ns) {
    if (n.group_key.empty()) continue;
    nlohmann::json& incident = done[{n.group_key, n.receiver}];
    if (incident.is_null()) {
      Incident in;
      in.group_key = n.group_key;
      in.actions = &actions_;
      if (const auto gl = group_labels_.find(n.group_key); gl != group_labels_.end()) in.labels = gl->second;
      for (const auto& [alert_id, receivers] : told_) {
        const auto t = receivers.find(n.receiver);
        if (t == receivers.end() || t->second.group_key != n.group_key) continue;
        if (const auto i = book.find(alert_id)) in.firing.push_back(&book.alerts()[*i]);
      }
      for (const Notification& o : ns) {
        if (o.group_key == n.group_key && o.receiver == n.receiver) in.severity = std::max(in.severity, o.severity);
      }
      incident = incident_record(m, st, in);
    }
    n.incident = incident;
  }
}

void Dispatcher::restore_told(const std::string& alert_id, const std::string& receiver, TimePoint last_sent,
                              const std::string& group_key) {
  told_[alert_id][receiver] = {last_sent, group_key};
}

}  // namespace greenlight::alerting
