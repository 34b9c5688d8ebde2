#pragma once

// Self-healing decisions (SPEC 3), pure: which [[actions]] to start now, given the model,
// the evaluation state, the silences and `now`. Running them is the daemon's business
// (daemon/actions.h); it reports each run's end back here.
//
// An action's condition holds while its target (a component or a flow) is in the action's
// `state`: exactly that state, except that `yellow` also covers red (a degraded target
// that got worse still wants healing). The condition's start is the target's `since`
// (kept across restarts by the state store), or the moment it was first seen to hold.
// An action starts when its condition has held for `for`, and nothing holds it:
//   - running: one run at a time;
//   - cooldown: `cooldown` after the previous run started;
//   - max_attempts: no more than `max_attempts` runs start within any `window`;
//   - silenced: a silence matching the target's labels holds it, unless `during_silence`.
// An action whose last `max_attempts` runs all failed is failing: it raises its own alert
// (AlertBook, kind Action) until a run succeeds or the target is green again.
// Worked example: restart-pricing, red for 30s, cooldown 2m, max_attempts 3 per 1h. Pricing
// turns red at 10:00: the action starts at 10:00:30, again at 10:02:30 and 10:04:30 if
// pricing stays red; the third failure makes it failing (an alert); at 10:06:30 it is held
// by max_attempts until 11:00:30, when the first attempt leaves the window.

#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alerting/alerts.h"

namespace greenlight::alerting {

struct ActionStatus {
  bool condition = false;
  TimePoint condition_since{};
  bool running = false;
  TimePoint last_started{}, last_finished{};
  std::optional<bool> last_ok;  // nullopt: never ran
  std::string last_message;     // the last run's outcome in words
  int consecutive_failures = 0;
  bool failing = false;
  std::deque<TimePoint> attempts;  // starts within the window
  TimePoint verify_until{};  // a run succeeded: its target must be green by then (epoch: not verifying)
  std::string verdict;       // the last verified run: "helped", "did not help", or ""
  std::string held;                // why a due action did not start: "cooldown", "max_attempts", "silenced"; "" when not held
};

// A successful run judged by its effect: its target green within verify_within (helped),
// or not (did not help: counted as a failed attempt).
struct Verdict {
  std::size_t action = 0;
  bool helped = false;
  std::string message;  // "component \"svc\" is green again" / "... is still red after 1m"
};

struct ActionStart {
  std::size_t action = 0;
  std::string trigger;  // "component \"pricing\" has been red for 30s"
};

class Healer {
 public:
  explicit Healer(const model::Model& m);

  std::vector<ActionStart> due(const model::Model& m, const model::HealthState& st,
                               const std::vector<Silence>& silences, TimePoint now);
  // A run of `action` ended: ok, and its outcome in words for the dashboard. An ok run is
  // verified by its effect (due() judges it: see Verdict).
  void finished(const model::Model& m, std::size_t action, bool ok, const std::string& message, TimePoint now);

  const std::vector<ActionStatus>& status() const { return status_; }
  // The verdicts due() reached since the last call.
  std::vector<Verdict> take_verdicts() { return std::exchange(verdicts_, {}); }
  // Per action: 1 while failing (for AlertBook::update).
  std::vector<std::uint8_t> failing() const;

  // After a reload: keep what is known of actions with the same name.
  void carry_over(const model::Model& old_model, const Healer& old, const model::Model& m);

  // What must survive a restart, by action name: the attempts in the window (so that a
  // crash loop cannot run an action past max_attempts), the last run and the failures.
  nlohmann::json to_json(const model::Model& m) const;
  // A run in flight when the daemon stopped counts as an attempt that failed.
  void restore(const model::Model& m, const nlohmann::json& saved);

 private:
  void verify(const model::Model& m, std::size_t action, const model::NodeState& target, TimePoint now);
  std::vector<ActionStatus> status_;
  std::vector<Verdict> verdicts_;
};

}  // namespace greenlight::alerting
