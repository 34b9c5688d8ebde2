// What-if, lint and fma on a generated 10,000-component model (issue 13, BENCHMARKS.md):
// the latency of a simulation (one to three components failed, on the all-green world,
// with alerts on every flow routed to a receiver), and the time of one lint and one fma
// run. Wall and CPU time of this thread, so a loaded machine shows in the ratio.
//
//   ./build-release/bench/greenlight_whatif_bench [COMPONENTS] [SIMULATIONS] [simulate|all] [FAILED]

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "bench/model_gen.h"
#include "model/load.h"
#include "whatif/fma.h"
#include "whatif/lint.h"
#include "whatif/simulate.h"

using namespace greenlight;

namespace {

double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double wall_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

template <typename F>
std::pair<double, double> timed(F&& f) {
  const double w = wall_ms(), c = cpu_ms();
  f();
  return {wall_ms() - w, cpu_ms() - c};
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  const int components = argc > 1 ? std::atoi(argv[1]) : 10'000;
  const int simulations = argc > 2 ? std::atoi(argv[2]) : 300;
  const std::string text = bench::generate_model(components) +
                           "[alerting.receivers.oncall]\ntype = \"webhook\"\nurl = \"http://127.0.0.1:9/hook\"\n"
                           "[[alerting.routes]]\nreceiver = \"oncall\"\n";
  const model::LoadResult r = model::load(text, "bench.toml");
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", model::format(r.errors.front()).c_str());
    return 1;
  }
  const model::Model& m = *r.model;
  const model::TimePoint now{std::chrono::hours(500'000)};
  const engine::Snapshot snap = whatif::green_snapshot(r.model, now);

  std::mt19937 rng(13);
  std::uniform_int_distribution<model::ComponentIndex> pick(0, static_cast<model::ComponentIndex>(m.components.size() - 1));
  std::vector<double> wall, cpu;
  std::size_t changed = 0, notified = 0, body_bytes = 0;
  for (int i = 0; i < simulations; ++i) {
    whatif::Resolved overrides;
    const int n = argc > 4 ? std::atoi(argv[4]) : 1 + i % 3;
    for (int k = 0; k < n; ++k) overrides.components.emplace_back(pick(rng), model::Health::Red);
    const auto [w, c] = timed([&] {
      const auto s = whatif::simulate(snap, {}, overrides, now);
      body_bytes += whatif::simulation_json(m, s).dump().size();  // what the API answers
      changed += s.components.size();
      notified += s.notifications.size();
    });
    wall.push_back(w);
    cpu.push_back(c);
  }
  std::printf("model: %zu components, %zu flows, %u edges\n", m.components.size(), m.flows.size(), m.graph.edge_count());
  std::printf("simulate x%d: wall p50 %.2f ms, p99 %.2f ms, max %.2f ms; cpu p50 %.2f ms, p99 %.2f ms "
              "(mean %.0f components changed, %.1f notifications, %.0f KiB of JSON)\n",
              simulations, percentile(wall, 0.5), percentile(wall, 0.99), percentile(wall, 1.0), percentile(cpu, 0.5),
              percentile(cpu, 0.99), static_cast<double>(changed) / simulations,
              static_cast<double>(notified) / simulations, static_cast<double>(body_bytes) / simulations / 1024);
  if (argc > 3 && std::string(argv[3]) == "simulate") return 0;
  std::size_t warnings = 0, rows = 0;
  const auto [lw, lc] = timed([&] { warnings = whatif::lint(m, text, "bench.toml").size(); });
  std::printf("lint: wall %.0f ms, cpu %.0f ms (%zu warnings)\n", lw, lc, warnings);
  const auto [fw, fc] = timed([&] { rows = whatif::failure_modes(m).size(); });
  std::printf("fma: wall %.0f ms, cpu %.0f ms (%zu rows)\n", fw, fc, rows);
  return 0;
}
