// Zones from the operating system's tzdb (Debian's tzdata through date-tz): the adapter
// the unit tests' hand-written zones stand in for.

#include <catch2/catch.hpp>

#include "schedule/next_due.h"
#include "schedule/tzdb.h"
#include "tests/schedule/zones.h"

using namespace greenlight::schedule;
using greenlight::test::utc;

namespace {

// The segments of `zone` that begin in [from, to).
std::vector<ZoneSegment> segments_between(const Zone& zone, TimePoint from, TimePoint to) {
  std::vector<ZoneSegment> r;
  for (const ZoneSegment& s : zone.segments()) {
    if (s.begin >= from && s.begin < to) r.push_back(s);
  }
  return r;
}

}  // namespace

TEST_CASE("the tzdb's 2025 agrees with the unit tests' hand-written zones", "[adapter][schedule][tzdb]") {
  for (const Zone& hand : {greenlight::test::berlin_2025(), greenlight::test::new_york_2025()}) {
    INFO(hand.name());
    const ZoneLookup real = load_zone(hand.name());
    REQUIRE(real.zone);
    CHECK(real.zone->name() == hand.name());
    const auto got = segments_between(*real.zone, utc("2025-01-01T00:00:00Z"), utc("2026-01-01T00:00:00Z"));
    REQUIRE(got.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
      CHECK(got[i].begin == hand.segments()[i + 1].begin);
      CHECK(got[i].offset == hand.segments()[i + 1].offset);
      CHECK(got[i].abbrev == hand.segments()[i + 1].abbrev);
    }
    CHECK(real.zone->at(utc("2025-01-15T00:00:00Z")).offset == hand.segments()[0].offset);
  }
}

TEST_CASE("SPEC 6.4's daylight saving case with the tzdb's Europe/Berlin", "[adapter][schedule][tzdb]") {
  const ZoneLookup berlin = load_zone("Europe/Berlin");
  REQUIRE(berlin.zone);
  const CronExpr e = *parse_cron("30 2 * * *").expr;
  CHECK(next_after(e, *berlin.zone, utc("2025-03-29T12:00:00Z")) == utc("2025-03-30T01:00:00Z"));
  CHECK(next_after(e, *berlin.zone, utc("2025-10-25T12:00:00Z")) == utc("2025-10-26T00:30:00Z"));
  CHECK(next_after(e, *berlin.zone, utc("2025-10-26T00:30:00Z")) == utc("2025-10-27T01:30:00Z"));
}

TEST_CASE("UTC, fixed offsets and links resolve, and unknown names are errors", "[adapter][schedule][tzdb]") {
  const ZoneLookup u = load_zone("UTC");
  REQUIRE(u.zone);
  CHECK(u.zone->segments().size() == 1);
  CHECK(u.zone->at(utc("2025-06-01T00:00:00Z")).offset == std::chrono::seconds(0));
  const ZoneLookup kolkata = load_zone("Asia/Kolkata");
  REQUIRE(kolkata.zone);
  CHECK(kolkata.zone->at(utc("2025-06-01T00:00:00Z")).offset == std::chrono::minutes(330));
  const ZoneLookup link = load_zone("US/Eastern");  // a link to America/New_York
  REQUIRE(link.zone);
  CHECK(link.zone->at(utc("2025-07-01T00:00:00Z")).offset == std::chrono::hours(-4));

  for (const char* bad : {"Europe/Berlyn", "", "Mars/Olympus_Mons", "../../etc/passwd", "europe/berlin"}) {
    INFO(bad);
    const ZoneLookup r = load_zone(bad);
    CHECK_FALSE(r.zone);
    CHECK_THAT(r.error, Catch::Contains("time zone"));
  }
}
