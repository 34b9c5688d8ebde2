#pragma once

// What goes into one Engine::step and what comes out of it (engine/engine.h). Inputs are
// facts that happened since the previous step; effects are values the runtime carries
// out, in this order: write `actions_state`, start `actions`, journal then send
// `notifications`, start `probes`, write `logs` and `events`, apply a reload, publish.
// Nothing here does I/O.

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alerting/alerts.h"
#include "alerting/dispatch.h"
#include "model/evaluate.h"
#include "model/model.h"
#include "probes/heartbeat.h"

namespace greenlight::engine {

using SteadyTime = std::chrono::steady_clock::time_point;

// One instant, read once per step by the runtime (tests pass a fake one): the wall clock
// for evaluation, alerts, silences and actions; the steady clock for the probe schedule.
struct Now {
  model::TimePoint wall{};
  SteadyTime steady{};
};

// A probe run that finished. `generation` is the one its ProbeStart carried: a result of a
// model replaced since is dropped.
struct ProbeResult {
  std::uint64_t generation = 0;
  model::SignalIndex signal = 0;
  model::ProbeOutcome outcome;  // outcome.seconds: how long the run took
};

// A push heartbeat for "component/signal" (already persisted by the runtime): a success,
// a start, or a failure (with its message: the request body or "exit code N").
struct HeartbeatPing {
  std::string component, signal;
  model::TimePoint at{};
  probes::PingKind kind = probes::PingKind::Success;
  std::optional<int> exit_code;  // GET/POST .../{exit_code}
  std::string message;           // a failure's body, at most probes::kPingMessageMax bytes
};

// A self-healing run that ended.
struct ActionDone {
  std::string action;   // the action's name
  std::string outcome;  // "ok", "failed", "timeout"
  std::string message;  // one line
  std::string output;   // truncated stdout/stderr or response body
  double seconds = 0;
  bool ok() const { return outcome == "ok"; }
};

struct Inputs {
  std::vector<ProbeResult> results;
  std::vector<HeartbeatPing> heartbeats;
  std::vector<ActionDone> actions;
  // The current silences (configured and made through the API), when they changed.
  std::optional<std::vector<alerting::Silence>> silences;
  // A new, valid model to run from now on (SIGHUP, POST /-/reload).
  std::shared_ptr<const model::Model> reload;
  bool empty() const {
    return results.empty() && heartbeats.empty() && actions.empty() && !silences && !reload;
  }
};

// A probe to start now for `signal` of the model in force (Engine::model()).
struct ProbeStart {
  std::uint64_t generation = 0;
  model::SignalIndex signal = 0;
  SteadyTime slot{};  // when it was due: now - slot is the scheduling lag
};

// A self-healing action to start now; `trigger` is a URL action's JSON body.
struct ActionRun {
  model::Action action;
  nlohmann::json trigger;
};

enum class LogLevel { Debug, Info, Warn, Error };
using LogFields = std::vector<std::pair<std::string, std::string>>;

struct LogLine {
  LogLevel level = LogLevel::Info;
  std::string event;    // "state_change", "alert", "reloaded", ...
  std::string message;  // one human line
  LogFields fields;
};

// One entry of the recent history (GET /api/v1/events); seq is assigned by the event log.
struct Event {
  std::uint64_t seq = 0;
  model::TimePoint at{};
  std::string type;     // "state", "notification", "action", "reload"
  std::string message;  // one human line
  nlohmann::json detail = nlohmann::json::object();
};

struct Effects {
  std::vector<ProbeStart> probes;
  std::vector<alerting::Notification> notifications;  // journal first, then send
  std::vector<ActionRun> actions;
  // The healer's persistent state (state_dir/actions.json), written before `actions` start
  // so that a crash loop cannot run an action past max_attempts.
  std::optional<nlohmann::json> actions_state;
  std::vector<LogLine> logs;
  std::vector<Event> events;
  // Heartbeats seen for the first time ("component/signal", when): persist these first-seen
  // times (state_dir/heartbeats.json), so that a restart does not reset a never-pinged
  // heartbeat's clock (SPEC 5a).
  std::vector<std::pair<std::string, model::TimePoint>> heartbeat_anchors;
  // The objectives' histories (state_dir/slo.bin, engine/objectives.h), to write atomically.
  std::optional<std::string> slo_state;
  bool reloaded = false;  // a new model is in force: apply receivers, silences, log level
  bool publish = false;   // publish Engine::snapshot() now
  SteadyTime wake_at = SteadyTime::max();  // step again by then (earlier when inputs arrive)
};

}  // namespace greenlight::engine
