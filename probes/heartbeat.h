#pragma once

// Push heartbeats, pure (SPEC 5a, 6.4): what a heartbeat's pings say (HeartbeatHistory),
// and its state as of `now` from its spec, its history and its schedule (judge_heartbeat).
// The engine evaluates heartbeat signals in place with these (no probe runs for them); the
// runtime persists the history in state_dir/heartbeats.json (daemon/stores/heartbeats.h).
//
// Worked example: `schedule = "0 2 * * *"`, `grace = "30m"`, last success ping at 02:05
// yesterday: next_expected is 02:00 today; at 02:10 with no ping the heartbeat is yellow
// (late by 10m), at 02:31 red. A start ping at 02:00 makes it a running job instead:
// green until max_runtime, red after it; a success ping at 02:40 makes it green with the
// run time (40m = 2400 s) as its value.

#include <optional>
#include <string>

#include "model/evaluate.h"
#include "model/model.h"

namespace greenlight::probes {

enum class PingKind : std::uint8_t { Success, Start, Fail };
std::string_view to_string(PingKind k);  // "success", "start", "failure"

// The first bytes of a ping's body that become a failure's message.
inline constexpr std::size_t kPingMessageMax = 1000;

// What is known of one heartbeat's pings; survives restarts.
struct HeartbeatHistory {
  // When this state_dir first ran the heartbeat: the clock of a never-pinged one (SPEC 5a).
  std::optional<model::TimePoint> first_seen;
  std::optional<model::TimePoint> last_ping;    // of any kind
  std::optional<model::TimePoint> last_start;   // a start ping
  std::optional<model::TimePoint> last_finish;  // a success or failure ping
  bool failed = false;                          // the last finish was a failure
  std::string message;                          // the failure's message
  std::optional<double> run_seconds;            // start to finish of the last run
  bool running() const { return last_start && (!last_finish || *last_start > *last_finish); }
  friend bool operator==(const HeartbeatHistory&, const HeartbeatHistory&) = default;
};

// Applies one ping at `at`. A failure's message is `message` cut to kPingMessageMax bytes,
// or "exit code N" / "failure ping" when empty.
void record_ping(HeartbeatHistory& h, PingKind kind, std::optional<int> exit_code, std::string_view message,
                 model::TimePoint at);

struct HeartbeatVerdict {
  model::ProbeOutcome outcome;  // reported Unknown / Yellow / Red where time decides
  std::optional<model::TimePoint> next_expected;  // the next run due (or the deadline of a TTL)
  model::Duration late_by{0};                     // how far now is past next_expected
  // When the verdict changes by time alone (a deadline); nullopt: only a ping changes it.
  std::optional<model::TimePoint> next_change;
};

// The heartbeat signal `s` (its spec is a HeartbeatSpec) as of `now`. A history without
// first_seen counts from `now`.
HeartbeatVerdict judge_heartbeat(const model::Signal& s, const HeartbeatHistory& h, model::TimePoint now);

// `last`: the last push, or the daemon's start when none came (SPEC 5a); nullopt: none.
model::ProbeOutcome probe_heartbeat(std::optional<model::TimePoint> last, model::TimePoint now);

}  // namespace greenlight::probes
