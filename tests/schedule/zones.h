#pragma once

// Zones written out by hand for the unit tests, so that they need no tzdb (the adapter
// test tests/schedule/tzdb_test.cpp checks that Debian's tzdata says the same).

#include "model/types.h"
#include "schedule/zone.h"

namespace greenlight::test {

inline schedule::TimePoint utc(const char* rfc3339) { return *model::parse_rfc3339(rfc3339); }

// Europe/Berlin in 2025: CET (+01:00) until 2025-03-30 02:00 local, when clocks go to
// 03:00 CEST (+02:00); back from 03:00 CEST to 02:00 CET on 2025-10-26.
inline schedule::Zone berlin_2025() {
  using std::chrono::hours;
  return schedule::Zone("Europe/Berlin", {{schedule::TimePoint::min(), hours(1), "CET"},
                                          {utc("2025-03-30T01:00:00Z"), hours(2), "CEST"},
                                          {utc("2025-10-26T01:00:00Z"), hours(1), "CET"}});
}

// America/New_York in 2025: EST (-05:00) until 2025-03-09 02:00 local, then EDT (-04:00);
// back from 02:00 EDT to 01:00 EST on 2025-11-02.
inline schedule::Zone new_york_2025() {
  using std::chrono::hours;
  return schedule::Zone("America/New_York", {{schedule::TimePoint::min(), hours(-5), "EST"},
                                             {utc("2025-03-09T07:00:00Z"), hours(-4), "EDT"},
                                             {utc("2025-11-02T06:00:00Z"), hours(-5), "EST"}});
}

}  // namespace greenlight::test
