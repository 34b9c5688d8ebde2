#pragma once

// A simulated daemon for engine tests: the pure engine on a fake clock, with probes that
// answer at once with an outcome the test chooses per signal. run_for() steps the engine
// at every time it asks to be woken (and, with a probe latency, when results arrive), so
// a test reads like a timeline: "db fails at 10:00:05; by 10:00:40 one page went out".
// Everything the engine returns is recorded. No threads, sockets, files or sleeps.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/engine.h"

namespace greenlight::test {

class Sim {
 public:
  explicit Sim(std::shared_ptr<const model::Model> m, engine::Restored restored = {});
  // The fake wall clock's start, 2026-11-29T10:00:00Z (for Restored times before it).
  static model::TimePoint start();

  // What the probe of "component/signal" answers from now on (default: ok, value 0.01).
  void answer(const std::string& key, model::ProbeOutcome outcome);
  void fail(const std::string& key, const std::string& message = "connection refused");
  void pass(const std::string& key, double value = 0.01);
  // Probes of "component/signal" never return (a hung probe).
  void hang(const std::string& key);
  // The hung runs of "component/signal" return now, with its current answer; later runs
  // answer as usual.
  void resume(const std::string& key);

  // Steps the engine at each wake-up until `d` has passed.
  void run_for(model::Duration d);
  // One step now with these inputs (then run_for(0) is a no-op).
  engine::Effects step(engine::Inputs in = {});

  engine::Engine& engine() { return *engine_; }
  model::TimePoint now() const { return now_.wall; }
  model::Duration elapsed() const { return std::chrono::duration_cast<model::Duration>(now_.wall - t0_); }
  void set_silences(std::vector<alerting::Silence> s) { pending_.silences = std::move(s); }
  // A ping of "component/signal" now: a success, a start or a failure (with its message).
  void heartbeat(const std::string& component, const std::string& signal,
                 probes::PingKind kind = probes::PingKind::Success, const std::string& message = "",
                 std::optional<int> exit_code = std::nullopt);
  void action_done(const std::string& action, bool ok, const std::string& message = "");
  void reload(std::shared_ptr<const model::Model> m) { pending_.reload = std::move(m); }

  // Recorded effects, in order.
  std::vector<alerting::Notification> notifications;
  std::vector<model::TimePoint> sent_at;  // when each of `notifications` was returned
  std::vector<engine::ActionRun> actions;
  std::vector<model::TimePoint> started_at;  // when each of `actions` was returned
  std::vector<engine::LogLine> logs;
  std::vector<engine::Event> events;
  std::vector<std::pair<std::string, model::TimePoint>> heartbeat_anchors;  // to persist
  std::size_t probes_started = 0;
  std::size_t steps = 0;
  std::size_t publishes = 0;

  // "receiver reason alert_id" of every notification, e.g. "oncall firing flow/checkout".
  std::vector<std::string> sent() const;
  // The log lines whose event is `event`, as messages.
  std::vector<std::string> logged(const std::string& event) const;
  model::Health flow(const std::string& id) const;
  model::Health component(const std::string& id) const;

 private:
  void record(engine::Effects& fx);
  model::ProbeOutcome answer_of(const std::string& key) const;
  engine::Now now_;
  model::TimePoint t0_;
  std::unique_ptr<engine::Engine> engine_;
  std::map<std::string, model::ProbeOutcome> answers_;
  std::map<std::string, bool> hung_;
  std::vector<std::pair<std::string, engine::ProbeStart>> hung_runs_;  // key, run
  engine::Inputs pending_;
  engine::SteadyTime wake_at_{};
};

}  // namespace greenlight::test
