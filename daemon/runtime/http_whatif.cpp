#include "daemon/runtime/http_whatif.h"

#include "daemon/runtime/http_replies.h"
#include "whatif/explain.h"
#include "whatif/simulate.h"

namespace greenlight::daemon {

using nlohmann::json;

void simulate_reply(const Runtime& core, const SilenceStore& silences, const model::Clock& clock,
                    const std::string& body, httplib::Response& res) {
  const json overrides_json = body.empty() ? json::object() : json::parse(body, nullptr, false);
  if (overrides_json.is_discarded()) {
    return send_error(res, 400, "the body must be JSON, like {\"components\": {\"database\": \"red\"}}");
  }
  whatif::Overrides overrides;
  if (const std::string error = whatif::parse_overrides(overrides_json, overrides); !error.empty()) {
    return send_error(res, 400, error);
  }
  const auto snap = core.snapshot();
  whatif::Resolved resolved;
  if (const std::string error = whatif::resolve(*snap->model, overrides, resolved); !error.empty()) {
    return send_error(res, 400, error);
  }
  const auto sim = whatif::simulate(*snap, silences.all(), resolved, clock.now_system());
  send_json(res, 200, whatif::simulation_json(*snap->model, sim));
}

void whatif_routes(httplib::Server& s, const Runtime& core, const SilenceStore& silences, const model::Clock& clock) {
  s.Post("/api/v1/simulate", [&core, &silences, &clock](const httplib::Request& req, httplib::Response& res) {
    simulate_reply(core, silences, clock, req.body, res);
  });
  s.Get(R"(/api/v1/explain/flows/([^/]+))", [&core](const httplib::Request& req, httplib::Response& res) {
    const auto snap = core.snapshot();
    const auto f = snap->model->find_flow(req.matches[1].str());
    if (!f) return send_error(res, 404, "no flow \"" + req.matches[1].str() + "\"");
    send_json(res, 200, whatif::explain_flow(*snap, *f));
  });
  s.Get(R"(/api/v1/explain/components/([^/]+))", [&core](const httplib::Request& req, httplib::Response& res) {
    const auto snap = core.snapshot();
    const auto c = snap->model->find_component(req.matches[1].str());
    if (!c) return send_error(res, 404, "no component \"" + req.matches[1].str() + "\"");
    send_json(res, 200, whatif::explain_component(*snap, *c));
  });
}

}  // namespace greenlight::daemon
