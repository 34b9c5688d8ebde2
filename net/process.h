#pragma once

// Runs a command (argv, never a shell) in its own process group with a timeout, capturing
// stdout and stderr up to a limit. At the timeout the whole group is killed (SIGKILL) and
// reaped. Used by the exec probe and by self-healing actions.
// Thread-safety: safe to call concurrently; it waits only for its own children.

#include <string>
#include <vector>

#include "model/types.h"

namespace greenlight::net {

struct CommandResult {
  bool started = false;
  int exit_code = -1;     // valid when the command exited
  int signal = 0;         // the signal that ended it, if one did
  bool timed_out = false;
  std::string out, err;   // captured, truncated to max_output bytes each
  bool truncated = false;
  std::string error;      // why it could not start
  double seconds = 0;
};

CommandResult run_command(const std::vector<std::string>& argv, model::Duration timeout,
                          std::size_t max_output = 64 * 1024);

// Makes this process the reaper of orphaned grandchildren (Linux PR_SET_CHILD_SUBREAPER),
// so that the descendants of a killed process group are reaped here, not left as zombies,
// and starts a thread that reaps, twice a second, the orphans a command left running when
// it exited (reap_orphans()). Call once at daemon start-up.
void become_subreaper();

// Reaps the exited children that no run_command is waiting for (orphans inherited as a
// subreaper); run_command's own children are left to it.
void reap_orphans();

}  // namespace greenlight::net
