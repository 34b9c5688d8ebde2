#pragma once

// One signal's state machine (SPEC 1, "Signal" and "Transient tolerance"): a probe run
// yields an outcome, thresholds turn it into the run's own state, and failures/successes
// decide when the signal's state follows. Pure: the caller passes `now`.

#include <optional>
#include <string>

#include "model/flapping.h"
#include "model/model.h"
#include "model/types.h"

namespace greenlight::model {

// What one probe run produced.
struct ProbeOutcome {
  bool ok = true;                 // false: the run failed (counts toward red)
  std::optional<double> value;    // latency, days to expiry, age, query result, ...
  std::string message;            // human text, e.g. "HTTP 500" or "connection refused"
  std::optional<Health> reported; // a state the probe reported itself (Nagios plugin exit code)
  float seconds = 0;              // how long the run took (set by whoever ran it)
};

struct SignalState {
  Health state = Health::Unknown;  // the signal's held state
  bool has_data = false;           // false: unknown for lack of (fresh) data
  Health last_run = Health::Unknown;  // the last run's own state, before tolerance
  // A pending change: `streak` consecutive runs on the same side of `state`; `streak_bound`
  // is the state the signal moves to when the streak completes (the mildest of the streak).
  std::uint16_t streak = 0;
  bool streak_worse = false;
  Health streak_bound = Health::Unknown;
  TimePoint last_result{};  // epoch: never
  TimePoint since{};        // last change of `state`
  std::optional<double> value;
  std::string message;
  bool last_ok = false;       // the last run did not fail (ProbeOutcome::ok)
  float last_seconds = 0;     // how long the last run took
  FlapHistory flap;           // state changes over the last 21 results (apply_result keeps it)
};

// Envoy's health-checker transition kinds.
enum class Transition { Unchanged, Changed, ChangePending };

enum class Tolerance {
  Apply,   // failures / successes apply (the daemon)
  Ignore,  // one run decides (`greenlight check`)
};

struct StepResult {
  SignalState next;
  Transition transition = Transition::Unchanged;
};

// The run's own state: a failed run is red; a reported state is the starting point;
// thresholds on the value can only make it worse.
Health classify(const Thresholds& t, const ProbeOutcome& o);

// Applies one run to a signal. A change toward a worse state needs `failures` consecutive
// runs at least that bad, toward a better one `successes` runs at least that good; in
// between the signal holds its state. From "no data" a good run is taken at once.
StepResult step(const SignalState& prev, const Signal& spec, const ProbeOutcome& outcome, TimePoint now,
                Tolerance tolerance = Tolerance::Apply);

// The signal turned stale (no result for `stale_after`): its state becomes unknown.
// nullopt when it is fresh, never ran, or is already unknown for lack of data.
std::optional<SignalState> expire(const SignalState& prev, const Signal& spec, TimePoint now);

// "HTTP 500 (2 of 3 failures)": the signal's message with its pending streak, if any.
std::string describe(const SignalState& s, const Signal& spec);

}  // namespace greenlight::model
