#include "daemon/runtime/http_api.h"

#include "daemon/runtime/cluster.h"
#include "daemon/runtime/http_in_process.h"
#include "daemon/runtime/http_replies.h"
#include "daemon/runtime/http_whatif.h"

#include "dashboards/assets.h"

#include <charconv>

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <cstdio>
#include <regex>

#include "dashboards/render.h"
#include "model/graph_export.h"
#include "model/json_text.h"

namespace greenlight::daemon {

using nlohmann::json;

namespace {

// ?since=SEQ (events after that sequence number: what a poller saw last) or an RFC 3339
// time; ?limit=N (default 200, at most 2000). Returns "" or what is wrong with the query.
struct EventsQuery {
  std::uint64_t after = 0;
  model::TimePoint since{};
  std::size_t limit = 200;
};
std::string parse_events_query(const httplib::Request& req, EventsQuery& q) {
  if (req.has_param("since")) {
    const std::string v = req.get_param_value("since");
    std::uint64_t seq = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seq);
    if (ec == std::errc() && end == v.data() + v.size()) {
      q.after = seq;
    } else if (const auto t = model::parse_rfc3339(v)) {
      q.since = *t;
    } else {
      return "since must be an event sequence number or an RFC 3339 time, e.g. 2026-11-26T08:00:00Z";
    }
  }
  if (req.has_param("limit")) {
    const std::string v = req.get_param_value("limit");
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), q.limit);
    if (ec != std::errc() || end != v.data() + v.size() || q.limit == 0 || q.limit > 2000) {
      return "limit must be a number from 1 to 2000";
    }
  }
  return "";
}

// The body of POST /api/v1/silences -> `x`. Returns "" or what is wrong with the body.
std::string parse_silence(const std::string& text, model::TimePoint now, alerting::Silence& x) {
  const json body = json::parse(text, nullptr, false);
  if (!body.is_object()) return "the body must be a JSON object";
  try {
    const json match = body.value("match", json::object());
    for (const auto& [k, v] : match.items()) x.match[k] = v.get<std::string>();
    if (body.contains("starts_at")) {
      const auto t = model::parse_rfc3339(body["starts_at"].get<std::string>());
      if (!t) return "starts_at must be an RFC 3339 time, e.g. 2026-11-26T22:00:00Z";
      x.starts_at = *t;
    }
    if (body.contains("ends_at")) {
      const auto t = model::parse_rfc3339(body["ends_at"].get<std::string>());
      if (!t) return "ends_at must be an RFC 3339 time, e.g. 2026-11-26T23:00:00Z";
      x.ends_at = *t;
    } else if (body.contains("duration")) {
      const auto d = model::parse_duration(body["duration"].get<std::string>());
      if (!d) return "duration must be like \"2h\" or \"30m\"";
      x.ends_at = (x.starts_at == model::TimePoint{} ? now : x.starts_at) + *d;
    } else {
      return "give ends_at or duration";
    }
    x.author = body.value("author", "");
    x.comment = body.value("comment", "");
  } catch (const json::exception&) {
    return "match must map label names to strings; author and comment are strings";
  }
  if (x.author.empty()) return "author is required: who silenced it";
  return "";
}

// A Range header is ignored: every answer is whole (RFC 9110 14.2 lets a server ignore
// Range). cpp-httplib 0.11 otherwise cuts any body to the range, even under a 200 or 404
// that a handler set: `Range: bytes=0-1` made every JSON answer "{" (found by fuzzing).
// The request is process_request's own non-const object, so clearing it is defined.
void ignore_range(const httplib::Request& req) { const_cast<httplib::Request&>(req).ranges.clear(); }

}  // namespace

HttpApi::HttpApi(Runtime& core, Metrics& metrics, HeartbeatStore& heartbeats, Log& log, const model::Clock& clock,
                 HttpAccess access, SilenceStore& silences, EventLog& events)
    : core_(core),
      metrics_(metrics),
      heartbeats_(heartbeats),
      log_(log),
      clock_(clock),
      auth_token_(std::move(access.auth_token)),
      read_token_(std::move(access.read_token)),
      started_(clock.now_system()),
      silences_(silences),
      events_(events),
      // Plain HTTP is an InProcessServer, so serve_in_process (the fuzz target) reaches
      // every route; HTTPS needs cpp-httplib's own SSLServer.
      server_(access.tls_cert_file.empty()
                  ? std::unique_ptr<httplib::Server>(std::make_unique<InProcessServer>())
                  : std::make_unique<httplib::SSLServer>(access.tls_cert_file.c_str(), access.tls_key_file.c_str())) {
  routes();
}

HttpApi::~HttpApi() { stop(); }

bool HttpApi::read_authorized(const httplib::Request& req, httplib::Response& res) const {
  // POST /api/v1/simulate changes nothing: a read (SPEC 6.3), behind the read token too.
  const bool read = req.method == "GET" || req.method == "HEAD" || (req.method == "POST" && req.path == "/api/v1/simulate");
  if (read_token_.empty() || !read || !req.path.starts_with("/api/") || std::regex_match(req.path, heartbeat_path())) {
    return true;
  }
  const std::string bearer = req.get_header_value("Authorization");
  if (same_secret(bearer, "Bearer " + read_token_) || (!auth_token_.empty() && same_secret(bearer, "Bearer " + auth_token_))) {
    return true;
  }
  res.set_header("WWW-Authenticate", "Bearer");
  send_error(res, 401, "this read needs Authorization: Bearer <token> (see [daemon] read_token_file)");
  return false;
}

// Every mutating handler goes through this: 401 and no change without the token.
bool HttpApi::authorized(const httplib::Request& req, httplib::Response& res) const {
  if (auth_token_.empty() || same_secret(req.get_header_value("Authorization"), "Bearer " + auth_token_)) return true;
  res.set_header("WWW-Authenticate", "Bearer");
  send_error(res, 401, "this call needs Authorization: Bearer <token> (see [daemon] auth_token_file)");
  return false;
}

void HttpApi::routes() {
  httplib::Server& s = *server_;
  // cpp-httplib's default socket options add SO_REUSEPORT, with which a second daemon
  // started on the same address binds silently and the kernel splits connections between
  // the two. SO_REUSEADDR alone still allows a quick restart; a second instance fails.
  s.set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.set_payload_max_length(1 << 20);
  s.set_read_timeout(std::chrono::seconds(10));
  s.set_write_timeout(std::chrono::seconds(10));
  s.set_keep_alive_timeout(5);

  // Bodyless POSTs (heartbeats, reload) are answered before cpp-httplib's routing: 0.11
  // tries to read a body from a POST that has neither Content-Length nor chunked
  // encoding, which is what a plain `curl -X POST` from a cron job sends, and then
  // answers 400 after its read timeout (yhirose/cpp-httplib#1738, #2279). A heartbeat
  // POST with a body (a failure's message) goes through the route, which reads it.
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    using R = httplib::Server::HandlerResponse;
    ignore_range(req);
    if (!read_authorized(req, res)) return R::Handled;
    if (req.method != "POST") return R::Unhandled;
    const bool has_body = req.has_header("Content-Length") || req.has_header("Transfer-Encoding");
    if (!has_body && std::regex_match(req.path, heartbeat_path())) {
      ping(req, res, "");
      return R::Handled;
    }
    if (req.path == "/-/reload") {
      if (authorized(req, res)) reload(res);
      return R::Handled;
    }
    if (!has_body && req.path == "/api/v1/simulate") {
      simulate_reply(core_, silences_, clock_, "", res);
      return R::Handled;
    }
    return R::Unhandled;
  });

  // The dashboard, from the files built into the binary.
  for (const dashboards::Asset& a : dashboards::assets()) {
    auto serve = [&a](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-cache");
      res.set_content(a.body, a.content_type);
    };
    if (a.name == "index.html") s.Get("/", serve);
    s.Get("/assets/" + a.name, serve);
  }
  s.Get("/healthz", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  s.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    const auto snap = core_.snapshot();
    if (snap && snap->ready) {
      res.set_content("ready\n", "text/plain");
    } else {
      res.status = 503;
      res.set_content("not ready: the first evaluation has not finished\n", "text/plain");
    }
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    const auto snap = core_.snapshot();
    res.body = metrics_.render(snap.get());  // moved, not copied: at 10,000 signals it is megabytes
    res.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  });
  state_routes();
  add_slo_routes(s, core_);
  heartbeat_routes();
  alert_routes();
  silence_routes();
  alertmanager_routes();
  openapi_routes();
  whatif_routes(s, core_, silences_, clock_);
  error_handlers();
}

// The evaluation state: status, one component, one flow, the graph.
void HttpApi::state_routes() {
  httplib::Server& s = *server_;
  // ?components=not_green leaves the green components out (what the dashboard polls).
  s.Get("/api/v1/status", [this](const httplib::Request& req, httplib::Response& res) {
    const std::string which = req.has_param("components") ? req.get_param_value("components") : "all";
    if (which != "all" && which != "not_green") {
      return send_error(res, 400, "components must be \"all\" or \"not_green\"");
    }
    const auto snap = core_.snapshot();
    send_json(res, 200, dashboards::status_json(*snap, which == "not_green"));
  });
  s.Get(R"(/api/v1/components/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    const auto snap = core_.snapshot();
    const auto c = snap->model->find_component(req.matches[1].str());
    if (!c) return send_error(res, 404, "no component \"" + req.matches[1].str() + "\"");
    send_json(res, 200, dashboards::component_json(*snap, *c));
  });
  s.Get(R"(/api/v1/flows/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    const auto snap = core_.snapshot();
    const auto f = snap->model->find_flow(req.matches[1].str());
    if (!f) return send_error(res, 404, "no flow \"" + req.matches[1].str() + "\"");
    send_json(res, 200, dashboards::flow_json(*snap->model, snap->state, *f, true));
  });
  s.Get("/api/v1/graph", [this](const httplib::Request&, httplib::Response& res) {
    const auto snap = core_.snapshot();
    send_json(res, 200, model::graph_json(*snap->model, &snap->state));
  });
}

// What the alerting side did and does: alerts, the history of events, self-healing actions.
void HttpApi::alert_routes() {
  httplib::Server& s = *server_;
  s.Get("/api/v1/alerts", [this](const httplib::Request&, httplib::Response& res) {
    const auto snap = core_.snapshot();
    send_json(res, 200, dashboards::alerts_json(snap->alerts, snap->told));
  });
  s.Get("/api/v1/incidents", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, dashboards::incidents_json(*core_.snapshot()));
  });
  // The newest `limit` events that match the query, oldest first.
  s.Get("/api/v1/events", [this](const httplib::Request& req, httplib::Response& res) {
    EventsQuery q;
    if (const std::string error = parse_events_query(req, q); !error.empty()) return send_error(res, 400, error);
    send_json(res, 200, dashboards::events_json(events_.query(q.after, q.since, q.limit), events_.last_seq()));
  });
  s.Get("/api/v1/actions", [this](const httplib::Request&, httplib::Response& res) {
    const auto snap = core_.snapshot();
    send_json(res, 200, dashboards::actions_json(*snap->model, snap->actions));
  });
}

void HttpApi::silence_routes() {
  httplib::Server& s = *server_;
  s.Get("/api/v1/silences", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, dashboards::silences_json(silences_.all(), clock_.now_system()));
  });
  s.Post("/api/v1/silences", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res)) return;
    alerting::Silence x;
    const model::TimePoint now = clock_.now_system();
    if (const std::string error = parse_silence(req.body, now, x); !error.empty()) return send_error(res, 400, error);
    std::string error;
    x.id = silences_.add(x, now, error);
    if (x.id.empty()) return send_error(res, 400, error);
    silence_created(x, now);
    const std::string id = x.id;
    for (const auto& created : silences_.all()) {
      if (created.id != id) continue;
      return send_json(res, 201, dashboards::silence_json(created, now));
    }
  });
  s.Delete(R"(/api/v1/silences/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res)) return;
    const std::string id = req.matches[1].str();
    const model::TimePoint now = clock_.now_system();
    if (!silences_.expire(id, now)) {
      return send_error(res, 404, "no silence \"" + id + "\" made through the API (configured ones change by reload)");
    }
    silence_expired(id, clock_.now_system());
    send_json(res, 200, dashboards::silence_expired_json(id));
  });
}

void HttpApi::silence_created(const alerting::Silence& x, model::TimePoint now) {
  log_.info("silence", "silence " + x.id + " by " + x.author + ": " + x.comment, {{"id", x.id}, {"author", x.author}});
  nlohmann::json detail{{"id", x.id}, {"author", x.author}, {"match", x.match}, {"status", "created"}};
  if (!x.matchers.empty()) detail["matchers"] = dashboards::silence_json(x, now)["matchers"];
  events_.record({0, now, "silence", "silence " + x.id + " by " + x.author + ": " + x.comment, std::move(detail)});
  // Forwarded to the peers as stored (with its id and times), from either API (SPEC 6.5).
  if (!cluster_) return;
  for (const auto& stored : silences_.all()) {
    if (stored.id == x.id) cluster_->silence_created(stored);
  }
}

void HttpApi::silence_expired(const std::string& id, model::TimePoint now) {
  log_.info("silence_expired", "silence " + id + " expired", {{"id", id}});
  events_.record({0, now, "silence", "silence " + id + " expired", {{"id", id}, {"status", "expired"}}});
  if (cluster_) cluster_->silence_expired(id, now);
}

// Unrouted requests and handlers that threw answer JSON errors too.
void HttpApi::error_handlers() {
  httplib::Server& s = *server_;
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    ignore_range(req);  // an invalid Range is answered 416 before the pre-routing handler
    if (!res.body.empty()) return;
    if (res.status == 404) {
      send_error(res, 404, "no such endpoint: " + req.method + " " + req.path);
    } else {
      send_error(res, res.status, "HTTP " + std::to_string(res.status) + " for " + req.method + " " + req.path);
    }
  });
  s.set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log_.error("http_error", req.method + " " + req.path + ": " + what);
    send_error(res, 500, "internal error: " + what);
  });
}

void HttpApi::reload(httplib::Response& res) {
  const ReloadResult r = core_.request_reload().get();
  send_json(res, r.ok ? 200 : 400, dashboards::reload_json(r.ok, r.errors));
}

void HttpApi::extend(const std::function<void(httplib::Server&)>& add) { add(*server_); }

std::string HttpApi::start(const std::string& listen) {
  std::string host, port;
  if (listen.front() == '[') {
    host = listen.substr(1, listen.find(']') - 1);
    port = listen.substr(listen.find("]:") + 2);
  } else {
    host = listen.substr(0, listen.rfind(':'));
    port = listen.substr(listen.rfind(':') + 1);
  }
  if (!server_->is_valid()) return "cannot set up TLS with tls_cert_file and tls_key_file";
  if (!server_->bind_to_port(host, std::stoi(port))) return "cannot listen on " + listen + " (address in use?)";
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return {};
}

void HttpApi::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace greenlight::daemon
