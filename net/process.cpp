#include "net/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dirent.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

extern char** environ;

namespace greenlight::net {

namespace {

struct Pipe {
  int read = -1, write = -1;
  bool open() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return false;
    read = fds[0];
    write = fds[1];
    fcntl(read, F_SETFL, O_NONBLOCK);
    return true;
  }
  void close_all() {
    if (read >= 0) close(read);
    if (write >= 0) close(write);
    read = write = -1;
  }
};

// Reads what is available; returns false at EOF.
bool drain(int fd, std::string& into, std::size_t max, bool& truncated) {
  char buf[4096];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      const std::size_t room = max > into.size() ? max - into.size() : 0;
      into.append(buf, std::min(room, static_cast<std::size_t>(n)));
      if (static_cast<std::size_t>(n) > room) truncated = true;
      continue;
    }
    if (n == 0) return false;
    return errno == EAGAIN || errno == EINTR;
  }
}

// Kills every process of the group and reaps those that are our children (the leader, and
// orphans when we are a subreaper), waiting at most one second for them to die.
void kill_group(pid_t pgid) {
  kill(-pgid, SIGKILL);
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (std::chrono::steady_clock::now() < until) {
    siginfo_t info{};
    if (waitid(P_PGID, static_cast<id_t>(pgid), &info, WEXITED | WNOHANG) != 0) break;  // ECHILD: none left
    if (info.si_pid == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// The children run_command waits for itself. Every other child is an orphan a command left
// behind: as a subreaper we inherit a plugin's "helper &" when the plugin exits, and when
// it exits in turn nobody waits for it: a zombie for ever (found by
// bench/chaos/exec_timeouts.py, issue 18: one per run of such a plugin).
std::mutex g_children_mutex;
std::set<pid_t> g_waited;  // guarded by g_children_mutex

// Our children's pids, from every thread's /proc/self/task/TID/children.
std::vector<pid_t> children() {
  std::vector<pid_t> out;
  DIR* tasks = opendir("/proc/self/task");
  if (tasks == nullptr) return out;
  while (const dirent* t = readdir(tasks)) {
    if (t->d_name[0] == '.') continue;
    std::ifstream in(std::string("/proc/self/task/") + t->d_name + "/children");
    for (pid_t pid = 0; in >> pid;) out.push_back(pid);
  }
  closedir(tasks);
  return out;
}

// posix_spawnp, the child registered as run_command's own before reap_orphans() can see it.
int spawn_own(pid_t& pid, const char* file, const posix_spawn_file_actions_t* actions,
              const posix_spawnattr_t* attr, char* const argv[]) {
  std::lock_guard lock(g_children_mutex);
  const int rc = posix_spawnp(&pid, file, actions, attr, argv, environ);
  if (rc == 0) g_waited.insert(pid);
  return rc;
}

}  // namespace

void forget_child(int pid) {
  std::lock_guard lock(g_children_mutex);
  g_waited.erase(pid);
}

void reap_orphans() {
  std::lock_guard lock(g_children_mutex);
  siginfo_t info{};
  // Most of the time there is no zombie at all: one cheap look, then the list.
  if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) return;
  for (const pid_t pid : children()) {
    if (g_waited.count(pid) == 0) waitpid(pid, nullptr, WNOHANG);
  }
}

void become_subreaper() {
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  static std::once_flag reaper;
  std::call_once(reaper, [] {
    std::thread([] {
      while (true) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        reap_orphans();
      }
    }).detach();
  });
}

Spawned spawn_command(const std::vector<std::string>& argv) {
  Spawned sp;
  if (argv.empty()) {
    sp.error = "empty command";
    return sp;
  }
  Pipe out, err;
  if (!out.open() || !err.open()) {
    out.close_all();
    err.close_all();
    sp.error = std::string("pipe: ") + std::strerror(errno);
    return sp;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write, 1);
  posix_spawn_file_actions_adddup2(&actions, err.write, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  for (int s : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group: the timeout kills them all
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = spawn_own(pid, args[0], &actions, &attr, args.data());
  sp.pid = pid;
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(out.write);
  close(err.write);
  if (rc != 0) {
    close(out.read);
    close(err.read);
    sp.pid = -1;
    sp.error = "cannot run " + argv[0] + ": " + std::strerror(rc);
    return sp;
  }
  sp.out = out.read;
  sp.err = err.read;
  // glibc 2.36's <sys/pidfd.h> lacks extern "C" for C++; the system call is the same.
  sp.pidfd = static_cast<int>(syscall(SYS_pidfd_open, sp.pid, 0));
  if (sp.pidfd >= 0) fcntl(sp.pidfd, F_SETFD, FD_CLOEXEC);
  return sp;
}

bool reap_group(int pgid) {
  while (true) {
    siginfo_t info{};
    if (waitid(P_PGID, static_cast<id_t>(pgid), &info, WEXITED | WNOHANG) != 0) return true;  // ECHILD: none left
    if (info.si_pid == 0) return false;  // some still alive
  }
}

void take_status(CommandResult& r, int status) {
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
}

bool read_available(int fd, std::string& into, std::size_t max, bool& truncated) {
  return drain(fd, into, max, truncated);
}

CommandResult run_command(const std::vector<std::string>& argv, model::Duration timeout, std::size_t max_output) {
  CommandResult r;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + timeout;
  const Spawned sp = spawn_command(argv);
  if (sp.pid < 0) {
    r.error = sp.error;
    return r;
  }
  r.started = true;
  const pid_t pid = sp.pid;
  const int pidfd = sp.pidfd;
  Pipe out{sp.out, -1}, err{sp.err, -1};
  int status = 0;
  bool exited = false;
  while (!exited) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      r.timed_out = true;
      kill_group(pid);
      waitpid(pid, &status, 0);  // normally reaped by kill_group already; ECHILD then
      break;
    }
    pollfd fds[3] = {{out.read, POLLIN, 0}, {err.read, POLLIN, 0}, {pidfd, POLLIN, 0}};
    // Without a pidfd (old kernels), wake up every 10 ms to check on the child.
    const int wait_ms = pidfd >= 0 ? static_cast<int>(left.count()) : std::min<int>(10, static_cast<int>(left.count()));
    if (poll(fds, 3, wait_ms) < 0 && errno != EINTR) break;
    if (out.read >= 0 && !drain(out.read, r.out, max_output, r.truncated)) {
      close(out.read);
      out.read = -1;
    }
    if (err.read >= 0 && !drain(err.read, r.err, max_output, r.truncated)) {
      close(err.read);
      err.read = -1;
    }
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      // What the command wrote just before exiting is already in the pipes.
      if (out.read >= 0) drain(out.read, r.out, max_output, r.truncated);
      if (err.read >= 0) drain(err.read, r.err, max_output, r.truncated);
    }
  }
  if (pidfd >= 0) close(pidfd);
  forget_child(pid);
  out.close_all();
  err.close_all();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!r.timed_out) take_status(r, status);
  return r;
}

}  // namespace greenlight::net
