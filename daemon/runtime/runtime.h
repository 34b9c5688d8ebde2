#pragma once

// The thin runtime around the engine (engine/engine.h): one thread that collects what
// happened (probe results, heartbeats, ended actions, reload requests, silences) from an
// inbox, steps the engine with the clock's time, and carries out the effects: the probe
// runner starts probes, the outbox journals notifications and delivery sends them, the
// action runner starts actions, the log and the event history are written, a reload's
// receivers, silences and log level are applied, and the snapshot readers see is
// published. It decides nothing.
// Thread-safety: run() on exactly one thread; every other public method from any thread.

#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "daemon/runtime/actions.h"
#include "daemon/runtime/delivery.h"
#include "daemon/stores/events.h"
#include "daemon/stores/heartbeats.h"
#include "daemon/runtime/log.h"
#include "daemon/runtime/metrics.h"
#include "daemon/stores/outbox.h"
#include "daemon/stores/silences.h"
#include "engine/engine.h"
#include "model/clock.h"
#include "probes/runner.h"

namespace greenlight::daemon {

struct ReloadResult {
  bool ok = false;
  std::vector<std::string> errors;  // FILE:LINE:COL: error: ... lines
};

// The adapters the runtime carries effects out with; all outlive it.
struct Adapters {
  Log& log;
  Metrics& metrics;
  HeartbeatStore& heartbeats;
  probes::ProbeRunner& probes;
  Outbox& outbox;
  Delivery& delivery;
  SilenceStore& silences;
  EventLog& events;
  ActionRunner& actions;
};

// Reads what state_dir holds for a start of `m` (state, journal, actions, heartbeats).
engine::Restored restore(const model::Model& m, const Outbox::Replay& replay, const HeartbeatStore& heartbeats,
                         model::TimePoint now);
// state_dir/slo.bin for Restored::slo; a bad one is renamed aside and logged (slo_store.h).
std::string restore_slo(const std::string& state_dir, Log& log, model::TimePoint now);

class Runtime {
 public:
  Runtime(std::unique_ptr<engine::Engine> engine, std::string config_path, const model::Clock& clock, Adapters io);
  ~Runtime();

  // The loop; returns when `stop` is requested, after saving the state.
  void run(std::stop_token stop);

  std::shared_ptr<const engine::Snapshot> snapshot() const { return snapshot_.load(); }

  // Re-reads the config file and swaps the model if it is valid; the old one keeps
  // running otherwise. The future is ready once the runtime has decided.
  std::future<ReloadResult> request_reload();
  // A heartbeat arrived for `component/signal` (already recorded in the store).
  void heartbeat_received(engine::HeartbeatPing ping);

 private:
  struct Inbox {
    std::vector<engine::ProbeResult> results;
    std::vector<std::promise<ReloadResult>> reloads;
    std::vector<engine::HeartbeatPing> heartbeats;
    std::vector<ActionResult> actions;
    bool empty() const { return results.empty() && reloads.empty() && heartbeats.empty() && actions.empty(); }
  };

  engine::Inputs collect(Inbox& inbox);
  // Reads and checks the config file; the new model, or nullptr and `result` says why.
  std::shared_ptr<const model::Model> load_for_reload(ReloadResult& result, model::TimePoint now);
  void carry_out(engine::Effects& fx, engine::Now now);
  void start_probes(const std::vector<engine::ProbeStart>& starts);
  void start_actions(std::vector<engine::ActionRun>& runs);
  void apply_reload();
  void publish(engine::Now now);
  engine::Now now() const { return {clock_.now_system(), clock_.now_steady()}; }

  std::unique_ptr<engine::Engine> engine_;  // runtime thread only
  std::string config_path_;
  const model::Clock& clock_;
  Adapters io_;
  std::uint64_t silences_seen_ = ~std::uint64_t{0};  // runtime thread only

  std::mutex mutex_;
  std::condition_variable_any wake_;
  Inbox inbox_;  // guarded by mutex_
  engine::SteadyTime sleeping_until_ = engine::SteadyTime::min();  // guarded by mutex_: the runtime's wake-up
  bool ready_seen_ = false;  // the engine was ready once (its first round done) since the last load

  std::atomic<std::shared_ptr<const engine::Snapshot>> snapshot_;
};

}  // namespace greenlight::daemon
