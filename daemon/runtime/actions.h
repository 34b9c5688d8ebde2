#pragma once

// Runs self-healing actions (SPEC 3) decided by alerting::Healer: a command (argv, no
// shell, in its own process group, killed with its whole group at the action's timeout;
// stdout and stderr captured and truncated) or a URL (POST of a JSON description of the
// trigger). Each run gets its own thread (actions are rare, and a hung one must not hold
// another); its result is handed to `done` on that thread.
// Thread-safety: start() and stop() from any thread.

#include <atomic>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "model/model.h"
#include "model/redact.h"

namespace greenlight::daemon {

struct ActionResult {
  std::string action;   // the action's name
  std::string outcome;  // "ok", "failed", "timeout"
  std::string message;  // one line: "exit 0 in 1.2s", "timed out after 5s: process group killed", "HTTP 500"
  std::string output;   // the command's stdout and stderr (truncated), or the response body
  double seconds = 0;
  bool ok() const { return outcome == "ok"; }
};

class ActionRunner {
 public:
  static constexpr std::size_t kMaxOutput = 4096;

  ActionRunner() = default;
  ~ActionRunner() { stop(std::chrono::milliseconds(0)); }

  // `trigger` is the JSON body of a URL action: the action, its target and why it runs.
  void start(const model::Action& action, const nlohmann::json& trigger, std::function<void(ActionResult)> done);
  // Waits up to `grace` for running actions (their timeouts bound them); returns how many
  // are still running (left to the process exit).
  std::size_t stop(std::chrono::milliseconds grace);

 private:
  // Shared with the run threads, which may outlive the runner when stop() gives up.
  std::shared_ptr<std::atomic<int>> running_ = std::make_shared<std::atomic<int>>(0);
};

using model::redact_url;  // model/redact.h

// The outcome of one run, synchronously (what start() does on its thread).
ActionResult run_action(const model::Action& action, const nlohmann::json& trigger);

}  // namespace greenlight::daemon
