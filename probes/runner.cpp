#include "probes/runner.h"

#include "probes/loop_probes.h"

namespace greenlight::probes {

ProbeRunner::ProbeRunner(std::size_t threads, const model::Clock& clock, Hooks hooks)
    : clock_(clock), hooks_(std::move(hooks)), pool_(threads) {}

double ProbeRunner::since(SteadyTime slot) const {
  return std::chrono::duration<double>(clock_.now_steady() - slot).count();
}

ProbeRunner::~ProbeRunner() { stop(std::chrono::milliseconds(0)); }

void ProbeRunner::submit(std::vector<Job> jobs) {
  std::vector<ProbeLoop::Task> tasks;
  tasks.reserve(jobs.size());
  const model::TimePoint now = clock_.now_system();
  for (Job& job : jobs) {
    const model::Signal& sig = job.model->signals[job.signal];
    hooks_.started(since(job.slot));
    if (sig.kind == model::ProbeKind::FileAge) {
      pool_.submit([this, job = std::move(job), now] {
        const model::Signal& s = job.model->signals[job.signal];
        ProbeRun run = run_probe(s, ProbeContext{now, {}});
        hooks_.finished(s.kind, run.outcome.ok, run.duration.count());
        job.done(std::move(run));
      });
      continue;
    }
    tasks.push_back([this, job = std::move(job), now](boost::asio::io_context& ioc, net::ClientCache& cache) mutable {
      const model::Signal& s = job.model->signals[job.signal];
      start_probe(ioc, cache, s, ProbeContext{now, {}}, [this, job = std::move(job)](ProbeRun run) {
        const model::Signal& sig = job.model->signals[job.signal];
        hooks_.finished(sig.kind, run.outcome.ok, run.duration.count());
        job.done(std::move(run));
      });
    });
  }
  loop_.submit(std::move(tasks));
}

std::size_t ProbeRunner::stop(std::chrono::milliseconds grace) {
  loop_.stop();
  return pool_.stop(grace);
}

}  // namespace greenlight::probes
