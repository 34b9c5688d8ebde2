#include "whatif/simulate.h"

#include <algorithm>
#include <sstream>

#include "alerting/dispatch.h"
#include "alerting/routing.h"
#include "dashboards/render.h"

namespace greenlight::whatif {

using namespace model;
using nlohmann::json;

namespace {

std::string bad_state(std::string_view id, std::string_view value) {
  return "\"" + std::string(id) + "\": state must be green, yellow, red or unknown, not \"" + std::string(value) + "\"";
}

// The longest a simulated state must hold before every notification it causes is decided:
// alert_after of the slowest flow, and the recovery hold-down.
Duration decision_wait(const Model& m) {
  Duration wait = m.alerting.hold_down;
  for (const Flow& f : m.flows) wait = std::max(wait, f.alert_after.value_or(Duration{0}));
  return wait + Duration{1};
}

// The longest a decided notification can be held for its group.
Duration group_wait(const std::vector<Route>& routes) {
  Duration wait{0};
  for (const Route& r : routes) wait = std::max({wait, r.group_wait, r.group_interval, group_wait(r.routes)});
  return wait;
}

void quiet_alerts(const Model& m, const alerting::AlertBook& book, Simulation& out) {
  for (const alerting::Alert& a : book.alerts()) {
    if (a.status != alerting::AlertStatus::Firing || a.severity == Severity::None) continue;
    if (a.silenced) {
      out.quiet.emplace_back(a.id, "silenced");
    } else if (a.suppressed || a.held_down) {
      out.quiet.emplace_back(a.id, "suppressed");
    } else if (alerting::route_alert(m.alerting.routes, a.labels, a.severity).empty()) {
      out.quiet.emplace_back(a.id, "no route");
    }
  }
}

// The alert book and dispatcher rebuilt from what the snapshot says receivers were told,
// run on the simulated state until every decision it causes is made.
void decide_notifications(const engine::Snapshot& snap, const std::vector<alerting::Silence>& silences,
                          TimePoint now, Simulation& out) {
  const Model& m = *snap.model;
  alerting::AlertBook book(m);
  alerting::Dispatcher dispatcher;
  for (const alerting::Alert& a : snap.alerts) {
    if (a.told_firing) book.restore_told(a.id, a.told_severity, a.starts_at);
  }
  for (const auto& [alert, receivers] : snap.told) {
    for (const std::string& r : receivers) dispatcher.restore_told(alert, r, now);
  }
  std::vector<alerting::Silence> active;
  for (alerting::Silence s : silences) {
    if (!s.active(now)) continue;
    s.ends_at = TimePoint::max();  // what is silenced now stays silenced while we wait
    active.push_back(std::move(s));
  }
  std::vector<std::uint8_t> failing;
  for (const alerting::ActionStatus& a : snap.actions) failing.push_back(a.failing ? 1 : 0);
  if (failing.size() != m.actions.size()) failing.clear();

  std::vector<alerting::Notification> sent;
  const auto take = [&](std::vector<alerting::Notification> ns) {
    sent.insert(sent.end(), std::make_move_iterator(ns.begin()), std::make_move_iterator(ns.end()));
  };
  const TimePoint decided = now + decision_wait(m);
  const HealthState& st = out.state;
  take(dispatcher.dispatch(m, st, book, book.update(m, st, active, now, failing), now));
  // Again once alert_after and hold-down have passed, if anything waits for them.
  const bool waiting = std::any_of(book.alerts().begin(), book.alerts().end(), [](const alerting::Alert& a) {
    return (a.status == alerting::AlertStatus::Pending && a.severity != Severity::None) || a.held_down;
  });
  if (waiting) take(dispatcher.dispatch(m, st, book, book.update(m, st, active, decided, failing), decided));
  take(dispatcher.release(m, st, book, decided + group_wait(m.alerting.routes) + Duration{1}));
  // A receiver reached through two routes (continue = true) may be told twice, as
  // Alertmanager would; who would be paged about what is listed once.
  for (const alerting::Notification& n : sent) {
    const WouldSend w{n.receiver, n.alert_id, n.severity, n.reason};
    if (std::find(out.notifications.begin(), out.notifications.end(), w) == out.notifications.end()) {
      out.notifications.push_back(w);
    }
  }
  quiet_alerts(m, book, out);
}

void merge(std::vector<RootCause>& into, const std::vector<RootCause>& more) {
  for (const RootCause& rc : more) {
    const bool seen = std::any_of(into.begin(), into.end(), [&](const RootCause& x) {
      return x.component == rc.component && x.signal == rc.signal;
    });
    if (!seen) into.push_back(rc);
  }
}

}  // namespace

RootCauses::RootCauses(const Model& m, const HealthState& st)
    : m_(m), st_(st), memo_(m.components.size()), done_(m.components.size(), 0) {}

const std::vector<RootCause>& RootCauses::of_component(ComponentIndex v) {
  if (done_[v]) return memo_[v];
  done_[v] = 1;
  const Health s = st_.components[v].state;
  std::vector<RootCause> out;
  if (s == Health::Green) return memo_[v];
  // As model's RootCauseFinder: the dependencies that explain the state, else a group's
  // members that are not green (unknown ones for an unknown group), else the own signals.
  bool explained = false;
  const auto deps = m_.graph.dependencies(v);
  const auto edges = m_.graph.dependency_edges(v);
  for (std::size_t i = 0; i < deps.size(); ++i) {
    if (edges[i].member || apply_impact(st_.components[deps[i]].state, edges[i].impact) != s) continue;
    explained = true;
    merge(out, of_component(deps[i]));
  }
  const Component& c = m_.components[v];
  const bool simulated = !st_.simulated.empty() && st_.simulated[v];
  if (!explained && c.is_group() && !simulated) {
    for (ComponentIndex member : c.members) {
      const Health ms = st_.components[member].state;
      if (s == Health::Unknown ? ms == Health::Unknown : ms != Health::Green) merge(out, of_component(member));
    }
    explained = true;
  }
  if (!explained) {
    for (SignalIndex sig = c.first_signal; sig < c.first_signal + c.signal_count; ++sig) {
      if (st_.signals[sig].state == s) out.push_back({v, sig, s});
    }
    if (out.empty()) out.push_back({v, kNoIndex, s});
  }
  return memo_[v] = std::move(out);
}

std::vector<RootCause> RootCauses::of_flow(FlowIndex f) {
  std::vector<RootCause> out;
  const Health s = st_.flows[f].state;
  if (s == Health::Green) return out;
  for (const FlowStep& step : m_.flows[f].steps) {
    if (apply_impact(st_.components[step.component].state, step.impact) == s) merge(out, of_component(step.component));
  }
  return out;
}

std::string parse_overrides(const json& body, Overrides& out) {
  if (!body.is_object()) return "the body must be a JSON object like {\"components\": {\"database\": \"red\"}}";
  for (const auto& [key, value] : body.items()) {
    if (key != "components" && key != "signals") {
      return "unknown key \"" + key + "\": the body takes \"components\" and \"signals\"";
    }
    if (!value.is_object()) return "\"" + key + "\" must map ids to states, like {\"database\": \"red\"}";
    auto& into = key == "components" ? out.components : out.signals;
    for (const auto& [id, state] : value.items()) {
      const auto h = state.is_string() ? parse_health(state.get<std::string>()) : std::nullopt;
      if (!h) return bad_state(id, state.is_string() ? state.get<std::string>() : state.dump());
      into.emplace_back(id, *h);
    }
  }
  return "";
}

std::string parse_assignment(std::string_view text, Overrides& out) {
  const auto eq = text.rfind('=');
  if (eq == std::string_view::npos || eq == 0) {
    return "--set takes ID=STATE, like database=red or pricing/health=yellow, not \"" + std::string(text) + "\"";
  }
  const std::string id(text.substr(0, eq));
  const auto h = parse_health(text.substr(eq + 1));
  if (!h) return bad_state(id, text.substr(eq + 1));
  (id.find('/') == std::string::npos ? out.components : out.signals).emplace_back(id, *h);
  return "";
}

std::string resolve(const Model& m, const Overrides& o, Resolved& out) {
  for (const auto& [id, h] : o.components) {
    const auto c = m.find_component(id);
    if (!c) return "no component \"" + id + "\"";
    out.components.emplace_back(*c, h);
  }
  for (const auto& [key, h] : o.signals) {
    const auto slash = key.find('/');
    const auto s = slash == std::string::npos ? std::nullopt
                                              : m.find_signal(key.substr(0, slash), key.substr(slash + 1));
    if (!s) return "no signal \"" + key + "\" (signals are named component/signal, like pricing/health)";
    out.signals.emplace_back(*s, h);
  }
  return "";
}

Changes apply(const Model& m, HealthState& st, const Resolved& r, TimePoint now) {
  std::vector<ComponentIndex> seeds;
  const auto set_signal = [&](SignalIndex s, Health h) {
    SignalState& ss = st.signals[s];
    if (ss.state != h) ss.since = now;
    ss.state = h;
    ss.has_data = true;
    ss.last_run = h;
    ss.streak = 0;
    ss.last_result = now;
    ss.last_ok = h != Health::Red;
    ss.value.reset();
    ss.message = "simulated " + std::string(to_string(h));
    seeds.push_back(m.signals[s].component);
  };
  for (const auto& [c, h] : r.components) {
    const Component& comp = m.components[c];
    if (!comp.is_group() && comp.signal_count > 0) {
      for (SignalIndex s = comp.first_signal; s < comp.first_signal + comp.signal_count; ++s) set_signal(s, h);
      continue;
    }
    if (st.simulated.empty()) st.simulated.assign(m.components.size(), std::nullopt);
    st.simulated[c] = h;
    seeds.push_back(c);
  }
  for (const auto& [s, h] : r.signals) set_signal(s, h);
  return propagate(m, st, seeds, now);
}

HealthState all_green(const Model& m, TimePoint now) {
  HealthState st = HealthState::initial(m, now);
  for (SignalIndex s = 0; s < m.signals.size(); ++s) {
    SignalState& ss = st.signals[s];
    ss.state = ss.last_run = Health::Green;
    ss.has_data = ss.last_ok = true;
    ss.last_result = now;
    ss.message = "ok";
  }
  evaluate_all(m, st, now);
  return st;
}

engine::Snapshot green_snapshot(std::shared_ptr<const Model> m, TimePoint now) {
  engine::Snapshot snap;
  snap.state = all_green(*m, now);
  snap.model = std::move(m);
  snap.evaluated_at = now;
  snap.ready = true;
  return snap;
}

Simulation simulate(const engine::Snapshot& snap, const std::vector<alerting::Silence>& silences, const Resolved& r,
                    TimePoint now) {
  const Model& m = *snap.model;
  Simulation out;
  out.state = snap.state;
  out.overall_was = snap.state.overall.state;
  apply(m, out.state, r, now);
  for (FlowIndex f = 0; f < m.flows.size(); ++f) {
    if (out.state.flows[f].state != snap.state.flows[f].state) {
      out.flows.push_back({f, snap.state.flows[f].state, out.state.flows[f].state});
    }
  }
  for (ComponentIndex c = 0; c < m.components.size(); ++c) {
    if (out.state.components[c].state != snap.state.components[c].state) {
      out.components.push_back({c, snap.state.components[c].state, out.state.components[c].state});
    }
  }
  decide_notifications(snap, silences, now, out);
  return out;
}

json simulation_json(const Model& m, const Simulation& s) {
  const HealthState& st = s.state;
  RootCauses causes(m, st);
  json flows = json::array(), components = json::array(), notifications = json::array(), quiet = json::array();
  for (const Changed& c : s.flows) {
    flows.push_back({{"id", m.flows[c.index].id},
                     {"name", m.flows[c.index].name},
                     {"state", to_string(c.state)},
                     {"was", to_string(c.was)},
                     {"criticality", to_string(m.flows[c.index].criticality)},
                     {"reason", describe_flow(m, st, c.index)},
                     {"root_causes", dashboards::root_causes_json(m, st, causes.of_flow(c.index))}});
  }
  for (const Changed& c : s.components) {
    components.push_back(
        {{"id", m.components[c.index].id},
         {"name", m.components[c.index].name},
         {"state", to_string(c.state)},
         {"was", to_string(c.was)},
         {"reason", describe_component(m, st, c.index)},
         {"root_causes", dashboards::root_causes_json(m, st, causes.of_component(c.index))}});
  }
  for (const WouldSend& n : s.notifications) {
    notifications.push_back({{"receiver", n.receiver},
                             {"alert", n.alert},
                             {"severity", to_string(n.severity)},
                             {"reason", alerting::to_string(n.reason)}});
  }
  for (const auto& [alert, why] : s.quiet) quiet.push_back({{"alert", alert}, {"why", why}});
  return {{"simulation", true},
          {"overall", to_string(st.overall.state)},
          {"overall_was", to_string(s.overall_was)},
          {"overall_detail", dashboards::overall_json(m, st)},
          {"flows", std::move(flows)},
          {"components", std::move(components)},
          {"notifications", std::move(notifications)},
          {"quiet", std::move(quiet)}};
}

std::string simulation_text(const Model& m, const Simulation& s) {
  const HealthState& st = s.state;
  std::ostringstream out;
  out << "SIMULATION (nothing was sent): overall " << to_string(st.overall.state) << " (was "
      << to_string(s.overall_was) << "): " << describe_overall(m, st) << "\n";
  const auto causes = [&](const std::vector<RootCause>& rcs) {
    for (const RootCause& rc : rcs) out << "      root cause " << describe_root_cause(m, st, rc) << "\n";
  };
  out << "\nFlows that change:" << (s.flows.empty() ? " none\n" : "\n");
  for (const Changed& c : s.flows) {
    out << "  " << m.flows[c.index].id << ": " << to_string(c.was) << " -> " << to_string(c.state) << " ("
        << to_string(m.flows[c.index].criticality) << "): " << describe_flow(m, st, c.index) << "\n";
    causes(root_causes_of_flow(m, st, c.index));
  }
  out << "\nComponents that change:" << (s.components.empty() ? " none\n" : "\n");
  for (const Changed& c : s.components) {
    out << "  " << m.components[c.index].id << ": " << to_string(c.was) << " -> " << to_string(c.state) << ": "
        << describe_component(m, st, c.index) << "\n";
  }
  out << "\nWould notify:" << (s.notifications.empty() ? " nobody\n" : "\n");
  for (const WouldSend& n : s.notifications) {
    out << "  " << n.receiver << ": " << alerting::to_string(n.reason) << " " << n.alert << " ("
        << to_string(n.severity) << ")\n";
  }
  for (const auto& [alert, why] : s.quiet) out << "  (not sent: " << alert << ", " << why << ")\n";
  return out.str();
}

}  // namespace greenlight::whatif
