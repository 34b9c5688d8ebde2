#pragma once

// Starts the real build/greenlight binary (`greenlight run`) for integration tests: a
// config written to a fresh temporary directory, a free 127.0.0.1 port, the log in a file;
// polls with deadlines instead of sleeping; stops it with a signal and reports its exit.

#include <httplib.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace greenlight::test {

// A port nothing listens on right now (bound, then released).
int free_port();

// The log files of the DaemonProcesses alive right now (for a failing test to show).
std::vector<std::string> live_daemon_logs();

class DaemonProcess {
 public:
  // In `toml`, "{PORT}" becomes the daemon's port and "{DIR}" its temporary directory.
  // `files` (name -> content) are written into that directory before the daemon starts.
  explicit DaemonProcess(const std::string& toml, std::vector<std::pair<std::string, std::string>> files = {},
                         std::vector<std::string> extra_args = {"--log-format", "json"});
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }
  const std::string& config_path() const { return config_; }
  std::string expand(const std::string& text) const;

  httplib::Result get(const std::string& path, const httplib::Headers& headers = {});
  httplib::Result post(const std::string& path, const httplib::Headers& headers = {});
  nlohmann::json get_json(const std::string& path);
  // The state ("green", ...) of /api/v1/components/ID or /api/v1/flows/ID.
  std::string component_state(const std::string& id);
  std::string flow_state(const std::string& id);

  // Polls `pred` every 20 ms until it holds or `deadline` passes; returns whether it held.
  static bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds deadline);
  bool wait_ready(std::chrono::milliseconds deadline = std::chrono::seconds(15));

  void rewrite_config(const std::string& toml);
  void send_signal(int sig);
  // Sends `sig` and waits up to `deadline` for the exit; returns the exit code (or
  // 128 + signal, or -1 if it did not exit in time).
  int stop(int sig, std::chrono::milliseconds deadline = std::chrono::seconds(10));
  bool running();
  std::string log() const;
  // Log lines (JSON) whose fields all match `fields`.
  std::vector<nlohmann::json> log_events(const nlohmann::json& fields) const;

 private:
  int port_ = 0;
  std::string dir_, config_, log_path_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
};

}  // namespace greenlight::test
