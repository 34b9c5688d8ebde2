// GET /api/v1/openapi.json: the OpenAPI 3 document of the whole HTTP API, docs/openapi.json
// as built into the binary, its `servers` set to the address the client used.
// tests/integration/openapi_test.cpp checks it against the routes the server registers.

#include <httplib.h>

#include "daemon/runtime/http_api.h"
#include "daemon/runtime/http_replies.h"
#include "dashboards/assets.h"

namespace greenlight::daemon {

void HttpApi::openapi_routes() {
  const bool tls = dynamic_cast<httplib::SSLServer*>(server_.get()) != nullptr;
  server_->Get("/api/v1/openapi.json", [tls](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json doc = nlohmann::json::parse(dashboards::api_files().at(0).body);
    if (req.has_header("Host")) {
      doc["servers"] = nlohmann::json::array({{{"url", (tls ? "https://" : "http://") + req.get_header_value("Host")}}});
    }
    send_json(res, 200, doc);
  });
}

}  // namespace greenlight::daemon
