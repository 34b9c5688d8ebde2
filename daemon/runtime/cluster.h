#pragma once

// Replicas of one model (SPEC 6.5): no leader, no consensus, only idempotent facts
// forwarded between peers. A silence created or expired and a heartbeat received through
// this replica's API are queued in the durable ForwardOutbox for every peer; one thread per
// peer POSTs them, in order, to PEER/api/v1/cluster/facts (with the admin token), retrying
// with backoff (250 ms doubling to 5 s) while the peer is down or answers garbage, and
// contacts an idle peer every 5 s (GET PEER/api/v1/cluster) to know it is there and what
// it is called. Facts received from peers are applied once (SeenFacts) and never forwarded
// again, so peers must list each other (a full mesh) and nothing loops.
//
// Peer states: unknown (not contacted yet), up, down (no answer), garbage (an answer that
// is not the API's), refused (401/403: the peers' tokens differ), same_name (the peer says
// it has this replica's name: two replicas named alike would take each other's facts for
// their own, so neither side applies them). Each change is logged once and counted in
// greenlight_cluster_peer_errors_total{peer,state}; greenlight_cluster_peer_up{peer} and
// greenlight_cluster_forward_pending{peer} say how it stands.
// Thread-safety: every public method may be called from any thread.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "alerting/alerts.h"
#include "daemon/runtime/log.h"
#include "daemon/stores/forward_outbox.h"
#include "engine/effects.h"
#include "model/clock.h"

namespace httplib {
class Server;
}
namespace prometheus {
class Registry;
}

namespace greenlight::daemon {

class Runtime;
class SilenceStore;
class HeartbeatStore;
class EventLog;

struct ClusterDeps {
  Log& log;
  prometheus::Registry& registry;
  SilenceStore& silences;
  HeartbeatStore& heartbeats;
  Runtime& runtime;
  EventLog& events;
  const model::Clock& clock;
};

class Cluster {
 public:
  // `cluster` and `state_dir` from the model the daemon started with (peers change by
  // restart); `token` is the admin token, sent to peers and required from them.
  Cluster(const model::ClusterConfig& cluster, const std::string& state_dir, std::string token, ClusterDeps deps);
  ~Cluster();

  // Starts one forwarding thread per peer.
  void start();
  void stop();

  // Facts of this replica's API, forwarded to every peer.
  void silence_created(const alerting::Silence& s);
  void silence_expired(const std::string& id, model::TimePoint at);
  void heartbeat(const engine::HeartbeatPing& ping);

  // A fact from a peer (the body of POST /api/v1/cluster/facts): the HTTP status and body.
  std::pair<int, nlohmann::json> receive(const nlohmann::json& fact);
  // GET /api/v1/cluster.
  nlohmann::json status() const;
  // cluster_http.cpp: GET /api/v1/cluster and POST /api/v1/cluster/facts.
  void routes(httplib::Server& s);

 private:
  struct Peer;
  void forward(const std::string& kind, nlohmann::json data);
  void run(Peer& p, std::stop_token stop);
  // One attempt to deliver `fact` (or, without one, to contact the peer); false to back off.
  bool attempt(Peer& p, const nlohmann::json* fact);
  void set_state(Peer& p, const std::string& state, const std::string& detail);
  std::string apply(const std::string& kind, const nlohmann::json& data);

  model::ClusterConfig config_;
  std::string token_;
  ClusterDeps deps_;
  ForwardOutbox outbox_;
  SeenFacts seen_;
  std::mutex receive_mutex_;  // one received fact applied at a time (check, apply, mark)
  std::vector<std::unique_ptr<Peer>> peers_;
};

}  // namespace greenlight::daemon
