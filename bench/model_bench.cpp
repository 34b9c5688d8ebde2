// Benchmarks of the pure core over generated models of 10,000 and 100,000 components
// (issue 2): load + validate, full evaluation, one signal change at a random leaf
// (incremental), and the memory the model and its state keep.
//
//   ./build/bench/greenlight_model_bench --benchmark_counters_tabular=true

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>

#include "bench/model_gen.h"
#include "model/load.h"
#include "model/propagate.h"

using namespace greenlight::model;

namespace {

const TimePoint kT0{std::chrono::hours(500'000)};

const std::string& model_text(int n) {
  static std::map<int, std::string> cache;
  auto it = cache.find(n);
  if (it == cache.end()) it = cache.emplace(n, greenlight::bench::generate_model(n)).first;
  return it->second;
}

std::shared_ptr<const Model> model_of(int n) {
  static std::map<int, std::shared_ptr<const Model>> cache;
  auto it = cache.find(n);
  if (it == cache.end()) {
    LoadResult r = load(model_text(n), "bench.toml");
    if (!r.ok()) throw std::runtime_error(format(r.errors.front()));
    it = cache.emplace(n, r.model).first;
  }
  return it->second;
}

// Every signal green, fully evaluated.
HealthState green_state(const Model& m) {
  HealthState st = HealthState::initial(m, kT0);
  for (SignalIndex s = 0; s < m.signals.size(); ++s) apply_result(m, st, s, {true, 0.001, "ok", {}}, kT0);
  evaluate_all(m, st, kT0);
  return st;
}

std::size_t heap_in_use() { return mallinfo2().uordblks; }

void BM_LoadAndValidate(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string& text = model_text(n);
  for (auto _ : state) {
    LoadResult r = load(text, "bench.toml");
    if (!r.ok()) state.SkipWithError("model invalid");
    benchmark::DoNotOptimize(r.model);
  }
  state.counters["components"] = n;
  state.counters["MB_of_TOML"] = static_cast<double>(text.size()) / 1e6;
}

void BM_FullEvaluation(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto m = model_of(n);
  HealthState st = green_state(*m);
  // Alternate the bottom layer between red and green so every pass changes states.
  bool red = false;
  for (auto _ : state) {
    state.PauseTiming();
    red = !red;
    for (SignalIndex s = 0; s < m->signals.size(); s += 97) {
      st.signals[s].state = red ? Health::Red : Health::Green;
    }
    state.ResumeTiming();
    benchmark::DoNotOptimize(evaluate_all(*m, st, kT0));
  }
  state.counters["components"] = n;
  state.counters["edges"] = m->graph.edge_count();
}

// One probe result flips a random leaf (a bottom-layer component, the deepest
// dependency) between green and red; the change propagates to everything above it.
void BM_SignalChangeAtRandomLeaf(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  auto m = model_of(n);
  HealthState st = green_state(*m);
  std::vector<SignalIndex> leaves;
  for (ComponentIndex c = 0; c < m->components.size(); ++c) {
    if (m->graph.dependencies(c).empty()) leaves.push_back(m->components[c].first_signal);
  }
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> pick(0, leaves.size() - 1);
  std::vector<double> micros;
  std::vector<double> changed;
  for (auto _ : state) {
    const SignalIndex s = leaves[pick(rng)];
    const auto start = std::chrono::steady_clock::now();
    Changes down = apply_result(*m, st, s, {false, std::nullopt, "refused", {}}, kT0);
    const auto mid = std::chrono::steady_clock::now();
    Changes up = apply_result(*m, st, s, {true, 0.001, "ok", {}}, kT0);
    const auto end = std::chrono::steady_clock::now();
    micros.push_back(std::chrono::duration<double, std::micro>(mid - start).count());
    micros.push_back(std::chrono::duration<double, std::micro>(end - mid).count());
    changed.push_back(static_cast<double>(down.components.size()));
    benchmark::DoNotOptimize(up);
  }
  std::sort(micros.begin(), micros.end());
  std::sort(changed.begin(), changed.end());
  state.counters["median_us"] = micros[micros.size() / 2];
  state.counters["p99_us"] = micros[micros.size() * 99 / 100];
  state.counters["median_changed"] = changed[changed.size() / 2];
  state.counters["max_changed"] = changed.back();
}

// Retained heap of the model (graph included) plus its HealthState, per component.
void BM_MemoryPerComponent(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const std::string& text = model_text(n);
  double per_component = 0;
  for (auto _ : state) {
    malloc_trim(0);
    const std::size_t before = heap_in_use();
    LoadResult r = load(text, "bench.toml");
    HealthState st = green_state(*r.model);
    const std::size_t after = heap_in_use();
    per_component = static_cast<double>(after - before) / n;
    state.counters["graph_bytes_per_component"] = static_cast<double>(r.model->graph.memory_bytes()) / n;
  }
  state.counters["bytes_per_component"] = per_component;
}

}  // namespace

BENCHMARK(BM_LoadAndValidate)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_FullEvaluation)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SignalChangeAtRandomLeaf)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMicrosecond)->Iterations(500);
BENCHMARK(BM_MemoryPerComponent)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
