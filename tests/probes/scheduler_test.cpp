#include <catch2/catch.hpp>
#include <algorithm>
#include <set>

#include "probes/scheduler.h"
#include "tests/support/world.h"

using namespace greenlight::probes;
using namespace std::chrono_literals;

namespace {
std::shared_ptr<const greenlight::model::Model> many_signals(int n, const char* interval) {
  std::string toml = "[components.x]\n";
  for (int i = 0; i < n; ++i) {
    toml += "  [[components.x.signals]]\n  id = \"s" + std::to_string(i) + "\"\n  probe = \"tcp\"\n  target = \"127.0.0.1:1\"\n  interval = \"" + interval + "\"\n";
  }
  return greenlight::test::require_model(HM_HERE, toml);
}
}  // namespace

TEST_CASE("the scheduler spreads signals over their interval, the same way every start",
          "[probes][scheduler]") {
  auto m = many_signals(1000, "10s");
  const SteadyTime t0{};
  Scheduler a(*m, t0), b(*m, t0 + 5s);
  // Time-stepped: every 1s tick of the first interval takes about a tenth of the signals.
  std::size_t total = 0;
  for (int i = 1; i <= 10; ++i) {
    const auto due = a.take_due(t0 + i * 1s);
    INFO("tick " << i);
    CHECK(due.size() > 60);   // no thundering herd: at most a fair share plus noise
    CHECK(due.size() < 140);
    total += due.size();
    for (const auto& d : due) a.finished(d.signal);
  }
  CHECK(total == 1000);
  // Deterministic: the same offsets relative to start.
  CHECK(Scheduler(*m, t0).next_due() - t0 == b.next_due() - (t0 + 5s));
}

TEST_CASE("each signal runs once per interval on fixed slots", "[probes][scheduler]") {
  auto m = many_signals(3, "10s");
  const SteadyTime t0{};
  Scheduler s(*m, t0);
  std::vector<int> runs(3, 0);
  for (int i = 0; i <= 600; ++i) {  // one minute in 100 ms ticks
    for (const auto& d : s.take_due(t0 + i * 100ms)) {
      ++runs[d.signal];
      CHECK(t0 + i * 100ms - d.slot < 100ms);  // lag below one tick
      s.finished(d.signal);
    }
  }
  for (int r : runs) CHECK((r == 6 || r == 7));  // 60 s / 10 s, depending on the offset
  CHECK(s.skipped() == 0);
}

TEST_CASE("a probe still in flight skips its next slot instead of piling up", "[probes][scheduler]") {
  auto m = many_signals(1, "10s");
  const SteadyTime t0{};
  Scheduler s(*m, t0);
  auto first = s.take_due(t0 + 10s);
  REQUIRE(first.size() == 1);
  // Never finished: the next two slots are skipped.
  CHECK(s.take_due(t0 + 20s).empty());
  CHECK(s.take_due(t0 + 30s).empty());
  CHECK(s.skipped() == 2);
  s.finished(first[0].signal);
  CHECK(s.take_due(t0 + 40s).size() == 1);
}

TEST_CASE("a late tick runs a signal once and does not drift", "[probes][scheduler]") {
  auto m = many_signals(1, "10s");
  const SteadyTime t0{};
  Scheduler s(*m, t0);
  auto first = s.take_due(t0 + 10s);
  REQUIRE(first.size() == 1);
  s.finished(first[0].signal);
  const auto slot = first[0].slot;
  // The core stalled for 35 s: slots +10, +20 and +30 s passed; one run now serves the
  // first, the other two are skipped, then it is back on the grid.
  auto late = s.take_due(slot + 35s);
  REQUIRE(late.size() == 1);
  CHECK(late[0].slot == slot + 10s);
  CHECK(s.skipped() == 2);
  s.finished(late[0].signal);
  CHECK(s.next_due() == slot + 40s);
}

TEST_CASE("a long interval still runs its first probe within the first round", "[probes][scheduler]") {
  auto m = many_signals(50, "1h");
  const SteadyTime t0{};
  Scheduler s(*m, t0);
  auto first = s.take_due(t0 + kFirstRoundSpread);
  CHECK(first.size() == 50);
  std::vector<SteadyTime> first_run(50);
  for (const auto& d : first) {
    first_run[d.signal] = d.slot;
    s.finished(d.signal);
  }
  // Their later runs are spread over the whole hour, one hour apart, never within ten
  // seconds of the first run.
  std::vector<SteadyTime> second(50), third(50);
  for (auto t = t0 + kFirstRoundSpread; t <= t0 + 2h + 20s; t += 1s) {
    for (const auto& d : s.take_due(t)) {
      (second[d.signal] == SteadyTime{} ? second : third)[d.signal] = d.slot;
      s.finished(d.signal);
    }
  }
  for (std::size_t i = 0; i < 50; ++i) {
    INFO("signal " << i);
    CHECK(second[i] - first_run[i] >= kFirstRoundSpread);
    CHECK(third[i] - second[i] == 1h);
  }
  CHECK(*std::max_element(second.begin(), second.end()) - t0 > 30min);  // not all in the first minutes
  CHECK(s.skipped() == 0);
}

TEST_CASE("after the first round a long interval's probes spread over all of it", "[probes][scheduler]") {
  // 6,000 signals at 60 s: the first round takes ten seconds, but from then on every
  // second of the minute takes about a sixtieth, not a tenth (100,000 at 60 s were 10,000
  // a second in ten-second bursts).
  auto m = many_signals(6000, "60s");
  const SteadyTime t0{};
  Scheduler s(*m, t0);
  std::vector<SteadyTime> first_run(6000);
  std::size_t first_round = 0;
  for (auto t = t0; t <= t0 + kFirstRoundSpread; t += 100ms) {
    for (const auto& d : s.take_due(t)) {
      first_run[d.signal] = d.slot;
      ++first_round;
      s.finished(d.signal);
    }
  }
  CHECK(first_round == 6000);
  std::vector<int> runs(6000, 0);
  for (int sec = 11; sec <= 190; ++sec) {  // three minutes after the first round
    const auto due = s.take_due(t0 + sec * 1s);
    INFO("second " << sec);
    CHECK(due.size() > 60);
    CHECK(due.size() < 140);
    for (const auto& d : due) {
      CHECK(d.slot - first_run[d.signal] >= kFirstRoundSpread);
      ++runs[d.signal];
      s.finished(d.signal);
    }
  }
  CHECK(*std::min_element(runs.begin(), runs.end()) == 3);  // once a minute, each of them
  CHECK(*std::max_element(runs.begin(), runs.end()) == 3);
  CHECK(s.skipped() == 0);
}

TEST_CASE("probes start in batches on the slot grain, without lag", "[probes][scheduler]") {
  auto m = many_signals(1000, "10s");  // 100 probes/s: kSlotBatch (50) a grain point at 500 ms
  const SteadyTime t0{};
  Scheduler s(*m, t0);
  CHECK(s.grain() == 500ms);
  std::set<SteadyTime::duration> points;
  for (int i = 0; i <= 1000; ++i) {  // the first round in 10 ms ticks
    for (const auto& d : s.take_due(t0 + i * 10ms)) {
      CHECK((d.slot - t0) % s.grain() == SteadyTime::duration::zero());
      CHECK(t0 + i * 10ms - d.slot < 10ms);  // started at its slot
      points.insert(d.slot - t0);
      s.finished(d.signal);
    }
  }
  CHECK(points.size() <= 20);  // 1000 probes in at most 20 batches
  CHECK(points.size() > 16);   // still spread over the whole round
  // Ten times the rate: a grain of 50 ms.
  CHECK(Scheduler(*many_signals(1000, "1s"), t0).grain() == 50ms);
}

TEST_CASE("a huge model's first round starts at most kFirstRoundRate probes a second", "[probes][scheduler]") {
  auto m = many_signals(30000, "60s");  // 3,000 a second in ten seconds: stretched to 15 s
  const SteadyTime t0{};
  Scheduler s(*m, t0);
  CHECK(s.first_round() == 15s);
  std::size_t total = 0;
  for (int sec = 1; sec <= 15; ++sec) {
    const auto due = s.take_due(t0 + sec * 1s);
    INFO("second " << sec);
    CHECK(due.size() < 1.15 * kFirstRoundRate);
    total += due.size();
    for (const auto& d : due) s.finished(d.signal);
  }
  CHECK(total == 30000);  // every signal once
  // A small model keeps the ten seconds, or its interval when that is shorter.
  CHECK(Scheduler(*many_signals(100, "60s"), t0).first_round() == kFirstRoundSpread);
  CHECK(Scheduler(*many_signals(100, "2s"), t0).first_round() <= 2s);
}

TEST_CASE("an idle model's probes start once a second at most, over the whole interval", "[probes][scheduler]") {
  auto m = many_signals(1000, "60s");  // 17 probes a second: the grain is at its cap
  const SteadyTime t0{};
  Scheduler s(*m, t0);
  CHECK(s.grain() == kMaxSlotGrain);
  std::set<SteadyTime> points;  // when the engine wakes to start probes in the second minute
  std::size_t runs = 0;
  for (auto t = t0; t < t0 + 120s; t += 10ms) {
    for (const auto& d : s.take_due(t)) {
      if (d.slot >= t0 + 60s) {
        points.insert(d.slot);
        ++runs;
      }
      s.finished(d.signal);
    }
  }
  CHECK(runs == 1000);
  CHECK(points.size() <= 60);  // one wake-up a second, not one per one or two probes
  CHECK(points.size() > 50);
}

TEST_CASE("every signal runs once a minute whatever the grain", "[probes][scheduler]") {
  for (int n : {700, 1300, 1700, 2900, 333}) {
    auto m = many_signals(n, "60s");
    const SteadyTime t0{};
    Scheduler s(*m, t0);
    std::vector<int> runs(n, 0);
    for (auto t = t0; t < t0 + 180s; t += 10ms) {
      for (const auto& d : s.take_due(t)) {
        if (d.slot >= t0 + 60s && d.slot < t0 + 120s) ++runs[d.signal];
        s.finished(d.signal);
      }
    }
    INFO("n " << n << " grain " << s.grain().count());
    CHECK(std::count(runs.begin(), runs.end(), 1) == n);
    CHECK(s.skipped() == 0);
  }
}
