#pragma once

// Flapping as Icinga 2 measures it (SPEC 6.1; Icinga 2 lib/icinga/checkable-flapping.cpp,
// Checkable::UpdateFlappingStatus): each signal remembers, for its last 21 results, which
// of the 20 transitions between them changed its state. The flapping share is the weighted
// count of those changes over 20, in percent, newer changes weighing more: the oldest of
// the 20 weighs 0.8, each newer one 0.02 more, the newest 1.18 (so the share is at most
// 99 %, when every result changed the state). A signal starts flapping when the share is
// above `high` (30 %) and stops when it is no longer above `low` (25 %).
//
// Worked example: a signal green for a long time, then red, green, red, ... one result
// each. After 5 changes the share is (1.18 + 1.16 + 1.14 + 1.12 + 1.10) / 20 = 28.5 %: not
// yet; the 6th makes it 33.9 %: flapping. Held in one state from then on, each result
// shifts a "no change" in and the six changes age (weigh less): after 14 such results they
// weigh 25.5 % (still above low: flapping), the 15th pushes the oldest out: 21.0 %, it
// stops. A state held for a whole window (21 results) has no change in it, so
// flapping never outlasts a real outage by more than 20 results.
//
// "Changed" is the signal's held state (after failures / successes), which is what
// alerts follow; the first result after no data (start, restart, stale) is not a change,
// so a restart or a reload makes nothing flap. Pure value types; O(20) per result, fixed
// memory (one word).

#include <cstdint>

#include "model/model.h"

namespace greenlight::model {

inline constexpr int kFlapResults = 21;      // results in the window
inline constexpr int kFlapTransitions = 20;  // transitions between them: the bits kept

struct FlapHistory {
  // Bit k: the transition into the result k results ago changed the state (bit 0: the
  // newest). Only the low kFlapTransitions bits are used.
  std::uint32_t changes = 0;
  bool flapping = false;
  friend bool operator==(const FlapHistory&, const FlapHistory&) = default;
};

// The weighted share of state changes, in percent (0 to 99): Icinga 2's flapping_current.
double flapping_percent(std::uint32_t changes);

// One more result: `changed` says whether it changed the signal's state. Shifts it in and
// applies the hysteresis: flapping starts above p.high, holds while above p.low.
FlapHistory record_result(FlapHistory h, bool changed, const FlappingPolicy& p);

}  // namespace greenlight::model
