#pragma once

// The one seam between the runtime and the probes: submit() takes the probes due now and
// chooses where each runs. Every network and exec probe runs on one event loop
// (probes/loop.h: many in flight on a single thread). Only file_age goes to a small pool of
// threads (probes/pool.h): stat() is the one call that truly blocks (a hung network
// filesystem would hold it until the kernel gives up, and the loop with it).
// Thread-safety: submit() and stop() from any thread; `done` and the hooks run on the
// probe's thread (pool or event loop) and must not block.

#include <functional>
#include <memory>
#include <vector>

#include "model/clock.h"
#include "model/model.h"
#include "probes/loop.h"
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
  // `threads`: the pool for file_age probes.
  ProbeRunner(std::size_t threads, const model::Clock& clock, Hooks hooks);
  ~ProbeRunner();

  struct Job {
    std::shared_ptr<const model::Model> model;  // kept alive while the probe runs
    model::SignalIndex signal = 0;
    SteadyTime slot{};
    std::function<void(ProbeRun)> done;  // called exactly once (unless stopped first)
  };
  void submit(std::vector<Job> jobs);

  // Stops the event loop (its probes are abandoned) and the pool: queued jobs are
  // dropped, running ones waited for up to `grace`. Returns how many were still running.
  std::size_t stop(std::chrono::milliseconds grace);

 private:
  double since(SteadyTime slot) const;  // seconds
  const model::Clock& clock_;
  Hooks hooks_;
  ProbePool pool_;
  ProbeLoop loop_;
};

}  // namespace greenlight::probes
