// The cluster's side of the HTTP API (SPEC 6.5): GET /api/v1/cluster (this replica, its
// shard and its peers) and POST /api/v1/cluster/facts (a fact forwarded by a peer; admin
// token), and the application of a received fact.

#include <httplib.h>

#include "daemon/runtime/cluster.h"
#include "daemon/runtime/http_replies.h"
#include "daemon/runtime/runtime.h"
#include "daemon/stores/events.h"
#include "daemon/stores/heartbeats.h"
#include "daemon/stores/silences.h"

namespace greenlight::daemon {

using nlohmann::json;

namespace {

alerting::Silence silence_from(const json& j) {
  alerting::Silence s;
  s.id = j.at("id");
  for (const auto& [k, v] : j.at("match").items()) s.match[k] = v.get<std::string>();
  s.starts_at = model::from_epoch_ms(j.at("starts_at"));
  s.ends_at = model::from_epoch_ms(j.at("ends_at"));
  s.author = j.value("author", "");
  s.comment = j.value("comment", "");
  return s;
}

std::optional<probes::PingKind> ping_kind(const std::string& s) {
  for (auto k : {probes::PingKind::Success, probes::PingKind::Start, probes::PingKind::Fail}) {
    if (probes::to_string(k) == s) return k;
  }
  return std::nullopt;
}

}  // namespace

void Cluster::routes(httplib::Server& s) {
  s.Get("/api/v1/cluster", [this](const httplib::Request&, httplib::Response& res) { send_json(res, 200, status()); });
  s.Post("/api/v1/cluster/facts", [this](const httplib::Request& req, httplib::Response& res) {
    if (!token_.empty() && !same_secret(req.get_header_value("Authorization"), "Bearer " + token_)) {
      res.set_header("WWW-Authenticate", "Bearer");
      return send_error(res, 401, "forwarded facts need the admin token (the replicas share auth_token_file)");
    }
    const json fact = json::parse(req.body, nullptr, false);
    const auto [status, body] = receive(fact);
    send_json(res, status, body);
  });
}

std::pair<int, json> Cluster::receive(const json& fact) {
  const json me = config_.replica.empty() ? json(nullptr) : json(config_.replica);
  auto refuse = [&](int status, const std::string& message) {
    json body = dashboards::error_json(status, message);
    body["replica"] = me;
    return std::pair<int, json>{status, body};
  };
  if (!fact.is_object() || !fact.contains("origin") || !fact["origin"].is_string() || !fact.contains("epoch") ||
      !fact["epoch"].is_number_integer() || !fact.contains("seq") || !fact["seq"].is_number_unsigned() ||
      !fact.contains("kind") || !fact["kind"].is_string() || !fact.contains("data") || !fact["data"].is_object()) {
    return refuse(400, "a fact is {\"origin\", \"epoch\", \"seq\", \"kind\", \"data\"}");
  }
  const std::string origin = fact["origin"];
  if (origin == config_.replica) {
    deps_.log.error("cluster_same_name", "a peer forwarded a fact as \"" + origin +
                                             "\", this replica's own name: give every replica its own name");
    return refuse(409, "this replica is also named \"" + origin + "\": give every replica its own name");
  }
  const std::int64_t epoch = fact["epoch"];
  const std::uint64_t seq = fact["seq"];
  std::lock_guard lock(receive_mutex_);
  if (!seen_.is_new(origin, epoch, seq)) return {200, {{"replica", me}, {"result", "duplicate"}}};
  std::string result;
  try {
    result = apply(fact["kind"], fact["data"]);
  } catch (const json::exception& e) {
    return refuse(400, std::string("a malformed fact: ") + e.what());
  }
  if (const std::string err = seen_.applied(origin, epoch, seq); !err.empty()) deps_.log.error("cluster_seen", err);
  return {200, {{"replica", me}, {"result", result}}};
}

// "applied", or "ignored: why" for a fact this replica cannot use (and must not retry).
std::string Cluster::apply(const std::string& kind, const json& data) {
  const model::TimePoint now = deps_.clock.now_system();
  if (kind == "silence") {
    const alerting::Silence s = silence_from(data);
    deps_.silences.put(s);
    deps_.log.info("silence", "silence " + s.id + " by " + s.author + " (from a peer): " + s.comment,
                   {{"id", s.id}, {"author", s.author}});
    deps_.events.record({0, now, "silence", "silence " + s.id + " by " + s.author + " (from a peer): " + s.comment,
                         {{"id", s.id}, {"author", s.author}, {"match", s.match}, {"status", "created"}}});
    return "applied";
  }
  if (kind == "silence_expired") {
    const std::string id = data.at("id");
    if (!deps_.silences.expire(id, model::from_epoch_ms(data.at("at")))) return "ignored: no silence " + id;
    deps_.log.info("silence_expired", "silence " + id + " expired (by a peer)", {{"id", id}});
    return "applied";
  }
  if (kind != "heartbeat") return "ignored: unknown kind " + kind;
  engine::HeartbeatPing ping;
  ping.component = data.at("component");
  ping.signal = data.at("signal");
  ping.at = model::from_epoch_ms(data.at("at"));
  ping.message = data.value("message", "");
  if (data.contains("exit_code")) ping.exit_code = data["exit_code"].get<int>();
  const auto kind_of = ping_kind(data.at("kind"));
  if (!kind_of) return "ignored: unknown ping kind";
  ping.kind = *kind_of;
  const std::string key = ping.component + "/" + ping.signal;
  const auto snap = deps_.runtime.snapshot();
  const auto sig = snap->model->find_signal(ping.component, ping.signal);
  if (!sig || !std::holds_alternative<model::HeartbeatSpec>(snap->model->signals[*sig].spec)) {
    return "ignored: no heartbeat signal " + key + " here";
  }
  if (const auto last = deps_.heartbeats.last(key); last && *last > ping.at) return "ignored: a newer ping is here";
  deps_.heartbeats.record(key, ping.kind, ping.exit_code, ping.message, ping.at);
  if (const std::string err = deps_.heartbeats.save(); !err.empty()) deps_.log.error("heartbeat_not_persisted", err);
  deps_.log.info("heartbeat", "heartbeat (" + std::string(probes::to_string(ping.kind)) + ") from " + key +
                                  " (forwarded by a peer)",
                 {{"component", ping.component}, {"signal", ping.signal}});
  deps_.runtime.heartbeat_received(std::move(ping));
  return "applied";
}

}  // namespace greenlight::daemon
