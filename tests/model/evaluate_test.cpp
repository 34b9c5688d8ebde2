#include <catch2/catch.hpp>

#include "model/evaluate.h"

using namespace greenlight::model;

namespace {

Signal signal_with(int failures, int successes, Thresholds t = {}) {
  Signal s;
  s.id = "s";
  s.failures = failures;
  s.successes = successes;
  s.thresholds = t;
  s.stale_after = std::chrono::seconds(30);
  return s;
}

ProbeOutcome ok(std::optional<double> value = std::nullopt) { return {true, value, "ok", std::nullopt}; }
ProbeOutcome failed() { return {false, std::nullopt, "connection refused", std::nullopt}; }

const TimePoint t0{std::chrono::hours(500'000)};
const Duration interval = std::chrono::seconds(10);

}  // namespace

TEST_CASE("thresholds map a value to a state", "[model][evaluate][thresholds]") {
  Thresholds above{0.3, 1.0, std::nullopt, std::nullopt};
  Thresholds below{std::nullopt, std::nullopt, 14, 3};
  // Table: thresholds, outcome, expected state of the run.
  struct Row {
    Thresholds t;
    ProbeOutcome o;
    Health expected;
    const char* why;
  };
  const Row rows[] = {
      {above, ok(0.1), Health::Green, "fast"},
      {above, ok(0.3), Health::Green, "at the threshold is not above it"},
      {above, ok(0.31), Health::Yellow, "slow"},
      {above, ok(1.5), Health::Red, "too slow"},
      {above, failed(), Health::Red, "a failed run counts toward red"},
      {below, ok(30), Health::Green, "certificate valid for a month"},
      {below, ok(10), Health::Yellow, "expires within two weeks"},
      {below, ok(2), Health::Red, "expires within three days"},
      {{}, ok(1e9), Health::Green, "no thresholds, any value"},
      {{}, {true, std::nullopt, "", Health::Yellow}, Health::Yellow, "plugin said WARNING"},
      {{}, {true, std::nullopt, "", Health::Unknown}, Health::Unknown, "plugin said UNKNOWN"},
      {above, {true, 2.0, "", Health::Yellow}, Health::Red, "thresholds only make it worse"},
      {above, {true, 0.0, "", Health::Red}, Health::Red, "a reported red stays red"},
  };
  for (const Row& r : rows) {
    INFO(r.why);
    CHECK(classify(r.t, r.o) == r.expected);
  }
}

TEST_CASE("a single failed run with failures = 3 changes nothing", "[model][evaluate][tolerance]") {
  const Signal spec = signal_with(3, 1);
  SignalState s;
  s = step(s, spec, ok(), t0).next;
  REQUIRE(s.state == Health::Green);
  const StepResult r = step(s, spec, failed(), t0 + interval);
  CHECK(r.transition == Transition::ChangePending);
  CHECK(r.next.state == Health::Green);
  CHECK(describe(r.next, spec) == "connection refused (1 of 3 failures toward red)");
  // A good run resets the count.
  const StepResult back = step(r.next, spec, ok(), t0 + 2 * interval);
  CHECK(back.transition == Transition::Unchanged);
  CHECK(back.next.streak == 0);
}

TEST_CASE("a signal goes red after `failures` consecutive bad runs and back after `successes`",
          "[model][evaluate][tolerance]") {
  const Signal spec = signal_with(3, 2);
  // Time-stepped: run i happens at t0 + i * interval; expected held state after each run.
  struct Run {
    bool good;
    Health expected;
    Transition transition;
  };
  const Run runs[] = {
      {true, Health::Green, Transition::Changed},         // from no data, a good run counts at once
      {false, Health::Green, Transition::ChangePending},  // 1 of 3
      {false, Health::Green, Transition::ChangePending},  // 2 of 3
      {false, Health::Red, Transition::Changed},          // 3 of 3
      {false, Health::Red, Transition::Unchanged},
      {true, Health::Red, Transition::ChangePending},  // 1 of 2 successes
      {false, Health::Red, Transition::Unchanged},     // streak broken
      {true, Health::Red, Transition::ChangePending},
      {true, Health::Green, Transition::Changed},
  };
  SignalState s;
  for (std::size_t i = 0; i < std::size(runs); ++i) {
    const TimePoint now = t0 + static_cast<int>(i) * interval;
    const StepResult r = step(s, spec, runs[i].good ? ok() : failed(), now);
    INFO("run " << i);
    CHECK(r.next.state == runs[i].expected);
    CHECK(r.transition == runs[i].transition);
    if (r.transition == Transition::Changed) CHECK(r.next.since == now);
    s = r.next;
  }
}

TEST_CASE("from no data a failed run still needs `failures` runs", "[model][evaluate][tolerance]") {
  const Signal spec = signal_with(2, 1);
  SignalState s;
  s = step(s, spec, failed(), t0).next;
  CHECK(s.state == Health::Unknown);
  s = step(s, spec, failed(), t0 + interval).next;
  CHECK(s.state == Health::Red);
}

TEST_CASE("a worse streak settles on its mildest state", "[model][evaluate][tolerance]") {
  const Signal spec = signal_with(2, 1, Thresholds{0.3, 1.0, std::nullopt, std::nullopt});
  SignalState s = step({}, spec, ok(0.1), t0).next;
  s = step(s, spec, ok(2.0), t0 + interval).next;  // red run
  CHECK(s.state == Health::Green);
  s = step(s, spec, ok(0.5), t0 + 2 * interval).next;  // yellow run: two bad runs, mildest yellow
  CHECK(s.state == Health::Yellow);
}

TEST_CASE("check mode lets one run decide", "[model][evaluate][tolerance]") {
  const Signal spec = signal_with(5, 5);
  const StepResult r = step({}, spec, failed(), t0, Tolerance::Ignore);
  CHECK(r.next.state == Health::Red);
}

TEST_CASE("a signal without results for stale_after turns unknown", "[model][evaluate][stale]") {
  const Signal spec = signal_with(1, 1);
  SignalState s = step({}, spec, ok(), t0).next;
  CHECK_FALSE(expire(s, spec, t0 + std::chrono::seconds(30)).has_value());
  auto stale = expire(s, spec, t0 + std::chrono::seconds(31));
  REQUIRE(stale.has_value());
  CHECK(stale->state == Health::Unknown);
  CHECK(stale->since == t0 + std::chrono::seconds(31));
  CHECK(stale->message == "no result for 31s (stale_after 30s)");
  // Already unknown for lack of data: nothing more to expire.
  CHECK_FALSE(expire(*stale, spec, t0 + std::chrono::hours(1)).has_value());
  // Never probed: nothing to expire either (it is unknown from the start).
  CHECK_FALSE(expire(SignalState{}, spec, t0).has_value());
}
