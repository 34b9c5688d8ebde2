#pragma once

// Replicas of one model for the cluster tests (SPEC 6.5): each a real `greenlight run` on a
// port chosen before any of them starts (peers name each other), in its own directory that
// survives a stop, so a stopped replica can start again with its state. And a clustered
// pair of real Alertmanagers (Debian prometheus-alertmanager) gossiping on loopback.

#include <httplib.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace greenlight::test {

inline constexpr const char* kClusterToken = "cluster-test-token";

class Replica {
 public:
  // `name` is [cluster] replica; the directory holds the token file.
  explicit Replica(std::string name);
  ~Replica();
  Replica(const Replica&) = delete;
  Replica& operator=(const Replica&) = delete;

  const std::string& name() const { return name_; }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }

  // Writes the config: [daemon] (listen, state_dir, interval 200ms, the shared token),
  // [cluster] (replica, peers: base URLs), then `model` ("{DIR}" becomes the directory).
  void configure(const std::vector<std::string>& peers, const std::string& model);
  void start();
  bool wait_ready(std::chrono::milliseconds deadline = std::chrono::seconds(15));
  // Sends `sig` and waits for the exit.
  void stop(int sig);
  bool running() const { return child_ != nullptr; }

  nlohmann::json get_json(const std::string& path);
  // POST with the admin token; the status and the JSON answer (null if none).
  std::pair<int, nlohmann::json> post(const std::string& path, const std::string& body);
  std::string flow_state(const std::string& id);
  std::string component_state(const std::string& id);

 private:
  std::string name_;
  int port_ = 0;
  std::string dir_;
  int starts_ = 0;
  std::unique_ptr<Child> child_;
};

// Two Alertmanagers gossiping (--cluster.*), each routing every alert to `webhook_url`
// with send_resolved, group_wait 1 s, group_interval 2 s. Their logs are in `dir`.
// group_interval must exceed --cluster.peer-timeout (500 ms), as it does in production
// (5 m and 15 s): the second Alertmanager takes its view of a group at its tick and checks
// the shared notification log a peer timeout later; a resolve the first one sent inside
// that window would make it send its stale "firing" (Alertmanager's own HA race). With
// both groups ticking together (both get every alert at once), the first one's next
// send is a whole group_interval after the second one's view.
class AlertmanagerPair {
 public:
  AlertmanagerPair(const std::string& dir, const std::string& webhook_url);
  std::string url(int i) const { return "http://127.0.0.1:" + std::to_string(web_[i]); }
  // Both answer /-/ready and see each other as cluster peers.
  bool wait_ready(std::chrono::milliseconds deadline = std::chrono::seconds(20));
  void kill(int i);

 private:
  int web_[2]{}, gossip_[2]{};
  std::unique_ptr<Child> am_[2];
};

}  // namespace greenlight::test
