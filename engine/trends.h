#pragma once

// Trending yellow for numeric signals (SPEC 6.2): a signal with `trend = { window,
// horizon }` keeps its values of the last `window`; while the least-squares line through
// them reaches the signal's red threshold within `horizon`, a run that is otherwise
// green counts as yellow, and its message says when: "reaches red_above 0.9 in about
// 1h20m". The run goes through the signal's thresholds and failures/successes as usual
// (it is reported yellow, as a Nagios plugin's WARNING is). Pure.
// Worked example: disk usage 0.50, 0.51, 0.52 ... one step of 0.01 a minute, red_above
// 0.9, horizon 1h: at 0.80 the line reaches 0.9 in 10 minutes: yellow, "reaches
// red_above 0.9 in about 10m"; at 0.91 it is red by its threshold.
// Thread-safety: none; the engine's thread owns it.

#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/evaluate.h"
#include "model/model.h"

namespace greenlight::engine {

// When a line through `samples` ((ms since the epoch, value), oldest first) reaches one of
// `th`'s red thresholds, counted from `now` (0: it is there already); nothing when it
// heads away, is flat, or has fewer than 3 points.
struct Crossing {
  double threshold = 0;
  bool above = true;      // red_above (else red_below)
  model::Duration in{0};  // from now
};
std::optional<Crossing> trend_crossing(const std::deque<std::pair<std::int64_t, double>>& samples,
                                       const model::Thresholds& th, model::TimePoint now);
// "reaches red_above 0.9 in about 1h20m".
std::string describe_crossing(const Crossing& c);

class Trends {
 public:
  Trends() = default;
  explicit Trends(const model::Model& m) : samples_(m.signals.size()) {}

  // A result of signal `s` at `now`: records its value and, for a trend signal heading
  // for red within its horizon, makes the run at least yellow and says when in its message.
  void apply(const model::Model& m, model::SignalIndex s, model::ProbeOutcome& outcome, model::TimePoint now);

 private:
  std::vector<std::deque<std::pair<std::int64_t, double>>> samples_;  // per signal; only trend signals fill theirs
};

}  // namespace greenlight::engine
