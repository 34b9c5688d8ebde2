#include <catch2/catch.hpp>

#include "model/flapping.h"

using namespace greenlight::model;

namespace {

// The bits of `ks` (k results ago; 0 = the newest).
std::uint32_t bits(std::initializer_list<int> ks) {
  std::uint32_t b = 0;
  for (int k : ks) b |= std::uint32_t{1} << k;
  return b;
}

}  // namespace

// Expected values by hand from Icinga 2's UpdateFlappingStatus: 100 * sum(0.8 + 0.02 i) / 20
// over the changes, i = 19 - k (0 for the oldest of the 20 transitions).
TEST_CASE("the flapping share is Icinga 2's weighted share of state changes", "[model][flapping]") {
  struct Row {
    std::uint32_t changes;
    double percent;
  };
  const std::vector<Row> rows{
      {0, 0.0},                                        // no change
      {bits({0}), 5.9},                                // one, the newest: 1.18 / 20
      {bits({19}), 4.0},                               // one, the oldest: 0.8 / 20
      {bits({0, 1, 2, 3, 4}), 28.5},                   // 5 in a row: (1.18 + ... + 1.10) / 20
      {bits({0, 1, 2, 3, 4, 5}), 33.9},                // 6 in a row: + 1.08
      {0xFFFFF, 99.0},                                 // every result: 19.8 / 20, the most there is
      {bits({0, 3, 6, 9, 12, 15, 18}), 35.0},          // every third result
      {bits({14, 15, 16, 17, 18, 19}), 25.5},          // 6 changes, 14 results old
      {bits({15, 16, 17, 18, 19}), 21.0},              // one more result: the oldest left
      {bits({4, 6, 8, 10, 12, 14}), 30.0},             // 1.10 + 1.06 + ... + 0.90 = 6.0: exactly high
      {bits({5, 7, 9, 11, 13}), 25.0},                 // 1.08 + 1.04 + 1.00 + 0.96 + 0.92 = 5.0: exactly low
      {0xFFFFFu | (1u << 20) | (1u << 31), 99.0},      // bits above the window do not count
  };
  for (const Row& r : rows) {
    INFO("changes " << r.changes);
    CHECK(flapping_percent(r.changes) == Approx(r.percent).margin(1e-9));
  }
}

TEST_CASE("flapping starts above high, holds while above low, stops at or below low", "[model][flapping]") {
  const FlappingPolicy p;  // 30 / 25
  struct Row {
    std::uint32_t before;  // changes before the result
    bool was_flapping;
    bool changed;
    bool flapping;  // after it
  };
  const std::vector<Row> rows{
      {bits({0, 1, 2, 3}), false, true, false},          // 5 in a row: 28.5 %, not above 30
      {bits({0, 1, 2, 3, 4}), false, true, true},        // 6 in a row: 33.9 %
      {bits({3, 5, 7, 9, 11, 13}), false, false, false}, // exactly 30.0 %: not above high
      {bits({3, 5, 7, 9, 11, 13}), true, false, true},   // 30.0 %, flapping: holds
      {bits({13, 14, 15, 16, 17, 18}), true, false, true},  // 25.5 %: between, holds
      {bits({13, 14, 15, 16, 17, 18}), false, false, false},  // 25.5 %: between, does not start
      {bits({4, 6, 8, 10, 12}), true, false, false},     // exactly 25.0 %: no longer above low
      {bits({14, 15, 16, 17, 18}), true, false, false},  // 21.0 %: stops
      {0xFFFFF, true, false, true},                      // 19 changes and a steady result: 93.1 %
  };
  for (const Row& r : rows) {
    INFO("before " << r.before << (r.was_flapping ? " flapping" : "") << (r.changed ? ", changed" : ""));
    CHECK(record_result({r.before, r.was_flapping}, r.changed, p).flapping == r.flapping);
  }
}

TEST_CASE("a state held for a whole window of results is never flapping", "[model][flapping]") {
  const FlappingPolicy p;
  FlapHistory h;
  for (int i = 0; i < 40; ++i) h = record_result(h, true, p);  // changes every result
  REQUIRE(h.flapping);
  int held = 0;
  while (h.flapping) {
    h = record_result(h, false, p);
    ++held;
  }
  CHECK(held <= kFlapTransitions);
  for (int i = held; i < kFlapResults; ++i) h = record_result(h, false, p);
  CHECK(h.changes == 0);
  CHECK(flapping_percent(h.changes) == 0);
}

TEST_CASE("high = 100 turns flapping off, low = high has no band", "[model][flapping]") {
  FlapHistory h;
  for (int i = 0; i < 20; ++i) h = record_result(h, true, FlappingPolicy{100, 100});
  CHECK_FALSE(h.flapping);
  FlapHistory g{bits({0, 1, 2, 3, 4, 5}), false};
  g = record_result(g, false, FlappingPolicy{30, 30});  // 33.3 %
  CHECK(g.flapping);
}
