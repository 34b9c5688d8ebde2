#include "probes/runner.h"

#include "net/http_client.h"

namespace greenlight::probes {

ProbeRunner::ProbeRunner(std::size_t threads, const model::Clock& clock, Hooks hooks)
    : clock_(clock), hooks_(std::move(hooks)), pool_(threads) {}

double ProbeRunner::since(SteadyTime slot) const {
  return std::chrono::duration<double>(clock_.now_steady() - slot).count();
}

ProbeRunner::~ProbeRunner() { stop(std::chrono::milliseconds(0)); }

void ProbeRunner::submit(std::vector<Job> jobs) {
  std::vector<std::pair<HttpRequest, HttpEngine::Callback>> http;
  for (Job& job : jobs) {
    const model::Signal& sig = job.model->signals[job.signal];
    if (const auto* spec = std::get_if<model::HttpSpec>(&sig.spec); spec && HttpEngine::handles(spec->url)) {
      hooks_.started(since(job.slot));
      http.emplace_back(http_request_for(*spec, sig.timeout), [this, job = std::move(job)](HttpResponse res) {
        const auto& s = std::get<model::HttpSpec>(job.model->signals[job.signal].spec);
        ProbeRun run{http_outcome(s, res), std::chrono::duration<double>(res.seconds)};
        hooks_.finished(model::ProbeKind::Http, run.outcome.ok, res.seconds);
        job.done(std::move(run));
      });
      continue;
    }
    pool_.submit([this, job = std::move(job)] {
      hooks_.started(since(job.slot));
      const model::Signal& s = job.model->signals[job.signal];
      ProbeRun run = run_probe(s, ProbeContext{clock_.now_system(), {}});
      hooks_.finished(s.kind, run.outcome.ok, run.duration.count());
      job.done(std::move(run));
    });
  }
  if (!http.empty()) http_.submit(std::move(http));
}

std::size_t ProbeRunner::stop(std::chrono::milliseconds grace) {
  http_.stop();
  return pool_.stop(grace);
}

}  // namespace greenlight::probes
