#pragma once

// The engine's objectives (SPEC 6.2): one model::SloHistory per flow with an objective,
// fed with the flow's state changes, and its burn alerts' decisions. Pure: time comes in
// as a parameter.
//
// A burn alert fires when the burn rate exceeds its factor over both its long and its
// short window, and resolves once the short window's rate drops below the factor. The
// alert "slo/FLOW/SEVERITY" (alerting/alerts.h) burns while any burn alert of that flow and
// severity fires. A flow otherwise green is yellow while one of its warning (or info)
// burn alerts fires, reason "error budget burning at 3.2x over 1d" (the highest such
// rate over its long window).
// Worked example: checkout, 99.9 % over 30 d, green for an hour, then red. 52 s into the
// outage its burn rate over 1h passes 14.4 (and over 5m long before): the critical burn
// alert fires. 5 minutes after it recovers, the 5m rate drops below 14.4: it resolves.
// Thread-safety: none; the engine's thread owns it.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/alerts.h"
#include "model/propagate.h"
#include "model/slo_history.h"

namespace greenlight::engine {

// One objective as readers see it (GET /api/v1/slos, metrics, dashboard).
struct SloView {
  model::FlowIndex flow = model::kNoIndex;
  double target = 0;
  model::Duration window{0};
  double budget_remaining = 1;
  std::vector<std::pair<model::Duration, double>> burn_rates;  // per window, shortest first
  struct Alert {
    model::BurnAlert spec;
    double long_rate = 0, short_rate = 0;
    bool firing = false;
  };
  std::vector<Alert> alerts;
};

// The availability history's bars of every objective (an hour each, the last 30 days):
// bad and measured milliseconds per bar, oldest first. Rebuilt when a new hour begins;
// the hour in progress is SloViews::current (fresh in every snapshot).
struct SloBars {
  model::TimePoint at{};  // when they were taken; the last bar is the hour `at` is in
  model::Duration width{3'600'000};
  std::vector<std::vector<model::SloHistory::Totals>> per_objective;  // SloViews order
};

struct SloViews {
  std::vector<SloView> objectives;  // in flow order
  std::shared_ptr<const SloBars> bars;
  std::vector<model::SloHistory::Totals> current;  // per objective: the hour in progress
};

class Objectives {
 public:
  static constexpr std::size_t kBars = 720;  // 30 days of hours

  Objectives() = default;
  // A history per flow with an objective, starting with the flows' states in `st`.
  Objectives(const model::Model& m, const model::HealthState& st, model::TimePoint now);

  // After a reload: a flow whose objective kept its shape (model::SloHistory::same_shape)
  // keeps its history and firing burn alerts; the rest start empty.
  void carry_over(const model::Model& old_model, Objectives&& old, const model::Model& m,
                  const model::HealthState& st, model::TimePoint now);

  // Flow state changes, as they happen.
  void record(const model::Changes& changes, model::TimePoint now);

  // Decides every burn alert at `now`; then burns() and trend() tell the result.
  void evaluate(const model::Model& m, model::TimePoint now);
  // Per Model::slo_alerts.
  const std::vector<alerting::BurnStatus>& burns() const { return burns_; }
  // The flow's trend reason (a warning burn alert fires), or empty.
  std::string trend(model::FlowIndex f) const;

  // The bars are rebuilt when a new hour begins (kept between calls).
  SloViews views(const model::Model& m, model::TimePoint now) const;

  // state_dir/slo.bin: every history by flow id, with a checksum (model/slo_history.h's
  // bytes inside). restore() keeps the histories whose flow has an objective of the same
  // shape, returns how many, and nothing when the bytes are not such a file at all.
  std::string to_file(const model::Model& m) const;
  std::optional<std::size_t> restore(const model::Model& m, std::string_view file, model::TimePoint now);
  static bool valid_file(std::string_view file);

  std::size_t size() const { return entries_.size(); }
  const model::SloHistory& history(std::size_t i) const { return entries_[i].history; }

 private:
  struct Entry {
    model::FlowIndex flow;
    model::SloHistory history;
    std::vector<std::uint8_t> firing;  // per burn alert
  };
  std::vector<Entry> entries_;
  std::vector<std::size_t> of_flow_;  // FlowIndex -> entry, or npos
  std::vector<alerting::BurnStatus> burns_;
  std::vector<std::string> trends_;  // per entry
  mutable std::shared_ptr<const SloBars> bars_;  // a cache of views()
};

}  // namespace greenlight::engine
