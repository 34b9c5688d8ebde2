// GET /api/v1/slos and GET /api/v1/slos/{flow}/history (SPEC 6.2): reads of the core's
// snapshot, rendered by dashboards/render_slos.cpp. No token needed (reads).

#include <charconv>

#include "daemon/runtime/http_api.h"
#include "daemon/runtime/http_replies.h"
#include "daemon/runtime/runtime.h"

namespace greenlight::daemon {

void add_slo_routes(httplib::Server& s, Runtime& core) {
  s.Get("/api/v1/slos", [&core](const httplib::Request&, httplib::Response& res) {
    send_json(res, 200, dashboards::slos_json(*core.snapshot()));
  });
  // ?hours=24 (default), up to 720: an hour per bar.
  s.Get(R"(/api/v1/slos/([^/]+)/history)", [&core](const httplib::Request& req, httplib::Response& res) {
    std::size_t hours = 24;
    if (req.has_param("hours")) {
      const std::string v = req.get_param_value("hours");
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), hours);
      if (ec != std::errc{} || end != v.data() + v.size() || hours < 1 || hours > 720) {
        return send_error(res, 400, "hours must be a whole number from 1 to 720");
      }
    }
    const auto snap = core.snapshot();
    const std::string flow = req.matches[1].str();
    auto body = dashboards::slo_history_json(*snap, flow, hours);
    if (!body) return send_error(res, 404, "no flow \"" + flow + "\" with an objective");
    send_json(res, 200, *body);
  });
}

}  // namespace greenlight::daemon
