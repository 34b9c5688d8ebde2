#include "alerting/dispatch.h"

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
                  const std::string& receiver, TimePoint now, model::Duration wait, const std::string& id_suffix = "") {
  Notification n;
  n.record = record;
  n.id = notification_id(record, reason, receiver) + id_suffix;
  n.receiver = receiver;
  n.reason = reason;
  n.alert_id = a.id;
  n.severity = severity;
  n.created_at = now;
  n.not_before = now + wait;
  n.starts_at = a.starts_at;
  return n;
}

}  // namespace

std::vector<Notification> Dispatcher::dispatch(const Model& m, const HealthState& st, const AlertBook& book,
                                               const std::vector<Notice>& notices, TimePoint now) {
  std::vector<Notification> out;
  for (const Notice& n : notices) {
    const Alert& a = book.alerts()[n.alert];
    const nlohmann::json record = alert_record(m, st, a, n);
    if (n.reason == NotifyReason::Resolved) {
      auto it = told_.find(a.id);
      if (it == told_.end()) continue;
      for (const auto& [receiver, last] : it->second) out.push_back(make(record, a, n.reason, n.severity, receiver, now, {}));
      told_.erase(it);
      repeat_count_.erase(a.id);
      continue;
    }
    auto& told = told_[a.id];
    for (const RouteMatch& r : route_alert(m.alerting.routes, a.labels, n.severity)) {
      if (find_receiver(m, r.receiver) == nullptr) continue;
      // Only the first notification of an alert waits for its group.
      const model::Duration wait = told.count(r.receiver) ? model::Duration{0} : r.route->group_wait;
      out.push_back(make(record, a, n.reason, n.severity, r.receiver, now, wait));
      told[r.receiver] = now;
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
    for (auto& [receiver, last] : it->second) {
      const Receiver* r = find_receiver(m, receiver);
      if (r == nullptr) continue;
      model::Duration every = r->type == ReceiverType::Alertmanager ? kAlertmanagerResend : model::Duration::max();
      for (const RouteMatch& rm : routes) {
        if (rm.receiver == receiver) every = std::min(every, rm.route->repeat_interval);
      }
      if (every == model::Duration::max() || now - last < every) continue;
      const Notice reminder{0, NotifyReason::Firing, a.told_severity, a.state, now};
      const nlohmann::json record = alert_record(m, st, a, reminder);
      out.push_back(make(record, a, NotifyReason::Firing, a.told_severity, receiver, now, {},
                         "-r" + std::to_string(++repeat_count_[a.id])));
      last = now;
    }
  }
  return out;
}

void Dispatcher::restore_told(const std::string& alert_id, const std::string& receiver, TimePoint last_sent) {
  told_[alert_id][receiver] = last_sent;
}

}  // namespace greenlight::alerting
