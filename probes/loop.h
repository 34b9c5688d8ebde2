#pragma once

// The probes' event loop: one thread running a Boost.Asio io_context, on which every probe
// kind runs (probes/loop_probes.h) with many in flight at once, no thread hand-off or
// blocking wait per probe. It owns the HTTP client's cache (TLS contexts, keep-alive
// connections).
// Thread-safety: submit() and stop() from any thread; tasks and their callbacks run on the
// loop's thread and must not block.

#include <functional>
#include <memory>
#include <vector>

#include "net/http_client.h"
#include "probes/probe.h"

namespace boost::asio {
class io_context;
}
namespace greenlight::net {
class ClientCache;
}

namespace greenlight::probes {

class ProbeLoop {
 public:
  ProbeLoop();
  ~ProbeLoop();  // stops the loop; probes still in flight are abandoned, not called back
  ProbeLoop(const ProbeLoop&) = delete;
  ProbeLoop& operator=(const ProbeLoop&) = delete;

  using Task = std::function<void(boost::asio::io_context&, net::ClientCache&)>;
  // Many tasks with one hand-off to the loop's thread (one wake-up instead of one each).
  void submit(std::vector<Task> batch);
  // One HTTP request; `done` is called exactly once (unless stopped first).
  void submit(net::HttpRequest req, std::function<void(net::HttpResponse)> done);
  // One signal's probe; `signal` must outlive it.
  void submit(const model::Signal& signal, ProbeContext ctx, std::function<void(ProbeRun)> done);
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace greenlight::probes
