#pragma once

// The one seam between the runtime and the probes: submit() takes the probes due now and
// chooses where each runs. Plain-http signals go to one event loop (probes/http_engine.h:
// many requests in flight on a single thread); every other kind to a bounded pool of
// threads (probes/pool.h), where a hung probe occupies one thread until its own timeout.
// The runtime no longer knows which kind goes where.
// Thread-safety: submit() and stop() from any thread; `done` and the hooks run on the
// probe's thread (pool or event loop) and must not block.

#include <functional>
#include <memory>
#include <vector>

#include "model/clock.h"
#include "model/model.h"
#include "probes/http_engine.h"
#include "probes/pool.h"
#include "probes/probe.h"
#include "probes/scheduler.h"

namespace greenlight::probes {

class ProbeRunner {
 public:
  struct Hooks {
    std::function<void(double lag_seconds)> started;  // a probe starts, this late after its slot
    std::function<void(model::ProbeKind, bool ok, double seconds)> finished;
  };
  ProbeRunner(std::size_t threads, const model::Clock& clock, Hooks hooks);
  ~ProbeRunner();

  struct Job {
    std::shared_ptr<const model::Model> model;  // kept alive while the probe runs
    model::SignalIndex signal = 0;
    SteadyTime slot{};
    std::function<void(ProbeRun)> done;  // called exactly once (unless stopped first)
  };
  void submit(std::vector<Job> jobs);

  // Stops the event loop (its requests are abandoned) and the pool: queued jobs are
  // dropped, running ones waited for up to `grace`. Returns how many were still running.
  std::size_t stop(std::chrono::milliseconds grace);

 private:
  double since(SteadyTime slot) const;  // seconds
  const model::Clock& clock_;
  Hooks hooks_;
  ProbePool pool_;
  HttpEngine http_;
};

}  // namespace greenlight::probes
