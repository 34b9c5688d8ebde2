#pragma once

// The what-if routes of the HTTP API (SPEC 6.3), registered by HttpApi::routes():
//   POST /api/v1/simulate                 whatif::simulate on the current snapshot; a read:
//                                         no token, no side effect (nothing sent, stored,
//                                         counted or logged); 400 with the unknown id or the
//                                         bad state; 413 over 1 MiB (the server's limit)
//   GET  /api/v1/explain/flows/{id}       whatif::explain_flow; 404 for an unknown flow
//   GET  /api/v1/explain/components/{id}  whatif::explain_component; 404 likewise
// Thread-safety: handlers only read snapshots and the silence store.

#include <string>

#include "daemon/runtime/runtime.h"
#include "daemon/stores/silences.h"
#include "model/clock.h"

namespace httplib {
class Server;
struct Response;
}

namespace greenlight::daemon {

void whatif_routes(httplib::Server& s, const Runtime& core, const SilenceStore& silences, const model::Clock& clock);

// The answer to POST /api/v1/simulate with `body` ("" or "{}": the current state). Also
// called before routing for a POST without Content-Length (`curl -X POST URL`), which
// cpp-httplib 0.11 would otherwise wait on (HttpApi::routes()).
void simulate_reply(const Runtime& core, const SilenceStore& silences, const model::Clock& clock,
                    const std::string& body, httplib::Response& res);

}  // namespace greenlight::daemon
