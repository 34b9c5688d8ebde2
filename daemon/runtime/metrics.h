#pragma once

// Prometheus metrics (SPEC 4; the names are part of the contract). Counters and
// histograms live in a prometheus-cpp Registry; the state sets and signal values are
// rendered from the current Snapshot at scrape time. Thread-safety: all methods are safe
// from any thread.

#include <memory>
#include <string>

#include "engine/snapshot.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
class Gauge;
class Histogram;
}  // namespace prometheus

namespace greenlight::daemon {

class Metrics {
 public:
  Metrics();
  ~Metrics();

  void probe_run(model::ProbeKind kind, bool ok, double seconds);
  void evaluation(double seconds);
  void reload(bool ok, model::TimePoint at);
  // How late a probe started after its scheduled slot (queueing in the pool included).
  void schedule_lag(double seconds);
  void skipped(std::uint64_t total);
  // outcome: delivered, retried, failed, dropped (its receiver does not exist)
  void notification(const std::string& receiver, const std::string& outcome);
  // Creates a receiver's series at 0, so dashboards and rate() see them before the first page.
  void receiver(const std::string& receiver);
  // greenlight_action_runs_total{action,outcome}; action() creates an action's series at 0.
  void action(const std::string& action);
  void action_run(const std::string& action, const std::string& outcome);
  // The queue length moves by steps (atomic), never by Set from racing threads.
  void notification_queued(std::size_t n);
  void notification_dequeued();
  // A members_from group after a (re)load: greenlight_inventory_stale{group} 1 while its
  // file_sd files are bad (the last good members kept), and each such load counted in
  // greenlight_inventory_errors_total{group}.
  void inventory(const std::string& group, bool stale);

  // For families of a runtime part's own (daemon/runtime/cluster.h).
  prometheus::Registry& registry() { return *registry_; }

  // The text exposition (format 0.0.4) of everything, with state sets from `snap`.
  std::string render(const engine::Snapshot* snap) const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* probe_runs_;
  prometheus::Family<prometheus::Histogram>* probe_duration_;
  prometheus::Histogram* evaluation_duration_;
  prometheus::Gauge* reload_ok_;
  prometheus::Gauge* reload_timestamp_;
  prometheus::Histogram* schedule_lag_;
  // Series looked up once: a lookup by labels per probe result costs a map, a hash and a lock.
  static constexpr int kKinds = 8;
  prometheus::Counter* runs_ok_[kKinds]{};
  prometheus::Counter* runs_fail_[kKinds]{};
  prometheus::Histogram* duration_[kKinds]{};
  prometheus::Gauge* skipped_;
  prometheus::Family<prometheus::Counter>* notifications_;
  prometheus::Family<prometheus::Counter>* action_runs_;
  prometheus::Gauge* queue_length_;
  prometheus::Family<prometheus::Counter>* inventory_errors_;
  prometheus::Family<prometheus::Gauge>* inventory_stale_;
};

}  // namespace greenlight::daemon
