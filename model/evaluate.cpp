#include "model/evaluate.h"

#include <algorithm>

namespace greenlight::model {

Health classify(const Thresholds& t, const ProbeOutcome& o) {
  Health h = o.reported ? *o.reported : (o.ok ? Health::Green : Health::Red);
  if (!o.ok) h = Health::Red;
  if (o.value) {
    const double v = *o.value;
    if ((t.red_above && v > *t.red_above) || (t.red_below && v < *t.red_below)) {
      h = worst(h, Health::Red);
    } else if ((t.yellow_above && v > *t.yellow_above) || (t.yellow_below && v < *t.yellow_below)) {
      h = worst(h, Health::Yellow);
    }
  }
  return h;
}

StepResult step(const SignalState& prev, const Signal& spec, const ProbeOutcome& outcome, TimePoint now,
                Tolerance tolerance) {
  StepResult r{prev, Transition::Unchanged};
  SignalState& s = r.next;
  const Health run = classify(spec.thresholds, outcome);
  s.last_run = run;
  s.last_result = now;
  s.value = outcome.value;
  s.message = outcome.message;
  s.last_ok = outcome.ok;
  s.last_seconds = outcome.seconds;

  const int failures = tolerance == Tolerance::Apply ? std::max(spec.failures, 1) : 1;
  const int successes = tolerance == Tolerance::Apply ? std::max(spec.successes, 1) : 1;

  auto settle = [&](Health next) {
    s.has_data = true;
    s.streak = 0;
    if (next != s.state) {
      s.state = next;
      s.since = now;
      r.transition = Transition::Changed;
    }
  };

  // Without data there is no state to hold: a good (or unknown) run is taken at once,
  // a bad one still needs `failures` runs, so one failed first probe pages nobody.
  const bool worse = s.has_data ? run > s.state : run > Health::Unknown;
  if (run == s.state || (!s.has_data && !worse)) {
    settle(run);
    return r;
  }
  if (s.streak == 0 || s.streak_worse != worse) {
    s.streak = 0;
    s.streak_worse = worse;
    s.streak_bound = run;
  }
  ++s.streak;
  // Worse streak: move to its mildest state; better streak: to its least good one.
  s.streak_bound = worse ? std::min(s.streak_bound, run) : std::max(s.streak_bound, run);
  if (s.streak >= (worse ? failures : successes)) {
    settle(s.streak_bound);
  } else {
    r.transition = Transition::ChangePending;
  }
  return r;
}

std::optional<SignalState> expire(const SignalState& prev, const Signal& spec, TimePoint now) {
  if (!prev.has_data || prev.last_result == TimePoint{}) return std::nullopt;
  if (now - prev.last_result <= spec.stale_after) return std::nullopt;
  SignalState s = prev;
  s.has_data = false;
  s.streak = 0;
  if (s.state != Health::Unknown) s.since = now;
  s.state = Health::Unknown;
  s.message = "no result for " + format_duration(std::chrono::duration_cast<Duration>(now - prev.last_result)) +
              " (stale_after " + format_duration(spec.stale_after) + ")";
  return s;
}

std::string describe(const SignalState& s, const Signal& spec) {
  std::string out = s.message;
  if (s.last_result == TimePoint{} && out.empty()) out = "not probed yet";
  if (s.streak > 0) {
    const int need = s.streak_worse ? spec.failures : spec.successes;
    out += " (" + std::to_string(s.streak) + " of " + std::to_string(need) +
           (s.streak_worse ? " failures" : " successes") + " toward " + std::string(to_string(s.streak_bound)) +
           ")";
  }
  return out;
}

}  // namespace greenlight::model
