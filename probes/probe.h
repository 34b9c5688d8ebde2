#pragma once

// Probes: the adapters that measure one signal. A probe never throws: a failure is a
// ProbeOutcome with ok = false and a message. Every network call has its own timeout.
// The blocking functions run the event-loop probes (probes/loop_probes.h) on a private
// loop: the daemon and `greenlight check` share one implementation.
// Thread-safety: every function here is safe to call from any number of threads.

#include <chrono>
#include <optional>

#include "model/evaluate.h"
#include "model/model.h"
#include "probes/heartbeat.h"

namespace greenlight::net {
struct HttpRequest;
struct HttpResponse;
struct CommandResult;
}  // namespace greenlight::net

namespace greenlight::probes {

struct ProbeContext {
  model::TimePoint now;  // wall clock when the run starts
  // Heartbeat signals: the last push, or the daemon's start when there was none.
  std::optional<model::TimePoint> last_heartbeat;
};

struct ProbeRun {
  model::ProbeOutcome outcome;
  std::chrono::duration<double> duration{0};  // wall time of the run
};

// Runs the signal's probe kind.
ProbeRun run_probe(const model::Signal& signal, const ProbeContext& ctx) noexcept;

model::ProbeOutcome probe_http(const model::HttpSpec& spec, model::Duration timeout);
// The two halves of probe_http, for callers that send the request themselves (the
// daemon's event loop): the request for a signal, and the outcome of its response.
net::HttpRequest http_request_for(const model::HttpSpec& spec, model::Duration timeout);
model::ProbeOutcome http_outcome(const model::HttpSpec& spec, const net::HttpResponse& res);
model::ProbeOutcome probe_tcp(const model::TcpSpec& spec, model::Duration timeout);
// The halves of the prometheus and scrape probes, as for http.
net::HttpRequest prometheus_request(const model::PromQuerySpec& spec, model::Duration timeout);
model::ProbeOutcome prometheus_outcome(const model::PromQuerySpec& spec, const net::HttpResponse& res);
net::HttpRequest scrape_request(const model::ScrapeSpec& spec, model::Duration timeout);
model::ProbeOutcome scrape_outcome(const model::ScrapeSpec& spec, const net::HttpResponse& res);
// "12 ms", "0.35 ms": a latency in messages.
std::string latency_text(double seconds);
// The exec probe's verdict on a finished command (the Nagios plugin API).
model::ProbeOutcome exec_outcome(const model::ExecSpec& spec, model::Duration timeout, const net::CommandResult& r);
model::ProbeOutcome probe_exec(const model::ExecSpec& spec, model::Duration timeout);
model::ProbeOutcome probe_tls(const model::TlsSpec& spec, model::Duration timeout, model::TimePoint now);
model::ProbeOutcome probe_file_age(const model::FileAgeSpec& spec, model::TimePoint now);
model::ProbeOutcome probe_prometheus(const model::PromQuerySpec& spec, model::Duration timeout);
model::ProbeOutcome probe_scrape(const model::ScrapeSpec& spec, model::Duration timeout);

}  // namespace greenlight::probes
