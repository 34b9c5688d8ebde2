// Objectives at scale (issue 12, BENCHMARKS.md "Objectives (issue 12)"): 10,000 flows with
// an objective each (99.9 % over 30 d, the four default burn alerts). Measures, in one run,
// CPU time (CLOCK_PROCESS_CPUTIME_ID, so a loaded machine inflates it less than wall time):
//   - memory per objective: heap in use (mallinfo2) before and after building the
//     engine's objectives, divided by their number;
//   - the cost a state change adds: Objectives::record of one flow change, 10 a second,
//     the flows changing in turn, with the engine's cadence around them: an evaluation
//     pass every second (which also carries every history to now);
//   - one evaluation pass: Objectives::evaluate of every burn alert of every objective,
//     a second apart, for 2 simulated hours.
// Usage: greenlight_slo_bench [objectives=10000]

#include <malloc.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/objectives.h"
#include "model/load.h"

using namespace greenlight;
using namespace std::chrono_literals;

namespace {

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

std::string model_text(int n) {
  std::string t = "[components.web]\n  [[components.web.signals]]\n  id = \"http\"\n  probe = \"tcp\"\n"
                  "  target = \"127.0.0.1:80\"\n";
  for (int i = 0; i < n; ++i) {
    const std::string id = "flow" + std::to_string(i);
    t += "[flows." + id + "]\nsteps = [\"web\"]\n[flows." + id + ".objective]\ntarget = \"99.9%\"\nwindow = \"30d\"\n";
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 10'000;
  const model::LoadResult loaded = model::load(model_text(n), "bench.toml");
  if (!loaded.ok()) {
    std::fprintf(stderr, "model: %s\n", loaded.errors.front().message.c_str());
    return 1;
  }
  const model::Model& m = *loaded.model;
  model::HealthState st = model::HealthState::initial(m, model::TimePoint{});
  for (auto& f : st.flows) f.state = model::Health::Green;
  model::TimePoint now{std::chrono::milliseconds(1'795'000'000'000)};

  // Heap in use, small blocks and mmapped ones (the entries' array is one big block).
  const auto heap = [] {
    const struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
  };
  const std::size_t heap_before = heap();
  engine::Objectives objectives(m, st, now);
  const std::size_t heap_after = heap();
  std::printf("objectives: %d\n", n);
  std::printf("memory per objective: %.0f bytes (sizeof(SloHistory) %zu)\n",
              static_cast<double>(heap_after - heap_before) / n, sizeof(model::SloHistory));

  // Two simulated hours: each second 10 flow changes (flow i % n turns red on its odd
  // visits, green on its even ones), then the evaluation pass.
  const int seconds = 7'200, per_second = 10;
  model::Changes c;
  c.flows.push_back({});
  double record_cpu = 0, evaluate_cpu = 0;
  int changes = 0;
  for (int s = 0; s < seconds; ++s) {
    double t0 = cpu_seconds();
    for (int k = 0; k < per_second; ++k, ++changes) {
      c.flows[0] = {static_cast<std::uint32_t>(changes % n), model::Health::Green,
                    (changes / n) % 2 == 0 ? model::Health::Red : model::Health::Green};
      objectives.record(c, now + k * 100ms);
    }
    record_cpu += cpu_seconds() - t0;
    now += 1s;
    t0 = cpu_seconds();
    objectives.evaluate(m, now);
    evaluate_cpu += cpu_seconds() - t0;
  }
  const double per_change = record_cpu / changes;
  std::printf("record one state change: %.3f us CPU (%d changes)\n", per_change * 1e6, changes);
  const int passes = seconds;
  const double per_pass = evaluate_cpu / passes;
  std::printf("evaluate all burn alerts: %.2f ms CPU per pass (%.0f ns per objective)\n", per_pass * 1e3,
              per_pass / n * 1e9);
  std::size_t burning = 0;
  for (const auto& b : objectives.burns()) burning += b.burning ? 1 : 0;
  std::printf("burn alerts burning after the run: %zu of %zu\n", burning, objectives.burns().size());
  return 0;
}
