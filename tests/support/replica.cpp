#include "tests/support/replica.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "tests/support/daemon_process.h"

namespace greenlight::test {

namespace {
std::atomic<int> counter{0};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
  return s;
}
}  // namespace

Replica::Replica(std::string name) : name_(std::move(name)), port_(free_port()) {
  dir_ = (std::filesystem::temp_directory_path() /
          ("greenlight-replica-" + std::to_string(getpid()) + "-" + std::to_string(counter++)))
             .string();
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ + "/token") << kClusterToken << "\n";
}

Replica::~Replica() {
  if (child_) child_->stop(SIGKILL, std::chrono::seconds(5));
  child_.reset();
  std::filesystem::remove_all(dir_);
}

void Replica::configure(const std::vector<std::string>& peers, const std::string& model) {
  std::string list;
  for (const std::string& p : peers) list += (list.empty() ? "\"" : ", \"") + p + "\"";
  std::ofstream(dir_ + "/model.toml") << "[daemon]\nlisten = \"127.0.0.1:" << port_ << "\"\nstate_dir = \"" << dir_
                                      << "/state\"\ninterval = \"200ms\"\nauth_token_file = \"" << dir_
                                      << "/token\"\n[cluster]\nreplica = \"" << name_ << "\"\npeers = [" << list
                                      << "]\n"
                                      << replace_all(model, "{DIR}", dir_);
}

void Replica::start() {
  child_ = std::make_unique<Child>(
      std::vector<std::string>{GREENLIGHT_BINARY, "run", dir_ + "/model.toml", "--log-format", "json"},
      dir_ + "/daemon-" + std::to_string(++starts_) + ".log");
}

bool Replica::wait_ready(std::chrono::milliseconds deadline) {
  return DaemonProcess::wait_until(
      [&] {
        httplib::Client c("127.0.0.1", port_);
        c.set_connection_timeout(std::chrono::seconds(1));
        auto r = c.Get("/readyz");
        return r && r->status == 200;
      },
      deadline);
}

void Replica::stop(int sig) {
  if (child_) child_->stop(sig, std::chrono::seconds(10));
  child_.reset();
}

nlohmann::json Replica::get_json(const std::string& path) {
  httplib::Client c("127.0.0.1", port_);
  c.set_connection_timeout(std::chrono::seconds(1));
  c.set_read_timeout(std::chrono::seconds(5));
  auto r = c.Get(path);
  if (!r) return nullptr;
  return nlohmann::json::parse(r->body, nullptr, false);
}

std::pair<int, nlohmann::json> Replica::post(const std::string& path, const std::string& body) {
  httplib::Client c("127.0.0.1", port_);
  c.set_connection_timeout(std::chrono::seconds(1));
  c.set_read_timeout(std::chrono::seconds(5));
  auto r = c.Post(path, {{"Authorization", std::string("Bearer ") + kClusterToken}}, body, "application/json");
  if (!r) return {0, nullptr};
  return {r->status, nlohmann::json::parse(r->body, nullptr, false)};
}

std::string Replica::flow_state(const std::string& id) {
  const auto j = get_json("/api/v1/flows/" + id);
  return j.is_object() && j.contains("state") ? j["state"].get<std::string>() : "";
}

std::string Replica::component_state(const std::string& id) {
  const auto j = get_json("/api/v1/components/" + id);
  return j.is_object() && j.contains("state") ? j["state"].get<std::string>() : "";
}

AlertmanagerPair::AlertmanagerPair(const std::string& dir, const std::string& webhook_url) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/alertmanager.yml")
      << "route:\n  receiver: sink\n  group_by: ['root_cause']\n  group_wait: 1s\n  group_interval: 2s\n"
         "  repeat_interval: 1h\nreceivers:\n  - name: sink\n    webhook_configs:\n      - url: '"
      << webhook_url << "'\n        send_resolved: true\n";
  for (int i = 0; i < 2; ++i) {
    web_[i] = free_port();
    gossip_[i] = free_port();
  }
  for (int i = 0; i < 2; ++i) {
    const std::string me = "127.0.0.1:" + std::to_string(gossip_[i]);
    const std::string other = "127.0.0.1:" + std::to_string(gossip_[1 - i]);
    am_[i] = std::make_unique<Child>(
        std::vector<std::string>{"/usr/bin/prometheus-alertmanager", "--config.file=" + dir + "/alertmanager.yml",
                                 "--storage.path=" + dir + "/data-" + std::to_string(i),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(web_[i]),
                                 "--cluster.listen-address=" + me, "--cluster.advertise-address=" + me,
                                 "--cluster.peer=" + other, "--cluster.gossip-interval=50ms",
                                 "--cluster.pushpull-interval=1s", "--cluster.peer-timeout=500ms",
                                 "--cluster.settle-timeout=2s"},
        dir + "/alertmanager-" + std::to_string(i) + ".log");
  }
}

bool AlertmanagerPair::wait_ready(std::chrono::milliseconds deadline) {
  return DaemonProcess::wait_until(
      [&] {
        for (int i = 0; i < 2; ++i) {
          httplib::Client c("127.0.0.1", web_[i]);
          c.set_connection_timeout(std::chrono::seconds(1));
          auto r = c.Get("/api/v2/status");
          if (!r || r->status != 200) return false;
          const auto j = nlohmann::json::parse(r->body, nullptr, false);
          if (!j.is_object() || j["cluster"]["peers"].size() != 2 || j["cluster"]["status"] != "ready") return false;
        }
        return true;
      },
      deadline);
}

void AlertmanagerPair::kill(int i) {
  if (am_[i]) am_[i]->stop(SIGKILL, std::chrono::seconds(5));
  am_[i].reset();
}

}  // namespace greenlight::test
