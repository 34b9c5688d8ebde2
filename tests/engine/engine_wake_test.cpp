// The engine never asks to be woken for nothing (issue 16): with a probe in flight it
// sleeps until its next own deadline (the per-second passes, the next slot), not every
// tick; the runtime is woken by the result itself.

#include <catch2/catch.hpp>

#include "engine/engine.h"
#include "tests/support/world.h"

using namespace greenlight;
using namespace std::chrono_literals;
using greenlight::test::require_model;

TEST_CASE("engine: a probe in flight does not make the engine poll for its result", "[engine][wake]") {
  const auto m = require_model(HM_HERE, R"(
[daemon]
interval = "60s"
[components.db]
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
)");
  engine::Now now{model::TimePoint{} + 1'000'000h, engine::SteadyTime{} + 1000h};
  engine::Engine e(m, now);
  std::size_t started = 0, steps = 0;
  const auto until = now.steady + 60s;
  while (now.steady < until) {
    engine::Effects fx = e.step({}, now);  // the probe never answers
    ++steps;
    started += fx.probes.size();
    REQUIRE(fx.wake_at > now.steady);
    if (started > 0) CHECK(fx.wake_at - now.steady >= 100ms);  // no tick-by-tick polling
    const auto advance = fx.wake_at - now.steady;
    now.steady += advance;
    now.wall += std::chrono::duration_cast<model::Duration>(advance);
  }
  CHECK(started == 1);
  CHECK(e.in_flight() == 1);
  CHECK(steps <= 2 * 60 + 5);  // the per-second passes, not 100 wake-ups a second
}
