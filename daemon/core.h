#pragma once

// The core thread: owns the model and its evaluation state. Probe results, heartbeats and
// reload requests arrive through an inbox; the scheduler decides what runs when; every
// change is applied with incremental propagation, logged (one line per state change), and
// published as an immutable Snapshot for readers.
// Thread-safety: run() on exactly one thread; every other public method from any thread.

#include <atomic>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "alerting/alerts.h"
#include "alerting/dispatch.h"
#include "daemon/actions.h"
#include "daemon/delivery.h"
#include "daemon/events.h"
#include "daemon/heartbeats.h"
#include "daemon/outbox.h"
#include "daemon/silences.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/probe_pool.h"
#include "engine/snapshot.h"
#include "model/clock.h"
#include "model/evaluate.h"

#include "net/http_client.h"

namespace greenlight::probes {
class HttpEngine;
}

namespace greenlight::daemon {

struct ReloadResult {
  bool ok = false;
  std::vector<std::string> errors;  // FILE:LINE:COL: error: ... lines
};

class Core {
 public:
  // Plain-http signals run on `http_engine` (one event loop); every other probe on `pool`.
  // `replay` is what the outbox journal says receivers were told before this start.
  Core(std::shared_ptr<const model::Model> model, std::string config_path, const model::Clock& clock, Log& log,
       Metrics& metrics, HeartbeatStore& heartbeats, ProbePool& pool, probes::HttpEngine& http_engine,
       Outbox& outbox, Delivery& delivery, SilenceStore& silences, EventLog& events, ActionRunner& actions, const Outbox::Replay& replay);
  ~Core();

  // The core loop; returns when `stop` is requested.
  void run(std::stop_token stop);

  std::shared_ptr<const engine::Snapshot> snapshot() const { return snapshot_.load(); }

  // Re-reads the config file and swaps the model if it is valid; the old one keeps
  // running otherwise. The future is ready once the core has decided.
  std::future<ReloadResult> request_reload();
  // A heartbeat arrived for `component/signal`: evaluate that signal now.
  void heartbeat_received(const std::string& component, const std::string& signal);

 private:
  struct Result {
    std::uint64_t generation;
    model::SignalIndex signal;
    model::ProbeOutcome outcome;
    double seconds;
  };
  struct Inbox {
    std::vector<Result> results;
    std::vector<std::promise<ReloadResult>> reloads;
    std::vector<std::pair<std::string, std::string>> heartbeats;
    std::vector<ActionResult> actions;
  };

  void start_probe(model::SignalIndex s, std::chrono::steady_clock::time_point slot);
  void apply(std::vector<Result>& results, bool& changed);
  void reload(std::vector<std::promise<ReloadResult>>& waiting, bool& changed);
  void log_changes(const model::Changes& changes);
  // Alert decisions on the current state; notifications journalled, then handed to delivery.
  void alert_pass(model::TimePoint now);
  // Self-healing: starts the actions due now; applies the ends of runs.
  void heal(const std::vector<alerting::Silence>& silences, model::TimePoint now);
  void action_finished(const ActionResult& r);
  void save_actions();
  void publish();

  std::shared_ptr<const model::Model> model_;  // core thread only
  model::HealthState state_;                   // core thread only
  std::string config_path_;
  const model::Clock& clock_;
  Log& log_;
  Metrics& metrics_;
  HeartbeatStore& heartbeats_;
  ProbePool& pool_;
  probes::HttpEngine& http_engine_;
  Outbox& outbox_;
  Delivery& delivery_;
  SilenceStore& silences_;
  EventLog& events_;
  ActionRunner& actions_;
  std::unique_ptr<alerting::AlertBook> book_;  // core thread only
  alerting::Dispatcher dispatcher_;            // core thread only
  std::unique_ptr<alerting::Healer> healer_;   // core thread only
  std::uint64_t generation_ = 0;           // core thread only
  model::TimePoint started_at_{};
  std::vector<std::uint8_t> has_run_;      // core thread only: first result seen per signal
  std::size_t first_results_ = 0;          // core thread only
  std::chrono::steady_clock::time_point first_round_deadline_{};
  bool ready_ = false;                     // core thread only
  bool dirty_ = false;                     // core thread only: state not yet published
  std::size_t restored_ = 0;               // signal states restored from state_dir at start
  std::size_t in_flight_ = 0;
  // HTTP probes started in this pass, handed to the engine together at its end.
  std::vector<std::pair<net::HttpRequest, std::function<void(net::HttpResponse)>>> http_batch_;              // core thread only: probes started, results not applied
  std::chrono::steady_clock::time_point last_publish_{};

  std::mutex mutex_;
  std::condition_variable_any wake_;
  Inbox inbox_;  // guarded by mutex_

  std::atomic<std::shared_ptr<const engine::Snapshot>> snapshot_;
  struct SchedulerBox;
  std::unique_ptr<SchedulerBox> scheduler_;  // core thread only
};

}  // namespace greenlight::daemon
