#pragma once

// The daemon as a function of inputs and time. The engine owns the model in force, its
// health state, the alert book, the dispatcher, the healer and the probe schedule, and
// strings them together; everything that touches the world (threads, sockets, files,
// processes, clocks) is the runtime's (daemon/runtime.h), which feeds step() what happened
// and carries out the effects it returns. Pure: no thread, socket, file or clock inside,
// and the build refuses an I/O dependency (cmake/PureTargets.cmake). So the same engine
// runs the daemon, a what-if simulation on a copy, or a test on a fake clock.
//
// One step, in order:
//   1. a reload (a new valid model) is applied: state carried over by id, alerts told
//      and actions' history kept, a new probe schedule, the old generation's results
//      dropped from then on;
//   2. probe results, heartbeats and ended actions are applied (incremental propagation;
//      one log line per state change, events for components, flows and overall);
//   3. the probes due now are handed out; heartbeat signals are evaluated in place;
//   4. every second, stale signals turn unknown;
//   5. after any change, and at least every second (alert_after, silences ending and
//      reminders depend on time alone), an alert pass: the healer's
//      due actions, the alert book's notices, the dispatcher's notifications (new, released
//      from group_wait, reminders);
//   6. readiness: every signal has run once, or the first round's deadline passed;
//   7. a snapshot is due after any change, and at most a second after new values;
//   8. when to step next.
// Worked example (tests/engine/engine_test.cpp): checkout's http signal fails at 10:00:00
// with failures = 1 and alert_after = 30s. The step with that result logs "signal
// checkout/http: green -> red", publishes, and pends the alert; the step at 10:00:30
// returns the firing notification for each routed receiver; the runtime journals and
// sends it.
// Thread-safety: none; one thread owns an engine.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "alerting/alerts.h"
#include "alerting/dispatch.h"
#include "alerting/healing.h"
#include "engine/effects.h"
#include "engine/objectives.h"
#include "engine/snapshot.h"
#include "engine/trends.h"
#include "model/propagate.h"
#include "probes/scheduler.h"

namespace greenlight::engine {

// The engine's timing: one decision per constant, in one place.
inline constexpr std::chrono::seconds kStaleCheckEvery{1};
// Readers see new values (latencies, messages) at most this late; state changes at once.
// Publishing copies the whole state, so it must not happen once per probe result.
inline constexpr std::chrono::seconds kPublishEvery{1};
// Steps are at least a tick apart: at 1,000 probes/s, a step per result costs more CPU
// than the probes. An arriving result wakes the runtime (it never polls for results), and
// waits at most one tick to be collected with the others.
inline constexpr std::chrono::milliseconds kTick{10};
inline constexpr std::chrono::seconds kAlertPassEvery{1};
// The objectives' histories go to state_dir this often (Effects::slo_state): every fine
// bucket (10 s), plus 10 ms per objective (a history is 14.4 KB: 10,000 objectives write
// 144 MB every 110 s). A SIGKILL loses at most that much of them.
inline model::Duration slo_save_every(std::size_t objectives) {
  return model::Duration{10'000 + 10 * static_cast<std::int64_t>(objectives)};
}

// What a restart brings back from state_dir (the runtime reads the files).
struct Restored {
  std::optional<model::HealthState> state;  // restored and evaluated (daemon/state_store.h)
  std::size_t signals_restored = 0;
  struct Told {  // a firing told to a receiver and not resolved (the outbox journal)
    std::string alert_id, receiver;
    model::Severity severity = model::Severity::None;
    model::TimePoint starts_at{}, last_sent{};
    std::string group_key;
    std::string root_cause{};  // the firing's root_cause label
  };
  std::vector<Told> told;
  nlohmann::json actions;  // state_dir/actions.json, or null
  // "component/signal" -> its pings and first-seen time (state_dir/heartbeats.json)
  std::map<std::string, probes::HeartbeatHistory> heartbeats;
  // state_dir/slo.bin (engine/objectives.h), or empty; a file that is not one must have
  // been set aside by the runtime (Objectives::valid_file).
  std::string slo;
};

class Engine {
 public:
  Engine(std::shared_ptr<const model::Model> m, Now now, Restored restored = {});

  Effects step(Inputs in, Now now);

  // The state as readers see it (an immutable copy).
  std::shared_ptr<const Snapshot> snapshot(Now now) const;

  const model::Model& model() const { return *model_; }
  const std::shared_ptr<const model::Model>& model_ptr() const { return model_; }
  const model::HealthState& state() const { return state_; }
  const alerting::AlertBook& alerts() const { return *book_; }
  const alerting::Dispatcher& dispatcher() const { return dispatcher_; }
  const alerting::Healer& healer() const { return *healer_; }
  std::uint64_t generation() const { return generation_; }
  bool ready() const { return ready_; }
  std::size_t in_flight() const { return in_flight_; }
  std::uint64_t skipped() const { return scheduler_.skipped(); }
  std::size_t signals_restored() const { return signals_restored_; }
  const Objectives& objectives() const { return objectives_; }

 private:
  void apply_reload(std::shared_ptr<const model::Model> m, Now now, Effects& fx);
  void resolve_removed(const alerting::AlertBook& next, Now now, Effects& fx);
  void apply_results(std::vector<ProbeResult>& results, Now now, Effects& fx);
  void apply_heartbeats(const std::vector<HeartbeatPing>& pings, Now now, Effects& fx);
  void apply_action_ends(const std::vector<ActionDone>& ends, Now now, Effects& fx);
  void start_due(Now now, Effects& fx);
  void evaluate_heartbeat(model::SignalIndex s, Now now, Effects& fx);
  void evaluate_due_heartbeats(Now now, Effects& fx);
  void anchor_heartbeats(Now now);  // first-seen times for heartbeats new to this state_dir
  void first_result(model::SignalIndex s);
  void alert_pass(Now now, Effects& fx);
  void heal(Now now, Effects& fx);
  void reprobe_target(const model::Action& a);
  void check_ready(Now now, Effects& fx);
  void log_changes(const model::Changes& changes, Now now, Effects& fx);
  void evaluate_objectives(Now now, Effects& fx);
  void schedule(Now now);  // a new probe schedule for the model in force
  SteadyTime wake_at(Now now) const;

  std::shared_ptr<const model::Model> model_;
  model::HealthState state_;
  std::unique_ptr<alerting::AlertBook> book_;
  alerting::Dispatcher dispatcher_;
  std::unique_ptr<alerting::Healer> healer_;
  probes::Scheduler scheduler_;
  std::vector<alerting::Silence> silences_;
  Objectives objectives_;  // SPEC 6.2: fed by log_changes, decided in the alert pass
  Trends trends_;
  model::TimePoint next_slo_save_{};
  std::map<std::string, probes::HeartbeatHistory> heartbeats_;  // "component/signal" -> pings
  std::vector<std::pair<std::string, model::TimePoint>> new_anchors_;  // not yet in Effects
  // Heartbeat deadlines (wall time) at which a signal's state changes by time alone: the
  // engine wakes up for them, however long its interval.
  std::set<std::pair<model::TimePoint, model::SignalIndex>> heartbeat_deadlines_;
  std::vector<model::TimePoint> heartbeat_deadline_;  // per signal; TimePoint::max(): none
  std::uint64_t generation_ = 0;
  std::size_t signals_restored_ = 0;
  std::vector<std::uint8_t> has_run_;  // per signal: a first result was seen
  std::size_t first_results_ = 0;
  SteadyTime first_round_deadline_{};
  bool ready_ = false;
  bool dirty_ = false;  // values changed since the last publish
  std::size_t in_flight_ = 0;
  SteadyTime last_publish_{};
  SteadyTime next_stale_check_{};
  SteadyTime next_alert_pass_{};
};

}  // namespace greenlight::engine
