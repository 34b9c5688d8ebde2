#pragma once

// Runs a program (argv, no shell) and captures its exit code and output: for tests that
// start the real greenlight binary.

#include <chrono>
#include <string>
#include <vector>

namespace greenlight::test {

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal
  std::string out;
  std::string err;
};

// Waits for the program to finish. Reads stdout and stderr concurrently (poll) so that a
// chatty program cannot dead-lock on a full pipe.
ProcessResult run_process(const std::vector<std::string>& argv);

// A long-running program started for a test (a peer server, a browser), in its own process
// group, its output in `log`; the whole group is stopped (SIGTERM, then SIGKILL) and reaped
// when the test ends.
class Child {
 public:
  Child(std::vector<std::string> argv, const std::string& log);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  int pid() const { return pid_; }
  // Sends `sig` to the process (not its group) and waits up to `deadline`; returns its exit
  // code (128 + signal when killed), or -1 if it did not exit in time.
  int stop(int sig, std::chrono::milliseconds deadline);
  // Whether it has exited (reaped, with whatever of its group was left); does not wait.
  bool exited();

 private:
  // Its exit code (128 + signal when killed), reaped; -1 if it has not exited by then.
  int wait_for_exit(std::chrono::milliseconds deadline);
  int pid_ = -1;
};

}  // namespace greenlight::test
