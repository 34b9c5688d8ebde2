#pragma once

// Every probe kind on an event loop (Boost.Asio): http, https, prometheus and scrape over
// the one HTTP client (net/http_async.h), tcp connect, the TLS handshake with its
// certificate checks (Asio SSL over OpenSSL), and exec (the child's pidfd and pipes are
// watched by the loop; argv only, its own process group killed at the timeout, always
// reaped). Each probe has one deadline. heartbeat and file_age need no waiting and are
// judged at once. The blocking probe_* functions of probe.h run these on a private loop,
// so the daemon and `greenlight check` share one implementation.
// Thread-safety: a probe belongs to the loop it was started on; `done` runs on the loop's
// thread and must not block.

#include <functional>

#include "probes/probe.h"

namespace boost::asio {
class io_context;
}
namespace greenlight::net {
class ClientCache;
}

namespace greenlight::probes {

// Starts `signal`'s probe on `ioc`; `done` is called exactly once on the loop's thread
// (unless the loop is stopped first). `signal` and `cache` must outlive the probe.
void start_probe(boost::asio::io_context& ioc, net::ClientCache& cache, const model::Signal& signal,
                 const ProbeContext& ctx, std::function<void(ProbeRun)> done);

}  // namespace greenlight::probes
