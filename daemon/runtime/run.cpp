#include "daemon/runtime/run.h"

#include <malloc.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <thread>

#include "daemon/runtime/inventory_watch.h"
#include "daemon/stores/config_file.h"
#include "daemon/runtime/cluster.h"
#include "daemon/runtime/delivery.h"
#include "daemon/stores/outbox.h"
#include "daemon/stores/silences.h"
#include "daemon/stores/files.h"
#include "daemon/runtime/http_api.h"
#include "daemon/runtime/runtime.h"
#include "daemon/runtime/tls.h"
#include "probes/runner.h"
#include "net/process.h"

namespace greenlight::daemon {

namespace {
constexpr std::size_t kProbeThreads = 2;  // file_age only: every other probe is on the event loop
constexpr auto kShutdownGrace = std::chrono::seconds(2);
// How often members_from's file_sd files are compared with what the model was loaded from.
constexpr auto kInventoryPoll = std::chrono::milliseconds(1000);

// Process-wide settings of a daemon; returns the signals the main thread waits for.
sigset_t prepare_process() {
  // Signals are taken synchronously by the main thread only (sigwait); every thread
  // started later inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  net::become_subreaper();
  // glibc gives each thread that allocates its own arena (up to 8 per core); with a probe
  // pool, an event loop and an HTTP server that is tens of MiB of mostly idle heap. Two
  // arenas are plenty: the hot paths allocate little.
  mallopt(M_ARENA_MAX, 2);
  // Every signal may have a socket in flight on the event loop: raise the soft limit on
  // open files to the hard one, as Prometheus-grade daemons do.
  if (rlimit lim{}; getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  return signals;
}

// A token from [daemon] `key` = `path` (none when unset); false (logged) if unusable.
bool read_token_file(const std::string& key, const std::string& path, Log& log, std::string& token) {
  if (path.empty()) return true;
  if (!read_file(path, token)) {
    log.error("auth", "cannot read " + key + " " + path);
    return false;
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) token.pop_back();
  if (token.empty()) {
    log.error("auth", key + " " + path + " is empty");
    return false;
  }
  return true;
}

// The state_dir, the API tokens and the TLS files; false (logged) when the daemon cannot start.
bool prepare_files(const model::Model& m, Log& log, HttpAccess& access) {
  std::error_code ec;
  std::filesystem::create_directories(m.daemon.state_dir, ec);
  if (ec) {
    log.error("state_dir", "cannot create state_dir " + m.daemon.state_dir + ": " + ec.message());
    return false;
  }
  if (!read_token_file("auth_token_file", m.daemon.auth_token_file, log, access.auth_token) ||
      !read_token_file("read_token_file", m.daemon.read_token_file, log, access.read_token)) {
    return false;
  }
  if (m.daemon.tls_cert_file.empty()) {
    if (!model::is_loopback_listen(m.daemon.listen)) {
      log.warn("listen_plaintext", "listening on " + m.daemon.listen +
                                       " beyond loopback without TLS: tokens and model data cross the network in "
                                       "clear text (set [daemon] tls_cert_file and tls_key_file)",
               {{"listen", m.daemon.listen}});
    }
    return true;
  }
  if (const std::string error = check_tls_files(m.daemon.tls_cert_file, m.daemon.tls_key_file); !error.empty()) {
    log.error("tls", "not starting: " + error);
    return false;
  }
  access.tls_cert_file = m.daemon.tls_cert_file;
  access.tls_key_file = m.daemon.tls_key_file;
  return true;
}

void log_restart(Log& log, const model::Model& m, const Outbox::Replay& replay, std::size_t damaged_events) {
  if (!replay.pending.empty() || !replay.told.empty() || replay.damaged_lines > 0) {
    log.info("outbox_replay",
             std::to_string(replay.pending.size()) + " notifications still to deliver, " +
                 std::to_string(replay.told.size()) + " firing alerts already told" +
                 (replay.damaged_lines ? ", " + std::to_string(replay.damaged_lines) + " torn journal lines skipped" : ""));
  }
  if (damaged_events > 0) {
    log.warn("events", std::to_string(damaged_events) + " damaged lines skipped in " + m.daemon.state_dir +
                           "/events.jsonl");
  }
}

// Until SIGTERM or SIGINT: SIGHUP asks the runtime for a reload.
void serve_signals(const sigset_t& signals, Log& log, Runtime& runtime, const std::string& path) {
  while (true) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      log.info("sighup", "SIGHUP: reloading " + path);
      // Answered by the runtime; the result is logged there. Not waited for here, so a
      // SIGTERM right after is still taken at once.
      std::thread([f = runtime.request_reload()]() mutable { f.wait(); }).detach();
      continue;
    }
    log.info("stopping", std::string("received ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + ", stopping");
    return;
  }
}

// After the runtime stopped (state saved): heartbeats saved, delivery, probes and actions
// given kShutdownGrace to finish.
int shut_down(Log& log, HeartbeatStore& heartbeats, Delivery& delivery, probes::ProbeRunner& probe_runner,
              ActionRunner& actions) {
  if (const std::string err = heartbeats.save(); !err.empty()) log.error("state", err);
  const bool delivery_idle = delivery.stop(kShutdownGrace);
  const std::size_t in_flight = probe_runner.stop(kShutdownGrace) + actions.stop(kShutdownGrace);
  if (in_flight > 0 || !delivery_idle) {
    // Blocking probes cannot be interrupted; their results are no longer wanted. State is
    // saved, so leave without waiting for their timeouts.
    log.warn("stopped", std::to_string(in_flight) + " probes or actions and " + (delivery_idle ? "no" : "some") +
                            " notification attempts were still running and are abandoned (undelivered "
                            "notifications stay in the outbox for the next start)");
    std::cerr.flush();
    _exit(0);
  }
  log.info("stopped", "stopped cleanly");
  return 0;
}

}  // namespace

int run_daemon(const std::string& path, LogFormat format, const RunHooks& hooks) {
  const sigset_t signals = prepare_process();
  const model::LoadResult loaded = load_file(path);
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << model::format(e) << '\n';
    std::cerr << "greenlight: not starting: " << loaded.errors.size() << " errors in " << path << '\n';
    return 2;
  }
  const model::Model& m = *loaded.model;
  Log log(format, m.daemon.log_level);
  HttpAccess access;
  if (!prepare_files(m, log, access)) return 1;
  const std::string url = (access.tls_cert_file.empty() ? "http://" : "https://") + m.daemon.listen + "/";

  // The composition root: every adapter, then the runtime that owns the engine.
  const model::RealClock clock;
  HeartbeatStore heartbeats(m.daemon.state_dir);
  Metrics metrics;
  metrics.reload(true, clock.now_system());
  report_inventories(m, log, metrics);
  probes::ProbeRunner probe_runner(kProbeThreads, clock,
                                   {[&metrics](double lag) { metrics.schedule_lag(lag); },
                                    [&metrics](model::ProbeKind kind, bool ok, double seconds) {
                                      metrics.probe_run(kind, ok, seconds);
                                    }});
  SilenceStore silences(m.daemon.state_dir, m.alerting.silences);
  Outbox outbox(m.daemon.state_dir);
  const Outbox::Replay replay = outbox.replay();
  EventLog events(m.daemon.state_dir);
  log_restart(log, m, replay, events.load());
  Delivery delivery(m, outbox, log, metrics, events, clock);
  ActionRunner actions;
  for (const model::Action& a : m.actions) metrics.action(a.name);
  delivery.submit(replay.pending);
  const engine::Now start{clock.now_system(), clock.now_steady()};
  engine::Restored restored = restore(m, replay, heartbeats, start.wall);
  restored.slo = restore_slo(m.daemon.state_dir, log, start.wall);
  Runtime runtime(std::make_unique<engine::Engine>(loaded.model, start, std::move(restored)),
                  path, clock, {log, metrics, heartbeats, probe_runner, outbox, delivery, silences, events, actions});
  const std::string token = access.auth_token;  // the peers' facts carry the admin token
  HttpApi api(runtime, metrics, heartbeats, log, clock, std::move(access), silences, events);
  if (hooks.routes) api.extend(hooks.routes);
  Cluster cluster(m.cluster, m.daemon.state_dir, token, {log, metrics.registry(), silences, heartbeats, runtime, events, clock});
  if (!m.cluster.replica.empty()) silences.set_id_prefix(m.cluster.replica + "-");
  api.set_cluster(&cluster);
  api.extend([&cluster](httplib::Server& s) { cluster.routes(s); });
  if (const std::string err = api.start(m.daemon.listen); !err.empty()) {
    log.error("listen", err, {{"listen", m.daemon.listen}});
    probe_runner.stop(std::chrono::milliseconds(0));
    delivery.stop(std::chrono::milliseconds(0));
    return 1;
  }
  log.info("listening", "serving on " + url, {{"listen", m.daemon.listen}});
  if (hooks.listening) hooks.listening(url);
  std::jthread runtime_thread([&runtime](std::stop_token stop) { runtime.run(stop); });
  std::optional<InventoryWatch> inventory_watch(std::in_place, runtime, log, kInventoryPoll);
  cluster.start();
  serve_signals(signals, log, runtime, path);
  inventory_watch.reset();  // before the runtime stops: it may be waiting for a reload
  api.stop();
  cluster.stop();
  runtime_thread.request_stop();
  runtime_thread.join();
  // Before `runtime` goes: the probes' and actions' callbacks post to it.
  return shut_down(log, heartbeats, delivery, probe_runner, actions);
}

}  // namespace greenlight::daemon
