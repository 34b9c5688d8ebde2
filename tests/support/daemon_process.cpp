#include "tests/support/daemon_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace greenlight::test {

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

namespace {
std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}
std::atomic<int> counter{0};

std::mutex live_mutex;
std::set<const std::string*> live;  // log paths of the daemons alive, guarded by live_mutex
}  // namespace

std::vector<std::string> live_daemon_logs() {
  std::lock_guard lock(live_mutex);
  std::vector<std::string> out;
  for (const std::string* path : live) out.push_back(*path);
  return out;
}

DaemonProcess::DaemonProcess(const std::string& toml, std::vector<std::pair<std::string, std::string>> files,
                             std::vector<std::string> extra_args) {
  port_ = free_port();
  dir_ = (std::filesystem::temp_directory_path() /
          ("greenlight-it-" + std::to_string(getpid()) + "-" + std::to_string(counter++)))
             .string();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  config_ = dir_ + "/model.toml";
  log_path_ = dir_ + "/daemon.log";
  rewrite_config(toml);
  for (const auto& [name, content] : files) std::ofstream(dir_ + "/" + name) << content;

  std::vector<std::string> argv{GREENLIGHT_BINARY, "run", config_};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) {
    throw std::runtime_error("cannot start greenlight");
  }
  posix_spawn_file_actions_destroy(&actions);
  std::lock_guard lock(live_mutex);
  live.insert(&log_path_);
}

DaemonProcess::~DaemonProcess() {
  {
    std::lock_guard lock(live_mutex);
    live.erase(&log_path_);
  }
  if (running()) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::filesystem::remove_all(dir_);
}

std::string DaemonProcess::expand(const std::string& text) const {
  return replace_all(replace_all(text, "{PORT}", std::to_string(port_)), "{DIR}", dir_);
}

void DaemonProcess::rewrite_config(const std::string& toml) { std::ofstream(config_) << expand(toml); }

httplib::Result DaemonProcess::get(const std::string& path, const httplib::Headers& headers) {
  httplib::Client c("127.0.0.1", port_);
  c.set_connection_timeout(std::chrono::seconds(2));
  c.set_read_timeout(std::chrono::seconds(10));
  return c.Get(path, headers);
}

httplib::Result DaemonProcess::post(const std::string& path, const httplib::Headers& headers) {
  httplib::Client c("127.0.0.1", port_);
  c.set_connection_timeout(std::chrono::seconds(2));
  c.set_read_timeout(std::chrono::seconds(10));
  return c.Post(path, headers, "", "text/plain");
}

nlohmann::json DaemonProcess::get_json(const std::string& path) {
  auto r = get(path);
  if (!r) return nullptr;
  return nlohmann::json::parse(r->body, nullptr, false);
}

std::string DaemonProcess::component_state(const std::string& id) {
  const auto j = get_json("/api/v1/components/" + id);
  return j.is_object() && j.contains("state") ? j["state"].get<std::string>() : "";
}

std::string DaemonProcess::flow_state(const std::string& id) {
  const auto j = get_json("/api/v1/flows/" + id);
  return j.is_object() && j.contains("state") ? j["state"].get<std::string>() : "";
}

bool DaemonProcess::wait_until(const std::function<bool()>& pred, std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

bool DaemonProcess::wait_ready(std::chrono::milliseconds deadline) {
  return wait_until(
      [&] {
        auto r = get("/readyz");
        return r && r->status == 200;
      },
      deadline);
}

void DaemonProcess::send_signal(int sig) { kill(pid_, sig); }

bool DaemonProcess::running() {
  if (pid_ < 0 || exit_code_ != -1) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return true;
}

int DaemonProcess::stop(int sig, std::chrono::milliseconds deadline) {
  if (running()) kill(pid_, sig);
  wait_until([&] { return !running(); }, deadline);
  return running() ? -1 : exit_code_;
}

std::string DaemonProcess::log() const {
  std::ifstream in(log_path_);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<nlohmann::json> DaemonProcess::log_events(const nlohmann::json& fields) const {
  std::vector<nlohmann::json> out;
  std::istringstream lines(log());
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) continue;
    bool match = true;
    for (const auto& [k, v] : fields.items()) {
      if (!j.contains(k) || j[k] != v) match = false;
    }
    if (match) out.push_back(j);
  }
  return out;
}

}  // namespace greenlight::test
