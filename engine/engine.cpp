#include "engine/engine.h"

#include <algorithm>
#include <utility>

#include "engine/narrate.h"
#include "model/carry_over.h"
#include "probes/heartbeat.h"

namespace greenlight::engine {

using namespace model;

Engine::Engine(std::shared_ptr<const Model> m, Now now, Restored restored)
    : model_(std::move(m)),
      book_(std::make_unique<alerting::AlertBook>(*model_)),
      healer_(std::make_unique<alerting::Healer>(*model_)),
      scheduler_(*model_, now.steady),
      heartbeats_(std::move(restored.heartbeats)),
      signals_restored_(restored.signals_restored) {
  // Receivers told of firings before this start: held firing, no second page.
  for (const Restored::Told& t : restored.told) {
    book_->restore_told(t.alert_id, t.severity, t.starts_at, t.root_cause);
    dispatcher_.restore_told(t.alert_id, t.receiver, t.last_sent, t.group_key);
  }
  if (!restored.actions.is_null()) healer_->restore(*model_, restored.actions);
  if (restored.state) {
    state_ = std::move(*restored.state);
  } else {
    state_ = HealthState::initial(*model_, now.wall);
    evaluate_all(*model_, state_, now.wall);
  }
  objectives_ = Objectives(*model_, state_, now.wall);
  if (!restored.slo.empty()) objectives_.restore(*model_, restored.slo, now.wall);
  trends_ = Trends(*model_);
  next_slo_save_ = now.wall + slo_save_every(objectives_.size());
  schedule(now);
  next_stale_check_ = now.steady + kStaleCheckEvery;
  next_alert_pass_ = now.steady;
}

void Engine::schedule(Now now) {
  scheduler_ = probes::Scheduler(*model_, now.steady);
  heartbeat_deadlines_.clear();
  heartbeat_deadline_.assign(model_->signals.size(), TimePoint::max());
  anchor_heartbeats(now);
  Duration max_timeout{0};
  for (const Signal& s : model_->signals) max_timeout = std::max(max_timeout, s.timeout);
  first_round_deadline_ = now.steady + std::max<std::chrono::nanoseconds>(probes::kFirstRoundSpread, scheduler_.first_round()) + max_timeout;
  has_run_.assign(model_->signals.size(), 0);
  for (SignalIndex s = 0; s < model_->signals.size(); ++s) {
    if (state_.signals[s].last_result != TimePoint{}) has_run_[s] = 1;
  }
  first_results_ = static_cast<std::size_t>(std::count(has_run_.begin(), has_run_.end(), 1));
}

Effects Engine::step(Inputs in, Now now) {
  Effects fx;
  bool changed = false;
  if (in.silences) {
    silences_ = std::move(*in.silences);
    changed = true;  // a silence may hold or release an alert at once
  }
  if (in.reload) {
    apply_reload(std::move(in.reload), now, fx);
    changed = true;
  }
  const std::size_t logged = fx.logs.size();
  apply_results(in.results, now, fx);
  apply_heartbeats(in.heartbeats, now, fx);
  if (!in.actions.empty()) {
    apply_action_ends(in.actions, now, fx);  // before start_due: their targets are re-probed now
    changed = true;
  }
  start_due(now, fx);
  evaluate_due_heartbeats(now, fx);
  if (!new_anchors_.empty()) fx.heartbeat_anchors = std::exchange(new_anchors_, {});
  if (now.steady >= next_stale_check_) {
    log_changes(expire_stale(*model_, state_, now.wall), now, fx);
    next_stale_check_ = now.steady + kStaleCheckEvery;
  }
  changed = changed || fx.logs.size() > logged;  // every state change is a log line
  if (changed || now.steady >= next_alert_pass_) {
    alert_pass(now, fx);
    next_alert_pass_ = now.steady + kAlertPassEvery;
    changed = true;  // alert flags are part of the snapshot
  }
  if (!ready_) check_ready(now, fx);
  if (fx.logs.size() > logged) changed = true;
  if (changed || (dirty_ && now.steady - last_publish_ >= kPublishEvery)) {
    fx.publish = true;
    last_publish_ = now.steady;
    dirty_ = false;
  }
  fx.wake_at = wake_at(now);
  return fx;
}

SteadyTime Engine::wake_at(Now now) const {
  SteadyTime at = std::min({scheduler_.next_due(), next_stale_check_, next_alert_pass_});
  if (dirty_) at = std::min(at, last_publish_ + kPublishEvery);
  if (!heartbeat_deadlines_.empty()) {
    const auto until = heartbeat_deadlines_.begin()->first - now.wall;
    at = std::min(at, now.steady + std::chrono::duration_cast<SteadyTime::duration>(until));
  }
  return std::max(at, now.steady + kTick);                      // at most one step per tick
}

void Engine::first_result(SignalIndex s) {
  if (has_run_[s]) return;
  has_run_[s] = 1;
  ++first_results_;
}

void Engine::apply_results(std::vector<ProbeResult>& results, Now now, Effects& fx) {
  for (ProbeResult& r : results) {
    if (in_flight_ > 0) --in_flight_;
    if (r.generation != generation_) continue;  // probed under a model since replaced
    scheduler_.finished(r.signal);
    first_result(r.signal);
    trends_.apply(*model_, r.signal, r.outcome, now.wall);
    log_changes(apply_result(*model_, state_, r.signal, r.outcome, now.wall), now, fx);
    dirty_ = true;  // values and messages change without a state change
  }
}

void Engine::anchor_heartbeats(Now now) {
  for (SignalIndex s = 0; s < model_->signals.size(); ++s) {
    if (model_->signals[s].kind != ProbeKind::Heartbeat) continue;
    const std::string key = model_->signal_key(s);
    probes::HeartbeatHistory& h = heartbeats_[key];
    if (h.first_seen) continue;
    h.first_seen = now.wall;
    new_anchors_.emplace_back(key, now.wall);
  }
}

void Engine::evaluate_heartbeat(SignalIndex s, Now now, Effects& fx) {
  // Never pushed: unknown until its deadline, counted from its first start with this
  // state_dir (SPEC 5a); scheduled: by its schedule and grace (SPEC 6.4).
  const probes::HeartbeatVerdict v = probes::judge_heartbeat(model_->signals[s], heartbeats_[model_->signal_key(s)],
                                                             now.wall);
  heartbeat_deadlines_.erase({heartbeat_deadline_[s], s});
  heartbeat_deadline_[s] = v.next_change && *v.next_change > now.wall ? *v.next_change : TimePoint::max();
  if (heartbeat_deadline_[s] != TimePoint::max()) heartbeat_deadlines_.insert({heartbeat_deadline_[s], s});
  first_result(s);
  log_changes(apply_result(*model_, state_, s, v.outcome, now.wall), now, fx);
  dirty_ = true;
}

void Engine::evaluate_due_heartbeats(Now now, Effects& fx) {
  while (!heartbeat_deadlines_.empty() && heartbeat_deadlines_.begin()->first <= now.wall) {
    evaluate_heartbeat(heartbeat_deadlines_.begin()->second, now, fx);  // re-files it later or not at all
  }
}

void Engine::apply_heartbeats(const std::vector<HeartbeatPing>& pings, Now now, Effects& fx) {
  for (const HeartbeatPing& p : pings) {
    probes::HeartbeatHistory& h = heartbeats_[p.component + "/" + p.signal];
    if (h.last_ping && p.at < *h.last_ping) continue;  // out of order: the newer one stands
    probes::record_ping(h, p.kind, p.exit_code, p.message, p.at);
    const auto s = model_->find_signal(p.component, p.signal);
    if (s && model_->signals[*s].kind == ProbeKind::Heartbeat) evaluate_heartbeat(*s, now, fx);
  }
}

void Engine::start_due(Now now, Effects& fx) {
  for (const probes::Scheduler::Due& due : scheduler_.take_due(now.steady)) {
    if (model_->signals[due.signal].kind == ProbeKind::Heartbeat) {
      scheduler_.finished(due.signal);  // evaluated here: nothing to wait for
      evaluate_heartbeat(due.signal, now, fx);
      continue;
    }
    ++in_flight_;
    fx.probes.push_back({generation_, due.signal, due.slot});
  }
}

void Engine::apply_reload(std::shared_ptr<const Model> m, Now now, Effects& fx) {
  CarriedState carried = carry_over(*model_, state_, *m, now.wall);
  Objectives objectives;
  objectives.carry_over(*model_, std::move(objectives_), *m, carried.state, now.wall);
  objectives_ = std::move(objectives);
  trends_ = Trends(*m);
  auto book = std::make_unique<alerting::AlertBook>(*m);
  book->carry_over(*model_, *book_, *m);
  resolve_removed(*book, now, fx);
  auto healer = std::make_unique<alerting::Healer>(*m);
  healer->carry_over(*model_, *healer_, *m);
  book_ = std::move(book);
  healer_ = std::move(healer);
  model_ = std::move(m);
  state_ = std::move(carried.state);
  ++generation_;
  schedule(now);
  log_changes(carried.changes, now, fx);
  fx.logs.push_back(reloaded_line(*model_, carried.signals_kept));
  fx.events.push_back({0, now.wall, "reload",
                       "configuration reloaded: " + std::to_string(model_->components.size()) + " components, " +
                           std::to_string(model_->flows.size()) + " flows",
                       {{"ok", true}}});
  fx.reloaded = true;
}

void Engine::resolve_removed(const alerting::AlertBook& next, Now now, Effects& fx) {
  // An alert the new model no longer has (its flow or component removed, or alert = false)
  // resolves for whoever was told of its firing: decided on the old model, which has it.
  std::vector<alerting::Notice> gone;
  for (std::size_t i = 0; i < book_->alerts().size(); ++i) {
    const alerting::Alert& a = book_->alerts()[i];
    if (!a.told_firing || next.find(a.id)) continue;
    gone.push_back({i, alerting::NotifyReason::Resolved, a.told_severity, a.state, now.wall});
    fx.logs.push_back({LogLevel::Info, "alert",
                       a.id + " resolved: no longer in the model after the reload",
                       {{"alert", a.id}, {"reason", "resolved"}}});
  }
  if (gone.empty()) return;
  auto ns = dispatcher_.dispatch(*model_, state_, *book_, gone, now.wall);
  fx.notifications.insert(fx.notifications.end(), std::make_move_iterator(ns.begin()),
                          std::make_move_iterator(ns.end()));
}

void Engine::apply_action_ends(const std::vector<ActionDone>& ends, Now now, Effects& fx) {
  const Model& m = *model_;
  for (const ActionDone& r : ends) {
    for (std::size_t i = 0; i < m.actions.size(); ++i) {
      if (m.actions[i].name != r.action) continue;
      healer_->finished(m, i, r.ok(), r.message, now.wall);
      reprobe_target(m.actions[i]);
    }
    narrate_action_end(r, now.wall, fx);
  }
  fx.actions_state = healer_->to_json(m);
}

void Engine::reprobe_target(const Action& a) {
  // Whether the run helped shows in its target's signals: they run now, not at their next
  // slot (an action is judged by the state verify_within after it).
  const auto component = [&](ComponentIndex c) {
    const Component& comp = model_->components[c];
    for (SignalIndex s = comp.first_signal; s < comp.first_signal + comp.signal_count; ++s) scheduler_.run_now(s);
  };
  if (a.component != kNoIndex) component(a.component);
  if (a.flow != kNoIndex) {
    for (const FlowStep& step : model_->flows[a.flow].steps) component(step.component);
  }
}

void Engine::heal(Now now, Effects& fx) {
  const Model& m = *model_;
  std::vector<std::string> held_before;
  for (const auto& s : healer_->status()) held_before.push_back(s.held);
  for (const alerting::ActionStart& start : healer_->due(m, state_, silences_, now.wall)) {
    const auto attempt = healer_->status()[start.action].attempts.size();
    fx.actions.push_back({m.actions[start.action], action_trigger(m, state_, start, attempt, now.wall)});
    narrate_action_start(m, start, now.wall, fx);
    // The attempt counts before it runs: a crash loop cannot exceed max_attempts.
    fx.actions_state = healer_->to_json(m);
  }
  for (const alerting::Verdict& v : healer_->take_verdicts()) {
    narrate_action_verdict(m.actions[v.action], v, now.wall, fx);
    fx.actions_state = healer_->to_json(m);
  }
  for (std::size_t i = 0; i < healer_->status().size() && i < held_before.size(); ++i) {
    const std::string& held = healer_->status()[i].held;
    // A cooldown is the expected pause between runs; silences and max_attempts are news.
    if (held.empty() || held == "cooldown" || held == held_before[i]) continue;
    narrate_action_held(m.actions[i], held, now.wall, fx);
  }
}

void Engine::alert_pass(Now now, Effects& fx) {
  heal(now, fx);
  dispatcher_.set_actions(healer_->status());  // the incidents say what was tried
  const TimePoint t = now.wall;
  evaluate_objectives(now, fx);
  const auto notices = book_->update(*model_, state_, silences_, t, healer_->failing(), objectives_.burns());
  auto ns = dispatcher_.dispatch(*model_, state_, *book_, notices, t);
  auto reminders = dispatcher_.repeats(*model_, state_, *book_, t);
  auto released = dispatcher_.release(*model_, state_, *book_, t);
  ns.insert(ns.end(), std::make_move_iterator(released.begin()), std::make_move_iterator(released.end()));
  ns.insert(ns.end(), std::make_move_iterator(reminders.begin()), std::make_move_iterator(reminders.end()));
  for (const alerting::Notice& n : notices) fx.logs.push_back(alert_line(book_->alerts()[n.alert], n));
  fx.notifications.insert(fx.notifications.end(), std::make_move_iterator(ns.begin()),
                          std::make_move_iterator(ns.end()));
}

void Engine::check_ready(Now now, Effects& fx) {
  if (first_results_ < model_->signals.size() && now.steady < first_round_deadline_) return;
  ready_ = true;
  fx.logs.push_back({LogLevel::Info, "ready",
                     "first evaluation finished: overall " + std::string(to_string(state_.overall.state)) + " (" +
                         describe_overall(*model_, state_) + ")",
                     {}});
}

void Engine::log_changes(const Changes& changes, Now now, Effects& fx) {
  if (changes.empty()) return;
  objectives_.record(changes, now.wall);
  narrate_changes(*model_, state_, changes, now.wall, fx);
}

void Engine::evaluate_objectives(Now now, Effects& fx) {
  if (objectives_.size() == 0) return;
  objectives_.evaluate(*model_, now.wall);
  for (FlowIndex f = 0; f < model_->flows.size(); ++f) {
    if (!model_->flows[f].objective) continue;
    log_changes(set_flow_trend(*model_, state_, f, objectives_.trend(f), now.wall), now, fx);
  }
  if (now.wall >= next_slo_save_) {
    fx.slo_state = objectives_.to_file(*model_);
    next_slo_save_ = now.wall + slo_save_every(objectives_.size());
  }
}

std::shared_ptr<const Snapshot> Engine::snapshot(Now now) const {
  auto snap = std::make_shared<Snapshot>();
  snap->model = model_;
  snap->state = state_;
  snap->evaluated_at = now.wall;
  snap->ready = ready_;
  snap->generation = generation_;
  snap->alerts = book_->alerts();
  snap->actions = healer_->status();
  snap->slos = objectives_.views(*model_, now.wall);
  for (SignalIndex s = 0; s < model_->signals.size(); ++s) {
    if (model_->signals[s].kind != ProbeKind::Heartbeat) continue;
    const auto it = heartbeats_.find(model_->signal_key(s));
    const probes::HeartbeatHistory h = it == heartbeats_.end() ? probes::HeartbeatHistory{} : it->second;
    const probes::HeartbeatVerdict v = probes::judge_heartbeat(model_->signals[s], h, now.wall);
    snap->heartbeats[s] = {h.last_ping, v.next_expected, v.late_by};
  }
  for (const auto& [alert, receivers] : dispatcher_.told()) {
    for (const auto& [receiver, told] : receivers) snap->told[alert].push_back(receiver);
  }
  return snap;
}

}  // namespace greenlight::engine
