#include "daemon/runtime/metrics.h"

#include "model/slo_history.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <charconv>
#include <cmath>
#include <map>
#include <sstream>
#include <string_view>

namespace greenlight::daemon {

using namespace model;

namespace {

const prometheus::Histogram::BucketBoundaries kProbeBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                            0.25,  0.5,    1,     2.5,  5,     10};
const prometheus::Histogram::BucketBoundaries kEvalBuckets{0.00001, 0.0001, 0.001, 0.01, 0.1, 1};
const prometheus::Histogram::BucketBoundaries kLagBuckets{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
                                                          0.1,    0.2,   0.5,   1,     2,    5};

// The families rendered from the snapshot are written straight as text (format 0.0.4):
// built as prometheus-cpp ClientMetrics first, 10,000 components took about 30 MiB for
// the length of a scrape (a label vector and a full metric per series), for a text of 3.
class TextWriter {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;
  explicit TextWriter(std::string& out) : out_(out) {}

  void family(std::string_view name, std::string_view help) {
    name_ = name;
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    escape(help, false);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += " gauge\n";
  }
  void sample(Labels labels, double v, std::string_view extra_name = {}, std::string_view extra_value = {}) {
    out_ += name_;
    char sep = '{';
    for (const auto& [k, val] : labels) label(sep, k, val);
    if (!extra_name.empty()) label(sep, extra_name, extra_value);
    if (sep == ',') out_ += '}';
    out_ += ' ';
    value(v);
    out_ += '\n';
  }
  // A state set (OpenMetrics style): one series per state, 1 for the current one.
  void state_set(Labels labels, Health h) {
    for (Health s : {Health::Green, Health::Unknown, Health::Yellow, Health::Red}) {
      sample(labels, s == h ? 1 : 0, "state", to_string(s));
    }
  }

 private:
  void label(char& sep, std::string_view k, std::string_view v) {
    out_ += sep;
    sep = ',';
    out_ += k;
    out_ += "=\"";
    escape(v, true);
    out_ += '"';
  }
  // Label values escape \\, \" and newlines; help texts only \\ and newlines.
  void escape(std::string_view s, bool quotes) {
    for (char c : s) {
      if (c == '\\') {
        out_ += "\\\\";
      } else if (c == '\n') {
        out_ += "\\n";
      } else if (c == '"' && quotes) {
        out_ += "\\\"";
      } else {
        out_ += c;
      }
    }
  }
  void value(double v) {
    if (std::isnan(v)) {
      out_ += "NaN";
    } else if (std::isinf(v)) {
      out_ += v > 0 ? "+Inf" : "-Inf";
    } else {
      char buf[32];
      const auto r = std::to_chars(buf, buf + sizeof buf, v);  // the shortest text that reads back as v
      out_.append(buf, r.ptr);
    }
  }
  std::string& out_;
  std::string_view name_;
};

// Alerts by severity and status (firing, pending; suppressed and silenced are firing
// alerts held back from receivers).
template <typename Alerts>
void render_alerts(TextWriter& w, const Alerts& alerts) {
  std::map<std::pair<std::string_view, std::string_view>, int> counts;
  for (const alerting::Alert& a : alerts) {
    if (a.status == alerting::AlertStatus::Inactive) continue;
    std::string_view status = alerting::to_string(a.status);
    if (a.status == alerting::AlertStatus::Firing && a.suppressed) status = "suppressed";
    if (a.status == alerting::AlertStatus::Firing && a.silenced) status = "silenced";
    ++counts[{to_string(a.severity), status}];
  }
  w.family("greenlight_alerts", "Active alerts by severity and status.");
  for (std::string_view sev : {"critical", "error", "warning", "info", "none"}) {
    for (std::string_view status : {"firing", "pending", "suppressed", "silenced"}) {
      w.sample({{"severity", sev}, {"status", status}}, counts[{sev, status}]);
    }
  }
}

// Objectives (SPEC 6.2).
void render_slos(TextWriter& w, const Model& m, const engine::SloViews& slos) {
  w.family("greenlight_slo_target", "Each flow objective's target (a fraction, 0.999).");
  for (const engine::SloView& v : slos.objectives) w.sample({{"flow", m.flows[v.flow].id}}, v.target);
  w.family("greenlight_slo_error_budget_remaining",
           "Share of the error budget left over the objective's window (below 0: overspent).");
  for (const engine::SloView& v : slos.objectives) w.sample({{"flow", m.flows[v.flow].id}}, v.budget_remaining);
  w.family("greenlight_slo_burn_rate", "Burn rate of each objective's error budget per window.");
  for (const engine::SloView& v : slos.objectives) {
    for (const auto& [win, rate] : v.burn_rates) w.sample({{"flow", m.flows[v.flow].id}, {"window", window_name(win)}}, rate);
  }
}

}  // namespace

Metrics::Metrics() : registry_(std::make_shared<prometheus::Registry>()) {
  probe_runs_ = &prometheus::BuildCounter()
                     .Name("greenlight_probe_runs_total")
                     .Help("Probe runs by probe type and result (ok or fail).")
                     .Register(*registry_);
  probe_duration_ = &prometheus::BuildHistogram()
                         .Name("greenlight_probe_duration_seconds")
                         .Help("Wall time of probe runs, by probe type.")
                         .Register(*registry_);
  evaluation_duration_ = &prometheus::BuildHistogram()
                              .Name("greenlight_evaluation_duration_seconds")
                              .Help("Time to apply a batch of probe results and propagate the changes.")
                              .Register(*registry_)
                              .Add({}, kEvalBuckets);
  reload_ok_ = &prometheus::BuildGauge()
                    .Name("greenlight_config_last_reload_successful")
                    .Help("Whether the last configuration (re)load succeeded (1) or failed (0).")
                    .Register(*registry_)
                    .Add({});
  reload_timestamp_ = &prometheus::BuildGauge()
                           .Name("greenlight_config_last_reload_success_timestamp_seconds")
                           .Help("Time of the last successful configuration (re)load, in Unix seconds.")
                           .Register(*registry_)
                           .Add({});
  schedule_lag_ = &prometheus::BuildHistogram()
                       .Name("greenlight_probe_schedule_lag_seconds")
                       .Help("How late probes start after their scheduled slot.")
                       .Register(*registry_)
                       .Add({}, kLagBuckets);
  skipped_ = &prometheus::BuildGauge()
                  .Name("greenlight_probe_slots_skipped")
                  .Help("Scheduled probe slots skipped since start because the previous run was still in flight.")
                  .Register(*registry_)
                  .Add({});
  notifications_ = &prometheus::BuildCounter()
                        .Name("greenlight_notifications_total")
                        .Help("Notification attempts by receiver and outcome (delivered, retried, failed; dropped: no such receiver).")
                        .Register(*registry_);
  action_runs_ = &prometheus::BuildCounter()
                      .Name("greenlight_action_runs_total")
                      .Help("Self-healing action runs by action and outcome (ok, failed, timeout).")
                      .Register(*registry_);
  queue_length_ = &prometheus::BuildGauge()
                       .Name("greenlight_notification_queue_length")
                       .Help("Notifications decided and not yet delivered (or failed for good).")
                       .Register(*registry_)
                       .Add({});
  inventory_errors_ = &prometheus::BuildCounter()
                          .Name("greenlight_inventory_errors_total")
                          .Help("(Re)loads that found a members_from group's file_sd files bad (bad JSON, a bad "
                                "target, no targets) and kept its last good members.")
                          .Register(*registry_);
  inventory_stale_ = &prometheus::BuildGauge()
                          .Name("greenlight_inventory_stale")
                          .Help("1 while a members_from group runs on its last good members because its file_sd "
                                "files are bad.")
                          .Register(*registry_);
  static_assert(static_cast<int>(ProbeKind::Scrape) + 1 == kKinds);
  for (int k = 0; k < kKinds; ++k) {
    const std::string type(to_string(static_cast<ProbeKind>(k)));
    runs_ok_[k] = &probe_runs_->Add({{"type", type}, {"result", "ok"}});
    runs_fail_[k] = &probe_runs_->Add({{"type", type}, {"result", "fail"}});
    duration_[k] = &probe_duration_->Add({{"type", type}}, kProbeBuckets);
  }
}

Metrics::~Metrics() = default;

void Metrics::probe_run(ProbeKind kind, bool ok, double seconds) {
  const int k = static_cast<int>(kind);
  (ok ? runs_ok_ : runs_fail_)[k]->Increment();
  duration_[k]->Observe(seconds);
}

void Metrics::evaluation(double seconds) { evaluation_duration_->Observe(seconds); }
void Metrics::schedule_lag(double seconds) { schedule_lag_->Observe(seconds); }
void Metrics::skipped(std::uint64_t total) { skipped_->Set(static_cast<double>(total)); }
void Metrics::notification(const std::string& receiver, const std::string& outcome) {
  notifications_->Add({{"receiver", receiver}, {"outcome", outcome}}).Increment();
}
void Metrics::receiver(const std::string& receiver) {
  for (const char* outcome : {"delivered", "retried", "failed", "dropped"}) {
    notifications_->Add({{"receiver", receiver}, {"outcome", outcome}});
  }
}
void Metrics::action(const std::string& action) {
  for (const char* outcome : {"ok", "failed", "timeout"}) action_runs_->Add({{"action", action}, {"outcome", outcome}});
}
void Metrics::action_run(const std::string& action, const std::string& outcome) {
  action_runs_->Add({{"action", action}, {"outcome", outcome}}).Increment();
}
void Metrics::notification_queued(std::size_t n) { queue_length_->Increment(static_cast<double>(n)); }
void Metrics::notification_dequeued() { queue_length_->Decrement(); }
void Metrics::inventory(const std::string& group, bool stale) {
  prometheus::Counter& errors = inventory_errors_->Add({{"group", group}});
  if (stale) errors.Increment();
  inventory_stale_->Add({{"group", group}}).Set(stale ? 1 : 0);
}

void Metrics::reload(bool ok, TimePoint at) {
  reload_ok_->Set(ok ? 1 : 0);
  if (ok) reload_timestamp_->Set(static_cast<double>(at.time_since_epoch().count()) / 1000.0);
}

std::string Metrics::render(const engine::Snapshot* snap) const {
  std::ostringstream registry_text;
  prometheus::TextSerializer().Serialize(registry_text, registry_->Collect());
  std::string out = std::move(registry_text).str();
  if (snap == nullptr || !snap->model) return out;
  const Model& m = *snap->model;
  const HealthState& st = snap->state;
  out.reserve(out.size() + 1024 + 200 * m.flows.size() + 300 * m.components.size() + 100 * m.signals.size());
  TextWriter w(out);
  w.family("greenlight_overall_state", "Overall state: the worst of the high-criticality flows.");
  w.state_set({}, st.overall.state);
  w.family("greenlight_flow_state", "State of each flow (1 for the current state).");
  for (FlowIndex f = 0; f < m.flows.size(); ++f) {
    w.state_set({{"flow", m.flows[f].id},
                 {"kind", to_string(m.flows[f].kind)},
                 {"criticality", to_string(m.flows[f].criticality)}},
                st.flows[f].state);
  }
  w.family("greenlight_component_state", "State of each component (1 for the current state).");
  for (ComponentIndex c = 0; c < m.components.size(); ++c) {
    w.state_set({{"component", m.components[c].id}}, st.components[c].state);
  }
  w.family("greenlight_signal_value", "The last value of each signal (latency, days, age, ...).");
  for (SignalIndex s = 0; s < m.signals.size(); ++s) {
    if (st.signals[s].value) {
      w.sample({{"component", m.components[m.signals[s].component].id}, {"signal", m.signals[s].id}}, *st.signals[s].value);
    }
  }
  render_alerts(w, snap->alerts);
  render_slos(w, m, snap->slos);
  return out;
}

}  // namespace greenlight::daemon
