// One objective's history (model/slo_history.h): burn rates over fixed-memory buckets,
// checked against a brute-force recount of the same history, its memory bound, and its
// bytes round trip.

#include <catch2/catch.hpp>

#include <random>

#include "model/model.h"
#include "model/slo_history.h"

using namespace greenlight::model;
using namespace std::chrono_literals;

namespace {

constexpr TimePoint kT0{Duration{1'794'999'600'000}};  // 2026-11-18T05:00:00Z, a whole hour

Objective objective(double target = 0.999, Duration window = 30 * 24h) {
  Objective o;
  o.target = target;
  o.window = window;
  o.burn_alerts = default_burn_alerts();
  return o;
}

struct Change {
  std::int64_t at;
  SliState state;
};

// Bad and measured milliseconds in [from, to) of a piecewise-constant history.
SloHistory::Totals brute_force(const std::vector<Change>& log, std::int64_t from, std::int64_t to) {
  SloHistory::Totals t;
  for (std::size_t i = 0; i < log.size(); ++i) {
    const std::int64_t a = std::max(log[i].at, from);
    const std::int64_t b = std::min(i + 1 < log.size() ? log[i + 1].at : to, to);
    if (b <= a || log[i].state == SliState::Unknown) continue;
    t.measured += b - a;
    if (log[i].state == SliState::Bad) t.bad += b - a;
  }
  return t;
}

}  // namespace

TEST_CASE("an objective's history stays under 16 KiB whatever its window", "[model][slo]") {
  STATIC_REQUIRE(sizeof(SloHistory) <= 16 * 1024 - 1024);  // the heap part is the window list
  for (Duration w : {Duration(1h), Duration(30 * 24h), Duration(400 * 24h)}) {
    const SloHistory h(objective(0.999, w), kT0);
    CHECK(h.bars(10'000).size() == SloHistory::kCoarseCount);
  }
}

TEST_CASE("a full outage burns at 1 / (1 - target) and 52 s of it is 14.4x over an hour", "[model][slo]") {
  SloHistory h(objective(), kT0);
  h.record(SliState::Good, kT0);
  h.record(SliState::Bad, kT0 + 1h);
  h.advance(kT0 + 1h + 52s);
  // Over 5m: 52 s bad of 292 s (30 buckets of 10 s, the last one 2 s into it).
  CHECK(h.burn_rate(5min) == Approx(52.0 / 292 / 0.001));
  CHECK(h.burn_rate(1h) == Approx(52.0 / 3600 / 0.001).epsilon(0.01));
  CHECK(h.burn_rate(1h) > 14.4);
  CHECK(h.budget_remaining() == Approx(1 - 52.0 / 3652 / 0.001).epsilon(1e-6));
}

TEST_CASE("unknown time is left out of the burn rate", "[model][slo]") {
  SloHistory h(objective(0.99), kT0);
  h.record(SliState::Good, kT0);
  h.record(SliState::Unknown, kT0 + 10min);
  h.record(SliState::Bad, kT0 + 50min);
  h.advance(kT0 + 60min);
  // At a bucket boundary the current bucket is empty: the hour starts 10 s after kT0.
  const auto t = h.totals(1h);
  CHECK(t.measured == 20 * 60'000 - 10'000);
  CHECK(t.bad == 10 * 60'000);
  CHECK(h.burn_rate(1h) == Approx(600.0 / 1190 / 0.01));
  SloHistory empty(objective(), kT0);
  empty.advance(kT0 + 1h);
  CHECK(empty.burn_rate(1h) == 0);
  CHECK(empty.budget_remaining() == 1);
}

TEST_CASE("windows up to 6 h equal a brute-force recount of the same history", "[model][slo]") {
  // Random changes over 9 h (some gaps of unknown), checked at random instants against a
  // recount of the event log over the same bucket-aligned window (see the header).
  std::mt19937_64 rng(12);
  Objective o = objective(0.995);
  o.burn_alerts.push_back({Severity::Warning, 2, 90min, 7min});
  SloHistory h(o, kT0);
  std::vector<Change> log{{to_epoch_ms(kT0), SliState::Unknown}};
  std::int64_t t = to_epoch_ms(kT0);
  const std::int64_t end = t + 9 * 3'600'000;
  std::uniform_int_distribution<std::int64_t> gap(1, 400'000);
  std::uniform_int_distribution<int> pick(0, 9);
  const std::vector<Duration> windows{5min, 7min, 30min, 1h, 90min, 2h, 6h};
  int checks = 0;
  while (t < end) {
    t += gap(rng);
    const int p = pick(rng);
    if (p >= 7) {  // look at it now
      h.advance(TimePoint(Duration(t)));
      for (Duration w : windows) {
        const std::int64_t width = SloHistory::kFine.count();
        const std::int64_t buckets = (w.count() + width - 1) / width;
        const std::int64_t from = (t / width - buckets + 1) * width;
        const auto want = brute_force(log, from, t);
        const auto got = h.totals(w);
        REQUIRE(got.bad == want.bad);
        REQUIRE(got.measured == want.measured);
        const double rate = want.measured ? (double(want.bad) / double(want.measured)) / 0.005 : 0.0;
        REQUIRE(std::abs(h.burn_rate(w) - rate) <= 1e-9);
        ++checks;
      }
      continue;
    }
    const SliState s = p < 4 ? SliState::Good : p < 6 ? SliState::Bad : SliState::Unknown;
    h.record(s, TimePoint(Duration(t)));
    log.push_back({t, s});
  }
  CHECK(checks > 100);
  // The coarse tier (1d, 3d, 30d) counts the same time, by hour.
  const auto day = h.totals(24h);
  const auto all = brute_force(log, to_epoch_ms(kT0), t);
  CHECK(day.bad == all.bad);
  CHECK(day.measured == all.measured);
  CHECK(h.totals(30 * 24h).measured == all.measured);
}

TEST_CASE("a long silence of the clock forgets what fell out of every window", "[model][slo]") {
  SloHistory h(objective(), kT0);
  h.record(SliState::Bad, kT0);
  h.record(SliState::Unknown, kT0 + 1h);
  h.advance(kT0 + 40 * 24h);
  CHECK(h.totals(5min).measured == 0);
  CHECK(h.totals(30 * 24h).measured == 0);
  CHECK(h.budget_remaining() == 1);
  h.record(SliState::Good, kT0 + 40 * 24h);
  h.advance(kT0 + 40 * 24h + 1h);
  CHECK(h.totals(6h).measured == 3'600'000);
  CHECK(h.totals(3 * 24h).measured == 3'600'000);
}

TEST_CASE("hour bars show each hour's bad and measured time", "[model][slo]") {
  SloHistory h(objective(), kT0);
  h.record(SliState::Good, kT0);
  h.record(SliState::Bad, kT0 + 90min);
  h.record(SliState::Good, kT0 + 100min);
  h.advance(kT0 + 3h);
  const auto bars = h.bars(4);
  REQUIRE(bars.size() == 4);
  CHECK(bars[0].measured == 3'600'000);
  CHECK(bars[0].bad == 0);
  CHECK(bars[1].bad == 600'000);  // 1:30 to 1:40
  CHECK(bars[2].measured == 3'600'000);
  CHECK(bars[3].measured == 0);  // the hour just begun
  CHECK(h.current_bar().measured == bars[3].measured);
}

TEST_CASE("a history survives its bytes, and foreign bytes are refused", "[model][slo]") {
  SloHistory h(objective(), kT0);
  h.record(SliState::Good, kT0);
  h.record(SliState::Bad, kT0 + 2h);
  h.advance(kT0 + 2h + 5min);
  const std::string bytes = h.to_bytes();
  auto back = SloHistory::from_bytes(objective(), bytes);
  REQUIRE(back);
  CHECK(back->burn_rate(1h) == h.burn_rate(1h));
  CHECK(back->budget_remaining() == h.budget_remaining());
  CHECK(back->state() == SliState::Unknown);  // the time while down is not known
  back->advance(kT0 + 3h);                     // and counts nothing
  CHECK(back->totals(30 * 24h).measured == h.totals(30 * 24h).measured);

  CHECK_FALSE(SloHistory::from_bytes(objective(), "garbage"));
  CHECK_FALSE(SloHistory::from_bytes(objective(), bytes.substr(0, bytes.size() - 1)));
  CHECK_FALSE(SloHistory::from_bytes(objective(0.999, 90 * 24h), bytes));  // 3 h buckets
  std::string flipped = bytes;
  flipped[40] = static_cast<char>(0xff);  // a fine bucket above 10 s
  flipped[41] = static_cast<char>(0xff);
  CHECK_FALSE(SloHistory::from_bytes(objective(), flipped));
}
