#include "daemon/runtime/cluster.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <algorithm>

#include "daemon/runtime/runtime.h"
#include "daemon/stores/events.h"
#include "daemon/stores/heartbeats.h"
#include "daemon/stores/silences.h"
#include "model/json_text.h"
#include "net/http_client.h"

namespace greenlight::daemon {

using nlohmann::json;

namespace {
constexpr auto kBackoffMin = std::chrono::milliseconds(250);
constexpr auto kBackoffMax = std::chrono::milliseconds(5'000);
constexpr auto kIdleContact = std::chrono::milliseconds(5'000);
constexpr model::Duration kRequestTimeout{2'000};

json silence_json(const alerting::Silence& s) {
  return {{"id", s.id},       {"match", s.match},   {"starts_at", model::to_epoch_ms(s.starts_at)},
          {"ends_at", model::to_epoch_ms(s.ends_at)}, {"author", s.author}, {"comment", s.comment}};
}

}  // namespace

struct Cluster::Peer {
  std::string url;
  std::mutex mutex;
  std::condition_variable_any wake;
  // Guarded by mutex:
  std::string state = "unknown";
  std::string name;    // as the peer calls itself
  std::string detail;  // the last problem
  model::TimePoint last_reached{};
  std::uint64_t forwarded = 0;
  std::jthread thread;
  prometheus::Gauge* up = nullptr;
  prometheus::Gauge* pending = nullptr;
  prometheus::Counter* sent = nullptr;
  prometheus::Family<prometheus::Counter>* errors = nullptr;
};

Cluster::Cluster(const model::ClusterConfig& cluster, const std::string& state_dir, std::string token,
                 ClusterDeps deps)
    : config_(cluster),
      token_(std::move(token)),
      deps_(deps),
      outbox_(state_dir, cluster.peers, deps.clock.now_system()),
      seen_(state_dir) {
  auto& up = prometheus::BuildGauge()
                 .Name("greenlight_cluster_peer_up")
                 .Help("1 while the peer answered its last request, else 0")
                 .Register(deps_.registry);
  auto& pending = prometheus::BuildGauge()
                      .Name("greenlight_cluster_forward_pending")
                      .Help("Facts (silences, heartbeats) not yet acknowledged by the peer")
                      .Register(deps_.registry);
  auto& sent = prometheus::BuildCounter()
                   .Name("greenlight_cluster_forwarded_total")
                   .Help("Facts the peer acknowledged")
                   .Register(deps_.registry);
  auto& errors = prometheus::BuildCounter()
                     .Name("greenlight_cluster_peer_errors_total")
                     .Help("Changes of a peer into a bad state (down, garbage, refused, same_name)")
                     .Register(deps_.registry);
  for (const std::string& url : cluster.peers) {
    auto p = std::make_unique<Peer>();
    p->url = url;
    p->up = &up.Add({{"peer", url}});
    p->pending = &pending.Add({{"peer", url}});
    p->sent = &sent.Add({{"peer", url}});
    p->errors = &errors;
    for (const char* s : {"down", "garbage", "refused", "same_name"}) errors.Add({{"peer", url}, {"state", s}});
    p->pending->Set(static_cast<double>(outbox_.pending(url)));
    peers_.push_back(std::move(p));
  }
}

Cluster::~Cluster() { stop(); }

void Cluster::start() {
  for (auto& p : peers_) {
    Peer* peer = p.get();
    p->thread = std::jthread([this, peer](std::stop_token stop) { run(*peer, stop); });
  }
}

void Cluster::stop() {
  for (auto& p : peers_) {
    if (!p->thread.joinable()) continue;
    p->thread.request_stop();
    p->wake.notify_all();
    p->thread.join();
  }
}

void Cluster::forward(const std::string& kind, json data) {
  if (peers_.empty()) return;
  std::string error;
  const json fact = outbox_.add(config_.replica, kind, std::move(data), error);
  if (!error.empty()) deps_.log.error("cluster_outbox", error);
  for (auto& p : peers_) {
    p->pending->Set(static_cast<double>(outbox_.pending(p->url)));
    { std::lock_guard lock(p->mutex); }  // a waiter between its check and its sleep sees it
    p->wake.notify_all();
  }
}

void Cluster::silence_created(const alerting::Silence& s) { forward("silence", silence_json(s)); }

void Cluster::silence_expired(const std::string& id, model::TimePoint at) {
  forward("silence_expired", {{"id", id}, {"at", model::to_epoch_ms(at)}});
}

void Cluster::heartbeat(const engine::HeartbeatPing& ping) {
  json data{{"component", ping.component},
            {"signal", ping.signal},
            {"kind", probes::to_string(ping.kind)},
            {"message", ping.message},
            {"at", model::to_epoch_ms(ping.at)}};
  if (ping.exit_code) data["exit_code"] = *ping.exit_code;
  forward("heartbeat", std::move(data));
}

// The peer's loop: deliver its facts in order; when there are none, contact it now and
// then; back off while it fails. Never holds a lock while on the network.
void Cluster::run(Peer& p, std::stop_token stop) {
  auto backoff = kBackoffMin;
  auto last_contact = std::chrono::steady_clock::time_point{};
  while (!stop.stop_requested()) {
    const std::optional<json> fact = outbox_.front(p.url);
    const auto now = std::chrono::steady_clock::now();
    if (!fact && now - last_contact < kIdleContact) {
      std::unique_lock lock(p.mutex);
      p.wake.wait_for(lock, stop, last_contact + kIdleContact - now,
                      [&] { return outbox_.front(p.url).has_value(); });
      continue;
    }
    const bool ok = attempt(p, fact ? &*fact : nullptr);
    // A peer that failed is tried again after the backoff, facts or not.
    last_contact = ok ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
    if (ok) {
      backoff = kBackoffMin;
      continue;
    }
    std::unique_lock lock(p.mutex);
    p.wake.wait_for(lock, stop, backoff, [] { return false; });
    backoff = std::min(backoff * 2, kBackoffMax);
  }
}

// A fact POSTed, or without one a GET of the peer's cluster status. The answer must be the
// API's JSON with the peer's replica name (else: garbage).
bool Cluster::attempt(Peer& p, const json* fact) {
  net::HttpRequest req;
  req.method = fact ? "POST" : "GET";
  req.url = p.url + (fact ? "/api/v1/cluster/facts" : "/api/v1/cluster");
  req.timeout = kRequestTimeout;
  req.headers = {{"User-Agent", "greenlight"}};
  if (fact) {
    req.headers.push_back({"Content-Type", "application/json"});
    req.body = model::json_text(*fact);
  }
  if (!token_.empty()) req.headers.push_back({"Authorization", "Bearer " + token_});
  const net::HttpResponse res = net::http_request(req);
  if (res.status == 0) {
    set_state(p, "down", res.error);
    return false;
  }
  const json body = json::parse(res.body, nullptr, false);
  const std::string name = body.is_object() ? body.value("replica", "") : "";
  if (res.status == 409 || (!name.empty() && name == config_.replica)) {
    set_state(p, "same_name", "the peer is also named \"" + config_.replica + "\": give every replica its own name");
    return false;
  }
  if (res.status == 401 || res.status == 403) {
    set_state(p, "refused", "HTTP " + std::to_string(res.status) + ": the replicas must share auth_token_file");
    return false;
  }
  if (fact && res.status == 400 && body.is_object()) {
    // The peer cannot use this fact (another model version, say): it would block the queue.
    deps_.log.warn("cluster_fact_refused", "peer " + p.url + " refused fact " + fact->value("id", "") + ": " +
                                               body.value("error", ""));
  } else if (res.status < 200 || res.status >= 300 || name.empty()) {
    set_state(p, "garbage", "HTTP " + std::to_string(res.status) + " without a greenlight cluster answer");
    return false;
  }
  {
    std::lock_guard lock(p.mutex);
    p.name = name;
    p.last_reached = deps_.clock.now_system();
    if (fact) ++p.forwarded;
  }
  if (fact) {
    if (const std::string err = outbox_.done(p.url, fact->value("id", "")); !err.empty()) {
      deps_.log.error("cluster_outbox", err);
    }
    p.sent->Increment();
    p.pending->Set(static_cast<double>(outbox_.pending(p.url)));
  }
  set_state(p, "up", "");
  return true;
}

void Cluster::set_state(Peer& p, const std::string& state, const std::string& detail) {
  std::string was;
  {
    std::lock_guard lock(p.mutex);
    was = p.state;
    p.state = state;
    p.detail = detail;
  }
  p.up->Set(state == "up" ? 1 : 0);
  if (was == state) return;  // logged once per change
  if (state == "up") {
    deps_.log.info("cluster_peer_up", "peer " + p.url + " is reachable" + (was == "unknown" ? "" : " again"),
                   {{"peer", p.url}});
    return;
  }
  p.errors->Add({{"peer", p.url}, {"state", state}}).Increment();
  const std::string message = "peer " + p.url + " is " + state + ": " + detail + " (retrying; " +
                              std::to_string(outbox_.pending(p.url)) + " facts waiting for it)";
  if (state == "same_name") {
    deps_.log.error("cluster_peer_" + state, message, {{"peer", p.url}});
  } else {
    deps_.log.warn("cluster_peer_" + state, message, {{"peer", p.url}});
  }
}

json Cluster::status() const {
  json peers = json::array();
  for (const auto& p : peers_) {
    std::lock_guard lock(p->mutex);
    peers.push_back({{"url", p->url},
                     {"replica", p->name.empty() ? json(nullptr) : json(p->name)},
                     {"state", p->state},
                     {"last_reached", p->last_reached == model::TimePoint{} ? json(nullptr)
                                                                            : json(model::format_rfc3339(p->last_reached))},
                     {"error", p->detail.empty() ? json(nullptr) : json(p->detail)},
                     {"forwarded", p->forwarded},
                     {"pending", outbox_.pending(p->url)}});
  }
  return {{"replica", config_.replica.empty() ? json(nullptr) : json(config_.replica)},
          {"shard", config_.shard},
          {"shards", config_.shards},
          {"peers", std::move(peers)},
          {"dropped", outbox_.dropped()}};
}

}  // namespace greenlight::daemon
