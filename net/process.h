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

// The first half of run_command, for callers that wait on their own (the probes' event
// loop): the command started in its own process group (pgid = pid), stdin /dev/null, its
// stdout and stderr in non-blocking pipes, and a pidfd that becomes readable when it exits
// (-1 on kernels before 5.3). pid < 0 and `error` when it could not start. The caller
// closes the descriptors and reaps the child.
struct Spawned {
  int pid = -1;
  int out = -1, err = -1, pidfd = -1;
  std::string error;
};
Spawned spawn_command(const std::vector<std::string>& argv);
// After the caller of spawn_command reaped the child: it is no longer run_command's own,
// and reap_orphans() may wait for a process that reuses its pid.
void forget_child(int pid);
// Reads what a non-blocking pipe holds into `into` (up to `max`, `truncated` beyond);
// false at end of file.
bool read_available(int fd, std::string& into, std::size_t max, bool& truncated);
// Reaps the exited processes of group `pgid` that are our children (the leader, and
// orphans when we are a subreaper) without waiting; true when none is left.
bool reap_group(int pgid);
// exit_code or signal from a wait status.
void take_status(CommandResult& r, int status);

// Makes this process the reaper of orphaned grandchildren (Linux PR_SET_CHILD_SUBREAPER),
// so that the descendants of a killed process group are reaped here, not left as zombies,
// and starts a thread that reaps, twice a second, the orphans a command left running when
// it exited (reap_orphans()). Call once at daemon start-up.
void become_subreaper();

// Reaps the exited children that no run_command is waiting for (orphans inherited as a
// subreaper); run_command's own children are left to it.
void reap_orphans();

}  // namespace greenlight::net
