#include "daemon/http_api.h"

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "dashboards/render.h"
#include "model/graph_export.h"

namespace greenlight::daemon {

using nlohmann::json;

namespace {

constexpr const char* kJson = "application/json";

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(2) + "\n", kJson);
}

void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, json{{"error", message}, {"status", status}});
}

// Constant-time comparison: a token check must not leak how many characters matched.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

HttpApi::HttpApi(Core& core, Metrics& metrics, HeartbeatStore& heartbeats, Log& log, const model::Clock& clock,
                 std::string auth_token)
    : core_(core),
      metrics_(metrics),
      heartbeats_(heartbeats),
      log_(log),
      clock_(clock),
      auth_token_(std::move(auth_token)),
      server_(std::make_unique<httplib::Server>()) {
  routes();
}

HttpApi::~HttpApi() { stop(); }

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

  // Every mutating handler goes through this: 401 and no change without the token.
  auto authorized = [this](const httplib::Request& req, httplib::Response& res) {
    if (auth_token_.empty() || same_secret(req.get_header_value("Authorization"), "Bearer " + auth_token_)) return true;
    res.set_header("WWW-Authenticate", "Bearer");
    send_error(res, 401, "this call needs Authorization: Bearer <token> (see [daemon] auth_token_file)");
    return false;
  };

  // Bodyless POSTs (heartbeats, reload) are answered before cpp-httplib's routing: 0.11
  // tries to read a body from a POST that has neither Content-Length nor chunked
  // encoding, which is what a plain `curl -X POST` from a cron job sends, and then
  // answers 400 after its read timeout (yhirose/cpp-httplib#1738, #2279).
  static const std::regex kHeartbeat(R"(/api/v1/heartbeats/([^/]+)/([^/]+))");
  s.set_pre_routing_handler([this, authorized](const httplib::Request& req, httplib::Response& res) {
    using R = httplib::Server::HandlerResponse;
    if (req.method != "POST") return R::Unhandled;
    std::smatch m;
    if (std::regex_match(req.path, m, kHeartbeat)) {
      if (authorized(req, res)) heartbeat(m[1].str(), m[2].str(), res);
      return R::Handled;
    }
    if (req.path == "/-/reload") {
      if (authorized(req, res)) reload(res);
      return R::Handled;
    }
    return R::Unhandled;
  });

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
    res.set_content(metrics_.render(snap.get()), "text/plain; version=0.0.4; charset=utf-8");
  });
  s.Get("/api/v1/status", [this](const httplib::Request&, httplib::Response& res) {
    const auto snap = core_.snapshot();
    json body = dashboards::status_json(*snap->model, snap->state);
    body["ready"] = snap->ready;
    body["evaluated_at"] = dashboards::rfc3339(snap->evaluated_at);
    send_json(res, 200, body);
  });
  s.Get(R"(/api/v1/components/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    const auto snap = core_.snapshot();
    const auto c = snap->model->find_component(req.matches[1].str());
    if (!c) return send_error(res, 404, "no component \"" + req.matches[1].str() + "\"");
    send_json(res, 200, dashboards::component_json(*snap->model, snap->state, *c, true));
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
  s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
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

void HttpApi::heartbeat(const std::string& component, const std::string& signal, httplib::Response& res) {
  const auto snap = core_.snapshot();
  const auto sig = snap->model->find_signal(component, signal);
  if (!sig) return send_error(res, 404, "no signal \"" + component + "/" + signal + "\"");
  if (snap->model->signals[*sig].kind != model::ProbeKind::Heartbeat) {
    return send_error(res, 400, "signal \"" + component + "/" + signal + "\" is not a heartbeat signal");
  }
  const model::TimePoint now = clock_.now_system();
  heartbeats_.record(component + "/" + signal, now);
  if (const std::string err = heartbeats_.save(); !err.empty()) {
    log_.error("heartbeat_not_persisted", err, {{"component", component}, {"signal", signal}});
  }
  core_.heartbeat_received(component, signal);
  log_.info("heartbeat", "heartbeat from " + component + "/" + signal, {{"component", component}, {"signal", signal}});
  send_json(res, 202, json{{"component", component}, {"signal", signal}, {"received_at", dashboards::rfc3339(now)}});
}

void HttpApi::reload(httplib::Response& res) {
  const ReloadResult r = core_.request_reload().get();
  if (r.ok) return send_json(res, 200, json{{"status", "reloaded"}});
  send_json(res, 400, json{{"error", "the configuration is invalid; the running model is kept"},
                           {"status", 400},
                           {"errors", r.errors}});
}

std::string HttpApi::start(const std::string& listen) {
  std::string host, port;
  if (listen.front() == '[') {
    host = listen.substr(1, listen.find(']') - 1);
    port = listen.substr(listen.find("]:") + 2);
  } else {
    host = listen.substr(0, listen.rfind(':'));
    port = listen.substr(listen.rfind(':') + 1);
  }
  if (!server_->bind_to_port(host, std::stoi(port))) return "cannot listen on " + listen + " (address in use?)";
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return {};
}

void HttpApi::stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace greenlight::daemon
