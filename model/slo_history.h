#pragma once

// One objective's history of good, bad and unknown time (SPEC 6.2) in fixed memory, and
// the burn rates read from it. Pure: time comes in as a parameter; nothing here reads a
// clock or a file.
//
// Time is counted in milliseconds into two rings of buckets:
//   - fine: 2,160 buckets of 10 s (the last 6 h), for burn windows up to 6 h;
//   - coarse: 721 buckets of an hour (or of window / 720 rounded up to whole hours when
//     the objective's window is longer than 30 d), for longer windows, the budget and the
//     hour-per-bar availability history.
// That is 8,640 + 5,768 bytes of counters whatever the window (sizeof stays under 16 KiB).
// A window of length w covers the bucket `now` is in and the ceil(w / bucket) - 1 before
// it: it starts on a bucket boundary, at most one bucket later than now - w. For every
// window it is asked about (burn_alerts' long and short, and the objective's own), a
// running sum is kept, so a burn rate is O(1) and recording a state change is O(1)
// (amortized: each bucket boundary crossed costs one subtraction per window). The sums
// are integers (milliseconds), so they equal a recount of the same history exactly.
//
// Worked example: target 99.9 %, a flow red for 52 s after an hour of green. Over 1h:
// bad 52 s of 3,600 s measured = 1.44 %; burn rate 1.44 % / 0.1 % = 14.4.
// Thread-safety: none; one thread owns a history.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/objective.h"
#include "model/types.h"

namespace greenlight::model {

// What a moment counts as: unknown time is left out of the SLI.
enum class SliState : std::uint8_t { Unknown, Good, Bad };

// A flow's state as the SLI sees it: red is bad, unknown is left out, the rest is good.
SliState sli_state(Health h);

// "5m", "1h", "1d", "30d": a window as metric labels and the API name it.
std::string window_name(Duration w);

class SloHistory {
 public:
  static constexpr Duration kFine{10'000};
  static constexpr std::size_t kFineCount = 2'160;  // 6 h
  static constexpr std::size_t kCoarseCount = 721;

  // Bad and measured time in a window, in milliseconds.
  struct Totals {
    std::int64_t bad = 0;
    std::int64_t measured = 0;
  };

  // An empty history (everything unknown) at `now`, with running sums for the
  // objective's window and each burn alert's long and short window.
  SloHistory(const Objective& o, TimePoint now);

  // Counts the time since the last call under the state then in force, then switches to
  // `s` from `now` on. A `now` before the last call counts nothing.
  void record(SliState s, TimePoint now);
  // Counts the time up to `now` under the current state.
  void advance(TimePoint now);

  // The totals of one of the windows given at construction (else of the nearest longer
  // tier window, recomputed in O(buckets)).
  Totals totals(Duration w) const;
  // (bad / measured) / (1 - target); 0 with nothing measured.
  double burn_rate(Duration w) const;
  // 1 - burn rate over the objective's window: the share of the error budget left (below
  // 0 when it is overspent).
  double budget_remaining() const;

  // The coarse buckets of the last `count` bucket widths, oldest first (the last one is
  // the bucket `now` is in): the availability history's bars.
  std::vector<Totals> bars(std::size_t count) const;
  Duration bar_width() const { return coarse_width_; }
  // The bar of the bucket `now` is in (bars(1), without the vector).
  Totals current_bar() const {
    const std::size_t s = static_cast<std::size_t>(((coarse_cur_ % std::int64_t{kCoarseCount}) + std::int64_t{kCoarseCount}) %
                                                   std::int64_t{kCoarseCount});
    return {coarse_bad_[s], coarse_measured_[s]};
  }

  SliState state() const { return state_; }
  TimePoint last() const { return TimePoint(Duration(last_)); }
  const Objective& objective() const { return objective_; }

  // Another objective of the same shape (its target changed): burn rates follow it.
  void set_objective(const Objective& o) { objective_ = o; }
  // Same windows and bucket widths: a history of `a` can serve `b` (a reload).
  static bool same_shape(const Objective& a, const Objective& b);

  // A compact byte string (little-endian, versioned) of everything above, and back.
  // from_bytes returns nothing when the bytes are not such a history or not of this shape.
  std::string to_bytes() const;
  static std::optional<SloHistory> from_bytes(const Objective& o, std::string_view bytes);

 private:
  struct Window {
    bool coarse = false;
    std::int64_t buckets = 0;  // ceil(w / width)
    Duration length{0};
    Totals sum;
  };
  void add(std::int64_t ms, bool bad);
  void rotate_fine(std::int64_t to);    // the current fine bucket becomes `to`
  void rotate_coarse(std::int64_t to);
  Totals recount(bool coarse, std::int64_t buckets) const;
  void resum();  // every window's sum from the rings

  Objective objective_;
  Duration coarse_width_{3'600'000};
  std::int64_t last_ = 0;         // ms since the epoch counted up to
  std::int64_t fine_cur_ = 0;     // bucket number (ms / width) of last_
  std::int64_t coarse_cur_ = 0;
  SliState state_ = SliState::Unknown;
  std::array<std::uint16_t, kFineCount> fine_bad_{}, fine_measured_{};
  std::array<std::uint32_t, kCoarseCount> coarse_bad_{}, coarse_measured_{};
  std::vector<Window> windows_;
};

}  // namespace greenlight::model
