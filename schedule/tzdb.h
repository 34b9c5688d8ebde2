#pragma once

// The one place greenlight reads the operating system's time zone database. Everything
// else takes a resolved Zone (schedule/zone.h) as a value.
//
// Howard Hinnant's date library as Debian packages it (libhowardhinnant-date-dev: the
// library C++20's <chrono> zones came from, which GCC 12 lacks), built with USE_OS_TZDB:
// it reads Debian's tzdata under /usr/share/zoneinfo, which `apt upgrade` keeps current,
// and downloads nothing. Its limit: it reads the transitions listed in each zoneinfo file
// and not the rule at the file's end, so daylight saving stops after 2037 (Berlin stays on
// CET from 2037-10-25). Nothing a heartbeat schedules today reaches that far.

#include <optional>
#include <string>
#include <string_view>

#include "schedule/zone.h"

namespace greenlight::schedule {

struct [[nodiscard]] ZoneLookup {
  std::optional<Zone> zone;
  std::string error;  // "unknown time zone \"Europe/Berlyn\"" when zone is empty
};

// The zone named `name` (IANA: "Europe/Berlin", "America/New_York", "UTC"), with every
// offset it has from 1800 on. Reads the tzdb (the first call scans /usr/share/zoneinfo,
// tens of milliseconds): call it when a configuration is loaded, not on every tick.
// Thread-safe.
ZoneLookup load_zone(std::string_view name);

}  // namespace greenlight::schedule
