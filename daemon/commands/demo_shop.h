#pragma once

// The simulated shop behind `greenlight demo`: every service of examples/shop.toml as a
// real server on 127.0.0.1 (HTTP health endpoints; the database and the event stream as
// TCP listeners), the nightly backup job (heartbeats to the daemon), and a webhook sink
// that prints each page it gets. Faults are the seed's failure modes:
//   database         the database times out: its listener stops accepting (connects hang)
//   recommendations  the recommendations service is offline (503)
//   pricing          pricing is slow (0.5 s) and every third answer times out
//   payments         payments decline every order while the site is up
//   backup           the nightly backup job does not run (no heartbeats)
// restart(service) clears a service's fault, as a restart would (the self-healing action).
// Thread-safety: every method may be called from any thread.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "model/types.h"

namespace httplib {
class Server;
}

namespace greenlight::daemon {

struct DemoFault {
  std::string id, title, description;
};
const std::vector<DemoFault>& demo_faults();

class DemoShop {
 public:
  // `heartbeat_url`: where the backup job posts; `every`: how often (one "night").
  DemoShop(int port_offset, std::string heartbeat_url, model::Duration every);
  ~DemoShop();
  // Starts every service; "" or why not (a port in use).
  std::string start();
  void stop();

  bool set_fault(const std::string& id, bool active);  // false: no such fault
  bool restart(const std::string& service);             // false: no such service
  nlohmann::json faults_json() const;
  std::size_t pages() const { return pages_.load(); }

 private:
  struct Http;
  struct Tcp;
  void backup_job();
  void webhook_sink(httplib::Server& server);
  void service(httplib::Server& server, const std::string& name);
  void serve_tcp(Tcp& t);
  bool active(const std::string& id) const;

  int offset_;
  std::string heartbeat_url_;
  model::Duration every_;
  mutable std::mutex mutex_;
  std::map<std::string, bool> faults_;  // guarded by mutex_
  std::vector<std::unique_ptr<Http>> http_;
  std::vector<std::unique_ptr<Tcp>> tcp_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> pages_{0};
  std::atomic<unsigned> pricing_calls_{0};
  std::thread backup_;
};

}  // namespace greenlight::daemon
