#pragma once

// When a schedule is next due: the core of scheduled heartbeats (SPEC 6.4). Pure: the
// zone is resolved beforehand (schedule/tzdb.h) and the instant is passed in.
//
// Daylight saving time as Debian's cron (Vixie cron 3.0 cron.c, which watches the local
// clock jump), for the jobs it calls fixed-time (neither minute nor hour starts with `*`):
//  - A run in a skipped hour happens right after the jump: `30 2 * * *` in Europe/Berlin
//    on 2025-03-30 (02:00 CET -> 03:00 CEST) is due at 03:00 CEST = 01:00 UTC.
//  - A run in a repeated hour happens once, at its first occurrence: on 2025-10-26
//    (03:00 CEST -> 02:00 CET) it is due at 02:30 CEST = 00:30 UTC, not again at 01:30 UTC.
// Jobs with `*` in the minute or hour field follow the clock as it runs: `*/15 * * * *`
// stays every 15 minutes through both jumps (nothing in the skipped hour, both passes of
// the repeated hour), and `30 * * * *` runs twice in a repeated 02:xx. Debian applies
// these two rules to jumps under three hours; a larger jump (a zone changing its standard
// offset by a day, Samoa 2011) neither catches up nor skips.
//
// Due times are whole local minutes; "after" is exclusive: a job due at 01:00 asked
// after 01:00 answers the next run.

#include <chrono>
#include <optional>
#include <variant>

#include "schedule/cron.h"
#include "schedule/zone.h"

namespace greenlight::schedule {

// How far next_after looks before it gives up: a valid expression whose day rule needs a
// rare weekday and date (`0 0 29 2 */5`, a 29 February that is a Sunday or a Friday:
// 2032, 2036, 2060) recurs within decades; nothing that never happens is searched for longer.
inline constexpr std::chrono::years kSearchHorizon{400};

// The first due time of `expr` in `zone` strictly after `after` (a UTC instant); nullopt
// if there is none within kSearchHorizon.
std::optional<TimePoint> next_after(const CronExpr& expr, const Zone& zone, TimePoint after);

// "Every N from a start": due at anchor, anchor + every, anchor + 2 * every, ...
struct Period {
  Duration every{};  // > 0
  TimePoint anchor{};
};

// The first anchor + k * every (k >= 0) strictly after `after`.
TimePoint next_after(const Period& period, TimePoint after);

// A heartbeat's schedule: a cron expression in a zone, or a period.
struct CronSchedule {
  CronExpr expr;
  Zone zone = Zone::utc();
};
using Schedule = std::variant<CronSchedule, Period>;

std::optional<TimePoint> next_after(const Schedule& schedule, TimePoint after);

}  // namespace greenlight::schedule
