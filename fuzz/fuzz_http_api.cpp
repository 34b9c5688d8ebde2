// The HTTP API in process: any bytes as one HTTP request (method, path, query, headers,
// body) -> cpp-httplib's parsing and routing -> our handlers -> the answer, through
// HttpApi::serve_in_process (no socket). The daemon around it is the real one (runtime
// thread, stores in a temporary state_dir, an admin token and a heartbeat token), set up
// once. Properties: never a crash or a hang; every answer is an HTTP status line; every
// error status (4xx/5xx) of ours has a JSON body; no 500 (a handler that threw).

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "daemon/runtime/delivery.h"
#include "daemon/runtime/http_api.h"
#include "daemon/runtime/runtime.h"
#include "daemon/stores/outbox.h"
#include "fuzz/fuzz.h"
#include "model/load.h"

namespace {

using namespace greenlight;
using namespace greenlight::daemon;

constexpr const char* kModel = R"([daemon]
listen = "127.0.0.1:1"
state_dir = "state"
interval = "1h"
auth_token_file = "admin-token"
[components.database]
name = "Orders database"
alert = true
  [[components.database.signals]]
  id = "nightly"
  probe = "heartbeat"
  token_file = "hb-token"
  yellow_after = "25h"
  red_after = "26h"
[components.api]
depends_on = ["database"]
  [[components.api.signals]]
  id = "beat"
  probe = "heartbeat"
  red_after = "1h"
[flows.checkout]
criticality = "high"
steps = ["api"]
)";

// The daemon of run_daemon(), without the listening socket and the signals.
struct Daemon {
  std::string dir;
  std::shared_ptr<const model::Model> model;
  model::RealClock clock;
  std::unique_ptr<Log> log;
  std::unique_ptr<HeartbeatStore> heartbeats;
  std::unique_ptr<Metrics> metrics;
  std::unique_ptr<probes::ProbeRunner> probes;
  std::unique_ptr<SilenceStore> silences;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<EventLog> events;
  std::unique_ptr<Delivery> delivery;
  std::unique_ptr<ActionRunner> actions;
  std::unique_ptr<Runtime> runtime;
  std::unique_ptr<HttpApi> api;
  std::jthread thread;

  Daemon() {
    char tmpl[] = "/tmp/greenlight-fuzz-http-XXXXXX";
    dir = mkdtemp(tmpl);
    static std::string to_remove;  // the state_dir goes when the process does
    to_remove = dir;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(to_remove, ec);
    });
    const std::string path = dir + "/model.toml";
    std::ofstream(path) << kModel;
    std::ofstream(dir + "/admin-token") << "fuzz-admin-token\n";
    std::ofstream(dir + "/hb-token") << "fuzz-hb-token\n";
    model::LoadResult r = model::load(kModel, path);
    GREENLIGHT_FUZZ_CHECK(r.ok());
    model = r.model;
    std::filesystem::create_directories(model->daemon.state_dir);
    log = std::make_unique<Log>(LogFormat::Json, "off");
    heartbeats = std::make_unique<HeartbeatStore>(model->daemon.state_dir);
    metrics = std::make_unique<Metrics>();
    probes = std::make_unique<probes::ProbeRunner>(2, clock, probes::ProbeRunner::Hooks{});
    silences = std::make_unique<SilenceStore>(model->daemon.state_dir, model->alerting.silences);
    outbox = std::make_unique<Outbox>(model->daemon.state_dir);
    const Outbox::Replay replay = outbox->replay();
    events = std::make_unique<EventLog>(model->daemon.state_dir);
    events->load();
    delivery = std::make_unique<Delivery>(*model, *outbox, *log, *metrics, *events, clock);
    actions = std::make_unique<ActionRunner>();
    const engine::Now start{clock.now_system(), clock.now_steady()};
    runtime = std::make_unique<Runtime>(
        std::make_unique<engine::Engine>(model, start, restore(*model, replay, *heartbeats, start.wall)), path, clock,
        Adapters{*log, *metrics, *heartbeats, *probes, *outbox, *delivery, *silences, *events, *actions});
    api = std::make_unique<HttpApi>(*runtime, *metrics, *heartbeats, *log, clock, HttpAccess{"fuzz-admin-token", "", "", ""}, *silences,
                                    *events);
    thread = std::jthread([this](std::stop_token stop) { runtime->run(stop); });
    // A ping of each heartbeat is every signal's first result, so the daemon is ready at
    // once rather than after the first round's 10 s (and every input sees it ready).
    for (const char* ping : {"POST /api/v1/heartbeats/database/nightly HTTP/1.1\r\nHost: x\r\n"
                             "Authorization: Bearer fuzz-hb-token\r\nContent-Length: 0\r\n\r\n",
                             "POST /api/v1/heartbeats/api/beat HTTP/1.1\r\nHost: x\r\n"
                             "Authorization: Bearer fuzz-admin-token\r\nContent-Length: 0\r\n\r\n"}) {
      const std::string answer = api->serve_in_process(ping);
      GREENLIGHT_FUZZ_CHECK(answer.rfind("HTTP/1.1 2", 0) == 0);
    }
    // The first evaluation publishes the snapshot every read handler needs.
    while (!runtime->snapshot() || !runtime->snapshot()->ready) std::this_thread::yield();
  }
};

Daemon& daemon_once() {
  static Daemon* d = new Daemon();  // lives until exit: the runtime thread keeps running
  return *d;
}

}  // namespace

GREENLIGHT_FUZZ_TARGET(http_api) {
  Daemon& d = daemon_once();
  std::string answer = d.api->serve_in_process(fuzz::text_of(data, size));
  // "Expect: 100-continue" is answered "100 Continue" first, then the answer.
  while (answer.rfind("HTTP/1.1 100 ", 0) == 0 && answer.find("\r\n\r\n") != std::string::npos) {
    answer.erase(0, answer.find("\r\n\r\n") + 4);
  }
  if (answer.empty()) return 0;  // cpp-httplib gave up on the request line (it closes)
  GREENLIGHT_FUZZ_CHECK(answer.rfind("HTTP/1.1 ", 0) == 0 && answer.size() >= 12);
  const int status = std::atoi(answer.c_str() + 9);
  GREENLIGHT_FUZZ_CHECK(status >= 200 && status < 600);
  GREENLIGHT_FUZZ_CHECK(status != 500);
  const std::size_t body = answer.find("\r\n\r\n");
  GREENLIGHT_FUZZ_CHECK(body != std::string::npos);
  if (status >= 400) {
    // Our errors are {"error": ..., "status": N}: the body of anything but HEAD says so
    // (unless compressed, for an Accept-Encoding: gzip or br). The Alertmanager API
    // (/api/v2/) answers errors as Alertmanager does: a bare JSON string.
    // The request line's words as cpp-httplib splits them (blanks around them skipped).
    std::string_view req = fuzz::text_of(data, size);
    const auto next_word = [&req] {
      req.remove_prefix(std::min(req.size(), req.find_first_not_of(" \t")));
      const std::string_view word = req.substr(0, req.find_first_of(" \t\r\n"));
      req.remove_prefix(word.size());
      return word;
    };
    const std::string_view method = next_word();
    const std::string_view target = next_word();
    const bool compressed = answer.substr(0, body).find("\r\nContent-Encoding:") != std::string::npos;
    const bool am_string = target.rfind("/api/v2/", 0) == 0 && answer.compare(body + 4, 1, "\"") == 0;
    if (method != "HEAD" && !compressed && !am_string && answer.find("\"error\"", body) == std::string::npos) {
      std::fprintf(stderr, "answer without a JSON error body:\n%s\n", answer.c_str());
      GREENLIGHT_FUZZ_CHECK(!"every 4xx/5xx has our JSON error body");
    }
  }
  return 0;
}
