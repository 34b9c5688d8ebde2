#pragma once

// The HTTP interface (SPEC 4) on cpp-httplib: health, readiness, metrics, the JSON API
// read from the core's snapshots, push heartbeats and reloads. Handlers parse the request,
// call one pure renderer of dashboards/render.h and send its JSON; errors are JSON bodies
// {"error": "...", "status": N} with that status. Mutating calls need the bearer token when
// [daemon] auth_token_file is set, reads of /api/ the read token when read_token_file is;
// with tls_cert_file it serves HTTPS (cpp-httplib's SSLServer on OpenSSL). Thread-safety: handlers run on cpp-httplib's pool and
// only read snapshots or post to the core.

#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include "daemon/runtime/runtime.h"
#include "daemon/stores/events.h"
#include "daemon/stores/heartbeats.h"
#include "daemon/runtime/log.h"
#include "daemon/runtime/metrics.h"
#include "daemon/stores/silences.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}

namespace greenlight::daemon {

// Who may call what (SPEC 6.6), and HTTPS: the tokens as read from their files at start.
struct HttpAccess {
  std::string auth_token;  // admin: every mutation; "" = mutations are open
  std::string read_token;  // "" = reads are open; else every /api/ read needs it or the admin token
  std::string tls_cert_file, tls_key_file;  // both set: HTTPS (checked by check_tls_files first)
};
class Runtime;
// http_slos.cpp: GET /api/v1/slos and /api/v1/slos/{flow}/history (SPEC 6.2).
void add_slo_routes(httplib::Server& s, Runtime& core);
class Cluster;

class HttpApi {
 public:
  HttpApi(Runtime& core, Metrics& metrics, HeartbeatStore& heartbeats, Log& log, const model::Clock& clock,
          HttpAccess access, SilenceStore& silences, EventLog& events);
  ~HttpApi();

  // Silences and heartbeats taken here are forwarded to the replica's peers (SPEC 6.5).
  void set_cluster(Cluster* cluster) { cluster_ = cluster; }
  // Adds routes of a caller's own (the demo's), before start().
  void extend(const std::function<void(httplib::Server&)>& add);
  // Binds `listen` (HOST:PORT) and serves on a background thread. Returns "" or an error.
  std::string start(const std::string& listen);
  void stop();
  // Serves one raw HTTP request from memory, without a socket, and returns the raw
  // answer (http_in_process.cpp; for fuzz/ and tests).
  std::string serve_in_process(std::string_view request);

 private:
  void routes();
  void state_routes();
  void alert_routes();
  void silence_routes();
  // http_alertmanager.cpp: the Alertmanager v2 API (dashboards/alertmanager_api.h).
  void alertmanager_routes();
  // http_openapi.cpp: GET /api/v1/openapi.json.
  void openapi_routes();
  // A silence made or expired through either API: logged and recorded as an event.
  void silence_created(const alerting::Silence& x, model::TimePoint now);
  void silence_expired(const std::string& id, model::TimePoint now);
  // false (and a 401 sent) when a read token is set and an /api/ read carries neither it
  // nor the admin token; heartbeat pings have their own tokens.
  bool read_authorized(const httplib::Request& req, httplib::Response& res) const;
  void error_handlers();
  // false (and a 401 sent) when a token is set and the request does not carry it.
  bool authorized(const httplib::Request& req, httplib::Response& res) const;
  // http_heartbeats.cpp: the ping endpoints.
  static const std::regex& heartbeat_path();
  void heartbeat_routes();
  bool ping_authorized(const httplib::Request& req, const model::SecretRef& token) const;
  void ping(const httplib::Request& req, httplib::Response& res, const std::string& body);
  void reload(httplib::Response& res);
  Runtime& core_;
  Metrics& metrics_;
  HeartbeatStore& heartbeats_;
  Log& log_;
  const model::Clock& clock_;
  std::string auth_token_;
  std::string read_token_;
  model::TimePoint started_;
  SilenceStore& silences_;
  EventLog& events_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  Cluster* cluster_ = nullptr;  // set before start()
};

}  // namespace greenlight::daemon
