// The Alertmanager-compatible API (SPEC 6.6, dashboards/alertmanager_api.h): GET
// /api/v2/status, /api/v2/alerts, /api/v2/alerts/groups, /api/v2/receivers, GET/POST /api/v2/silences, GET and
// DELETE /api/v2/silence/{id}, for amtool, Grafana's Alertmanager data source and Karma.
// Silences made here are greenlight's own (GET /api/v1/silences lists them too); errors
// are Alertmanager's: a JSON string with the status.

#include <httplib.h>

#include <regex>

#include "daemon/runtime/http_api.h"
#include "daemon/runtime/http_replies.h"
#include "dashboards/alertmanager_api.h"
#include "model/user_regex.h"

#ifndef GREENLIGHT_VERSION
#define GREENLIGHT_VERSION "0.0.0"
#endif

namespace greenlight::daemon {

namespace {

// Alertmanager answers errors as a bare JSON string (its openapi.yaml: BadRequest is a
// string), which is what amtool prints.
void send_am_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, nlohmann::json(message));
}

// ?filter=MATCHER (repeatable) -> `out`; "" or what is wrong.
std::string parse_filters(const httplib::Request& req, std::vector<alerting::LabelMatcher>& out) {
  for (std::size_t i = 0; i < req.get_param_value_count("filter"); ++i) {
    std::string error;
    auto m = dashboards::parse_matcher(req.get_param_value("filter", i), error);
    if (!m) return error;
    out.push_back(std::move(*m));
  }
  return "";
}

// ?active=, ?silenced=, ?inhibited=: "true" or "false" (default true); "" or what is wrong.
std::string parse_flag(const httplib::Request& req, const char* name, bool& out) {
  if (!req.has_param(name)) return "";
  const std::string v = req.get_param_value(name);
  if (v != "true" && v != "false") return std::string(name) + " must be true or false, not \"" + v + "\"";
  out = v == "true";
  return "";
}

std::string parse_alert_query(const httplib::Request& req, dashboards::AmAlertQuery& q) {
  for (const auto& [name, flag] : {std::pair{"active", &q.active}, {"silenced", &q.silenced}, {"inhibited", &q.inhibited}}) {
    if (std::string error = parse_flag(req, name, *flag); !error.empty()) return error;
  }
  if (req.has_param("receiver") && !req.get_param_value("receiver").empty()) {
    std::regex re;
    if (std::string error = model::compile_user_regex(req.get_param_value("receiver"), re); !error.empty()) {
      return "failed to parse receiver param: " + error;
    }
    q.receiver = std::move(re);
  }
  return parse_filters(req, q.filter);
}

}  // namespace

void HttpApi::alertmanager_routes() {
  httplib::Server& s = *server_;
  s.Get("/api/v2/status", [this](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, dashboards::am_status_json(GREENLIGHT_VERSION, started_));
  });
  s.Get("/api/v2/receivers", [this](const httplib::Request&, httplib::Response& res) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& r : core_.snapshot()->model->alerting.receivers) list.push_back({{"name", r.name}});
    send_json(res, 200, list);
  });
  s.Get("/api/v2/alerts", [this](const httplib::Request& req, httplib::Response& res) {
    dashboards::AmAlertQuery q;
    if (const std::string error = parse_alert_query(req, q); !error.empty()) return send_am_error(res, 400, error);
    send_json(res, 200, dashboards::am_alerts_json(*core_.snapshot(), silences_.all(), q));
  });
  s.Get("/api/v2/alerts/groups", [this](const httplib::Request& req, httplib::Response& res) {
    dashboards::AmAlertQuery q;
    if (const std::string error = parse_alert_query(req, q); !error.empty()) return send_am_error(res, 400, error);
    send_json(res, 200, dashboards::am_alert_groups_json(*core_.snapshot(), silences_.all(), q));
  });
  s.Get("/api/v2/silences", [this](const httplib::Request& req, httplib::Response& res) {
    std::vector<alerting::LabelMatcher> filter;
    if (const std::string error = parse_filters(req, filter); !error.empty()) return send_am_error(res, 400, error);
    send_json(res, 200, dashboards::am_silences_json(silences_.all(), filter, clock_.now_system()));
  });
  s.Get(R"(/api/v2/silence/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    for (const auto& x : silences_.all()) {
      if (x.id == req.matches[1].str()) return send_json(res, 200, dashboards::am_silence_json(x, clock_.now_system()));
    }
    send_am_error(res, 404, "silence not found");
  });
  s.Post("/api/v2/silences", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res)) return;
    const model::TimePoint now = clock_.now_system();
    alerting::Silence x;
    std::string replaces;
    if (std::string error = dashboards::parse_am_silence(req.body, now, x, replaces); !error.empty()) {
      return send_am_error(res, 400, error);
    }
    // An edit (Grafana's, amtool's `silence update`) expires the old silence and makes a new
    // one, as Alertmanager does when the matchers or the start change.
    if (!replaces.empty() && !silences_.expire(replaces, now)) {
      return send_am_error(res, 404, "silence " + replaces + " not found among those made through the API" +
                                         " (configured silences change by editing the model)");
    }
    if (!replaces.empty()) silence_expired(replaces, now);
    std::string error;
    x.id = silences_.add(x, now, error);
    if (x.id.empty()) return send_am_error(res, 400, "invalid silence: " + error);
    silence_created(x, now);
    send_json(res, 200, {{"silenceID", x.id}});
  });
  s.Delete(R"(/api/v2/silence/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res)) return;
    const std::string id = req.matches[1].str();
    const model::TimePoint now = clock_.now_system();
    if (!silences_.expire(id, now)) {
      return send_am_error(res, 404, "silence " + id + " not found among those made through the API" +
                                         " (configured silences change by editing the model)");
    }
    silence_expired(id, now);
    res.status = 200;
  });
}

}  // namespace greenlight::daemon
