#pragma once

// Five-field cron expressions as Debian's cron (Vixie cron 3.0) reads them:
//
//   minute  hour  day-of-month  month  day-of-week
//   0-59    0-23  1-31          1-12   0-7 (0 and 7 are Sunday)
//                               jan-dec sun-sat (three letters, any case)
//
// Each field is `*` or a comma-separated list of `N`, `A-B`, `A-B/S` or `*/S`; S >= 1 and
// a step larger than the range picks its first value only (`*/90` = minute 0), as Debian.
// The macros @yearly, @annually, @monthly, @weekly, @daily, @midnight and @hourly stand
// for their five-field equivalents; @reboot has no due time and is refused.
//
// Which day matches (Debian's cron, `man 5 crontab`): when day-of-month and day-of-week
// are both restricted (neither field starts with `*`), a day matches if EITHER does:
// `0 0 1 * mon` runs on the 1st and on every Monday. When one of them starts with `*`, both
// must match: `0 0 */2 * mon` runs on Mondays with an odd day number, and `0 0 1-31 * mon`
// runs every day. The test is on the text, not on the set: `*/1` is a star, `1-31` is not.
//
// Deliberately stricter than Debian, which silently ignores what follows a single number
// (`5/15` is minute 5 there) or runs nothing for a backwards range (`5-1`), and accepts
// dates that never happen (`0 0 31 2 *`): those are errors here.

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace greenlight::schedule {

struct CronExpr {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // bit d = day d (1-31); bit 0 unused
  std::bitset<13> months;         // bit m = month m (1-12); bit 0 unused
  std::bitset<7> days_of_week;    // bit 0 = Sunday (7 is folded into 0)
  // Whether the field's text starts with `*` (Vixie cron's MIN_STAR, HR_STAR, DOM_STAR,
  // DOW_STAR flags): the day rule above and the daylight-saving rules of next_due.h.
  bool minute_star = false;
  bool hour_star = false;
  bool day_of_month_star = false;
  bool day_of_week_star = false;
  std::string text;  // as written, for messages

  // Whether the job runs on this (local) day, by month and the day rule above.
  bool matches_day(std::chrono::year_month_day day) const;
  // A fixed-time job (neither minute nor hour starts with `*`): Debian's cron catches its
  // runs up after a clock jump forward and does not repeat them after a jump back.
  bool fixed_time() const { return !minute_star && !hour_star; }
};

// One problem in an expression: a 1-based column inside the expression (of the offending
// value or field; one past the end for a missing field), so a loader reports it at
// file:line:(column of the string's first character + column).
struct CronError {
  int column = 0;
  std::string message;  // "minute: 61 is out of range 0-59"
};

struct [[nodiscard]] CronParse {
  std::optional<CronExpr> expr;  // set when errors is empty
  std::vector<CronError> errors;  // at most one per field, left to right
  bool ok() const { return errors.empty(); }
};

CronParse parse_cron(std::string_view text);

}  // namespace greenlight::schedule
