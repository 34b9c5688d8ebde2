// The heartbeat endpoints (SPEC 6.4): pings by GET or POST at
// /api/v1/heartbeats/{component}/{signal}[/start|/fail|/{exit_code}], each authorized by
// the admin token or the heartbeat's own token (bearer or ?token=).

#include <charconv>
#include <cstdlib>
#include <regex>

#include <httplib.h>

#include "daemon/runtime/http_api.h"
#include "daemon/runtime/cluster.h"
#include "daemon/runtime/http_replies.h"
#include "daemon/stores/files.h"
#include "dashboards/render.h"
#include "model/json_text.h"

namespace greenlight::daemon {

namespace {

// A ping body larger than this is refused (413); its first kPingMessageMax bytes are kept.
constexpr std::size_t kPingBodyMax = 64 * 1024;

// A heartbeat's token, read at each ping (so a rotated file takes effect); "" when unset or
// unreadable.
std::string read_token(const model::SecretRef& ref) {
  std::string value;
  if (!ref.file.empty()) {
    if (!read_file(ref.file, value)) return "";
  } else if (!ref.env.empty()) {
    const char* v = std::getenv(ref.env.c_str());
    value = v == nullptr ? "" : v;
  }
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r' || value.back() == ' ')) value.pop_back();
  return value;
}

struct PingPath {
  std::string component, signal;
  probes::PingKind kind = probes::PingKind::Success;
  std::optional<int> exit_code;
};

// "" or the last path segment's problem: start, fail, or an exit code 0-255.
std::string parse_suffix(const std::string& suffix, PingPath& p) {
  if (suffix.empty()) return "";
  if (suffix == "start") {
    p.kind = probes::PingKind::Start;
    return "";
  }
  if (suffix == "fail") {
    p.kind = probes::PingKind::Fail;
    return "";
  }
  int code = -1;
  const auto [end, ec] = std::from_chars(suffix.data(), suffix.data() + suffix.size(), code);
  if (ec != std::errc() || end != suffix.data() + suffix.size() || code < 0 || code > 255) {
    return "the last path segment must be start, fail or an exit code from 0 to 255, not \"" + suffix + "\"";
  }
  p.exit_code = code;
  p.kind = code == 0 ? probes::PingKind::Success : probes::PingKind::Fail;
  return "";
}

}  // namespace

const std::regex& HttpApi::heartbeat_path() {
  static const std::regex kPath(R"(/api/v1/heartbeats/([^/]+)/([^/]+)(?:/([^/]+))?)");
  return kPath;
}

// The admin token works everywhere; a heartbeat's own token only for its pings.
bool HttpApi::ping_authorized(const httplib::Request& req, const model::SecretRef& token) const {
  const std::string own = token.empty() ? "" : read_token(token);
  if (auth_token_.empty() && token.empty()) return true;
  const std::string bearer = req.get_header_value("Authorization");
  if (!auth_token_.empty() && same_secret(bearer, "Bearer " + auth_token_)) return true;
  if (own.empty()) return false;
  return same_secret(bearer, "Bearer " + own) ||
         (req.has_param("token") && same_secret(req.get_param_value("token"), own));
}

void HttpApi::heartbeat_routes() {
  httplib::Server& s = *server_;
  const auto handler = [this](const httplib::Request& req, httplib::Response& res) { ping(req, res, req.body); };
  s.Get(R"(/api/v1/heartbeats/([^/]+)/([^/]+)(?:/([^/]+))?)", handler);
  s.Post(R"(/api/v1/heartbeats/([^/]+)/([^/]+)(?:/([^/]+))?)", handler);
}

void HttpApi::ping(const httplib::Request& req, httplib::Response& res, const std::string& body) {
  std::smatch m;
  if (!std::regex_match(req.path, m, heartbeat_path())) return send_error(res, 404, "no such endpoint: " + req.path);
  PingPath p;
  p.component = m[1].str();
  p.signal = m[2].str();
  const std::string key = p.component + "/" + p.signal;
  const auto snap = core_.snapshot();
  const auto sig = snap->model->find_signal(p.component, p.signal);
  const model::Signal* signal = sig ? &snap->model->signals[*sig] : nullptr;
  const auto* spec = signal ? std::get_if<model::HeartbeatSpec>(&signal->spec) : nullptr;
  if (!ping_authorized(req, spec ? spec->token : model::SecretRef{})) {
    res.set_header("WWW-Authenticate", "Bearer");
    return send_error(res, 401, "this heartbeat needs its token or the admin token (Authorization: Bearer <token>"
                                " or ?token=)");
  }
  if (!signal) return send_error(res, 404, "no signal \"" + key + "\"");
  if (!spec) return send_error(res, 400, "signal \"" + key + "\" is not a heartbeat signal");
  if (const std::string error = parse_suffix(m[3].str(), p); !error.empty()) return send_error(res, 400, error);
  if (body.size() > kPingBodyMax) {
    return send_error(res, 413, "a ping body may have at most 64 KiB (the first 1,000 bytes become the message)");
  }
  const model::TimePoint now = clock_.now_system();
  const std::string message = body.substr(0, probes::kPingMessageMax);
  heartbeats_.record(key, p.kind, p.exit_code, message, now);
  if (const std::string err = heartbeats_.save(); !err.empty()) {
    log_.error("heartbeat_not_persisted", err, {{"component", p.component}, {"signal", p.signal}});
  }
  engine::HeartbeatPing forwarded{p.component, p.signal, now, p.kind, p.exit_code, message};
  if (cluster_) cluster_->heartbeat(forwarded);
  core_.heartbeat_received(std::move(forwarded));
  const std::string kind(probes::to_string(p.kind));
  log_.info("heartbeat", "heartbeat (" + kind + ") from " + key,
            {{"component", p.component}, {"signal", p.signal}, {"kind", kind}});
  const auto recorded = heartbeats_.history(key);
  send_json(res, 202, dashboards::ping_json(p.component, p.signal, p.kind, p.exit_code,
                                            recorded ? recorded->message : message, now));
}

}  // namespace greenlight::daemon
