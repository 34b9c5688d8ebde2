#include "schedule/next_due.h"

#include <algorithm>
#include <cassert>

namespace greenlight::schedule {

namespace {

using namespace std::chrono;

// Debian's cron.c tells a daylight-saving jump from a clock that was set by the size of
// the jump in local minutes: forward by 5 to 180 minutes (`timeDiff`, one more than the
// skipped minutes) catches fixed-time jobs up; back by up to 180 minutes runs only the
// wildcard jobs until the clock is past where it was. Beyond that it just runs what is due.
constexpr seconds kLargestCaughtUpGap = minutes(179);
constexpr seconds kLargestSuppressedOverlap = minutes(180);

LocalTime local(TimePoint t, seconds offset) { return LocalTime{(t + offset).time_since_epoch()}; }

// The first local minute in [lo, hi) on which `e` is due; nullopt if none.
std::optional<LocalTime> next_match(const CronExpr& e, LocalTime lo, LocalTime hi) {
  if (lo >= hi) return std::nullopt;
  const local_time<minutes> start = ceil<minutes>(lo);
  local_days day = floor<days>(start);
  const hh_mm_ss<minutes> first{start - day};
  int from_hour = static_cast<int>(first.hours().count());
  int from_minute = static_cast<int>(first.minutes().count());
  while (day < hi) {
    const year_month_day ymd{day};
    if (!e.months[static_cast<unsigned>(ymd.month())]) {
      day = local_days{year_month_day{ymd.year() / ymd.month() / 1} + months(1)};
      from_hour = from_minute = 0;
      continue;
    }
    if (e.matches_day(ymd)) {
      for (int h = from_hour; h < 24; ++h) {
        if (!e.hours[h]) continue;
        for (int m = h == from_hour ? from_minute : 0; m < 60; ++m) {
          if (!e.minutes[m]) continue;
          const LocalTime due = day + hours(h) + minutes(m);
          if (due < hi) return due;
          return std::nullopt;
        }
      }
    }
    day += days(1);
    from_hour = from_minute = 0;
  }
  return std::nullopt;
}

}  // namespace

std::optional<TimePoint> next_after(const CronExpr& e, const Zone& zone, TimePoint after) {
  // Walk the zone's segments of constant offset from the one holding `after`. Inside a
  // segment local time runs with UTC, one to one; the daylight-saving rules are about the
  // edges between segments.
  const TimePoint stop = after + duration_cast<Duration>(kSearchHorizon);
  const std::vector<ZoneSegment>& segments = zone.segments();
  TimePoint from = after + Duration(1);
  for (std::size_t i = zone.index_at(after);; ++i) {
    const ZoneSegment& s = segments[i];
    const TimePoint end = i + 1 < segments.size() ? std::min(segments[i + 1].begin, stop) : stop;
    LocalTime lo = local(from, s.offset);
    if (e.fixed_time() && i > 0) {
      // After a jump back, local times before the jump come round again: a fixed-time job
      // already had them (its first occurrence), so it waits for the clock to pass them.
      const seconds back = segments[i - 1].offset - s.offset;
      if (back > seconds(0) && back <= kLargestSuppressedOverlap) lo = std::max(lo, local(s.begin, segments[i - 1].offset));
    }
    if (const auto due = next_match(e, lo, local(end, s.offset))) return TimePoint{due->time_since_epoch()} - s.offset;
    if (end >= stop) return std::nullopt;
    // A jump forward skips the local times [end + old offset, end + new offset): a
    // fixed-time job due in them runs at the jump.
    const seconds forward = segments[i + 1].offset - s.offset;
    if (e.fixed_time() && forward > seconds(0) && forward <= kLargestCaughtUpGap &&
        next_match(e, local(end, s.offset), local(end, segments[i + 1].offset))) {
      return end;
    }
    from = end;
  }
}

TimePoint next_after(const Period& period, TimePoint after) {
  assert(period.every > Duration::zero());
  if (after < period.anchor) return period.anchor;
  return period.anchor + ((after - period.anchor) / period.every + 1) * period.every;
}

std::optional<TimePoint> next_after(const Schedule& schedule, TimePoint after) {
  if (const auto* cron = std::get_if<CronSchedule>(&schedule)) return next_after(cron->expr, cron->zone, after);
  return next_after(std::get<Period>(schedule), after);
}

}  // namespace greenlight::schedule
