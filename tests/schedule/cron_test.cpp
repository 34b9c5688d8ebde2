#include <catch2/catch.hpp>

#include "schedule/cron.h"

using namespace greenlight::schedule;

namespace {

std::string bits_of(const auto& bits, int from, int to) {
  std::string r;
  for (int i = from; i <= to; ++i) {
    if (!bits[static_cast<std::size_t>(i)]) continue;
    if (!r.empty()) r += ',';
    r += std::to_string(i);
  }
  return r;
}

}  // namespace

TEST_CASE("cron fields expand as Debian's cron reads them", "[schedule][cron]") {
  // Table: expression, then the minutes, hours, days of month, months, days of week it
  // selects ("*" for all of them).
  struct Row {
    const char* expr;
    const char* minutes;
    const char* hours;
    const char* doms;
    const char* months;
    const char* dows;
    const char* why;
  };
  const char* all = "*";
  const Row rows[] = {
      {"* * * * *", all, all, all, all, all, "every minute"},
      {"*/15 * * * *", "0,15,30,45", all, all, all, all, "a step over the whole range"},
      {"1-5/2 * * * *", "1,3,5", all, all, all, all, "a step over a range"},
      {"*/90 * * * *", "0", all, all, all, all, "a step larger than the range keeps the first value"},
      {"0,30 2,14 * * *", "0,30", "2,14", all, all, all, "lists"},
      {"0 0 1,15-16 * *", "0", "0", "1,15,16", all, all, "a list of a value and a range"},
      {"0 0 * JAN,jul-Sep/2 *", "0", "0", all, "1,7,9", all, "month names in any case, in ranges with steps"},
      {"0 0 * * mon-fri", "0", "0", all, all, "1,2,3,4,5", "day names"},
      {"0 0 * * 7", "0", "0", all, all, "0", "7 is Sunday"},
      {"0 0 * * 5-7", "0", "0", all, all, "0,5,6", "a range up to 7 ends on Sunday"},
      {"0 0 * * 0,7", "0", "0", all, all, "0", "0 and 7 are the same day"},
      {"59 23 31 12 6", "59", "23", "31", "12", "6", "the largest values"},
      {"  30\t2 * * *  ", "30", "2", all, all, all, "blanks and tabs around and between fields"},
      {"@daily", "0", "0", all, all, all, "a macro"},
      {"@HOURLY", "0", all, all, all, all, "macros in any case"},
      {"@weekly", "0", "0", all, all, "0", "weekly is Sunday midnight"},
      {"@yearly", "0", "0", "1", "1", all, "yearly is 1 January"},
  };
  for (const Row& r : rows) {
    INFO(r.why << ": " << r.expr);
    const CronParse p = parse_cron(r.expr);
    REQUIRE(p.ok());
    const CronExpr& e = *p.expr;
    const auto expect = [&](const char* want, const auto& bits, int from, int to) {
      CHECK(bits_of(bits, from, to) == (std::string(want) == "*" ? bits_of(std::remove_cvref_t<decltype(bits)>{}.set(), from, to) : want));
    };
    expect(r.minutes, e.minutes, 0, 59);
    expect(r.hours, e.hours, 0, 23);
    expect(r.doms, e.days_of_month, 1, 31);
    expect(r.months, e.months, 1, 12);
    expect(r.dows, e.days_of_week, 0, 6);
    CHECK(e.text == r.expr);
  }
}

TEST_CASE("a cron field's star is its text, not its set", "[schedule][cron]") {
  // Table: expression, whether the fields start with * (minute, hour, dom, dow), fixed time.
  struct Row {
    const char* expr;
    bool minute, hour, dom, dow, fixed;
    const char* why;
  };
  const Row rows[] = {
      {"30 2 * * *", false, false, true, true, true, "a fixed-time job"},
      {"*/15 * * * *", true, true, true, true, false, "a wildcard job"},
      {"0 * * * *", false, true, true, true, false, "a star hour makes it a wildcard job"},
      {"0-59 0-23 1-31 * 0-7", false, false, false, false, true, "full ranges are not stars (Debian)"},
      {"0 0 */2 * mon", false, false, true, false, true, "a starred step is a star (Debian's DOM_STAR)"},
  };
  for (const Row& r : rows) {
    INFO(r.why << ": " << r.expr);
    const CronParse p = parse_cron(r.expr);
    REQUIRE(p.ok());
    CHECK(p.expr->minute_star == r.minute);
    CHECK(p.expr->hour_star == r.hour);
    CHECK(p.expr->day_of_month_star == r.dom);
    CHECK(p.expr->day_of_week_star == r.dow);
    CHECK(p.expr->fixed_time() == r.fixed);
  }
}

TEST_CASE("a day matches by day-of-month OR day-of-week only when both are restricted",
          "[schedule][cron][day]") {
  using namespace std::chrono;
  // 2025-06-01 is a Sunday, 2025-06-02 a Monday, 2025-06-03 a Tuesday.
  struct Row {
    const char* expr;
    year_month_day day;
    bool matches;
    const char* why;
  };
  const Row rows[] = {
      {"0 0 1 * mon", 2025y / 6 / 1, true, "both restricted: the 1st matches though a Sunday"},
      {"0 0 1 * mon", 2025y / 6 / 2, true, "both restricted: a Monday matches though the 2nd"},
      {"0 0 1 * mon", 2025y / 6 / 3, false, "both restricted: neither"},
      {"0 0 */2 * mon", 2025y / 6 / 2, false, "a starred day-of-month: both must match (2nd is even)"},
      {"0 0 */2 * mon", 2025y / 6 / 9, true, "a Monday with an odd day"},
      {"0 0 1-31 * mon", 2025y / 6 / 3, true, "1-31 is restricted: every day matches by day-of-month"},
      {"0 0 1 * *", 2025y / 6 / 2, false, "day-of-week a star: day-of-month decides"},
      {"0 0 * * sun", 2025y / 6 / 1, true, "day-of-month a star: day-of-week decides"},
      {"0 0 * * 7", 2025y / 6 / 1, true, "7 is Sunday"},
      {"0 0 1 jul mon", 2025y / 6 / 2, false, "a Monday outside the months"},
  };
  for (const Row& r : rows) {
    INFO(r.why << ": " << r.expr);
    const CronParse p = parse_cron(r.expr);
    REQUIRE(p.ok());
    CHECK(p.expr->matches_day(r.day) == r.matches);
  }
}

TEST_CASE("bad cron expressions are errors with the column of what is wrong", "[schedule][cron][errors]") {
  // Table: expression, 1-based column of the first error, a piece of its message.
  struct Row {
    const char* expr;
    int column;
    const char* message;
    const char* why;
  };
  const Row rows[] = {
      {"", 1, "empty cron expression", "nothing"},
      {"   ", 1, "empty cron expression", "only blanks"},
      {"* * * *", 8, "found 4: day-of-week is missing", "four fields: one past the end"},
      {"0 2", 4, "found 2: day-of-month is missing", "two fields"},
      {"* * * * * /bin/backup", 11, "expected five fields", "a crontab line with its command"},
      {"61 * * * *", 1, "minute: 61 is out of range 0-59", "minute too large"},
      {"* 24 * * *", 3, "hour: 24 is out of range 0-23", "hour too large"},
      {"* * 0 * *", 5, "day-of-month: 0 is out of range 1-31", "days start at 1"},
      {"* * 32 * *", 5, "day-of-month: 32 is out of range 1-31", "day too large"},
      {"* * * 13 *", 7, "month: 13 is out of range 1-12 or jan-dec", "month too large"},
      {"* * * 0 *", 7, "month: 0 is out of range", "months start at 1"},
      {"* * * * 8", 9, "day-of-week: 8 is out of range 0-7 or sun-sat", "weekday too large"},
      {"0,15,61 * * * *", 6, "61 is out of range", "the offending list item"},
      {"0-60 * * * *", 3, "60 is out of range", "the end of a range"},
      {"99999 * * * *", 1, "out of range", "a number too long to read"},
      {"*/0 * * * *", 3, "a step of 0 never advances", "*/0"},
      {"1-5/0 * * * *", 5, "a step of 0", "a range with step 0"},
      {"*/ * * * *", 3, "a step must be a number", "a missing step"},
      {"*/x * * * *", 3, "a step must be a number", "a step that is not a number"},
      {"5/15 * * * *", 2, "a step needs a range or *: write 5-59/15 or */15", "Debian would read minute 5"},
      {"5-1 * * * *", 2, "range 5-1 runs backwards", "a backwards range"},
      {"* * * foo *", 7, "month: unknown name \"foo\"", "not a month"},
      {"* * * january *", 7, "unknown name \"january\"", "Debian takes three letters only"},
      {"* * * * monday", 9, "day-of-week: unknown name \"monday\"", "three letters only"},
      {"* * * * jan", 9, "day-of-week: unknown name \"jan\"", "a month name as a weekday"},
      {"mon * * * *", 1, "minute: \"mon\" is not a number", "names only in month and weekday"},
      {"1,,2 * * * *", 3, "minute: empty list item", "an empty item in a list"},
      {",1 * * * *", 1, "empty list item", "a leading comma"},
      {"1, * * * *", 3, "empty list item", "a trailing comma"},
      {"1- * * * *", 3, "expected a number", "a range without an end"},
      {"-1 * * * *", 1, "expected a number", "a negative number"},
      {"*5 * * * *", 2, "unexpected \"5\"", "something after a star"},
      {"1x * * * *", 2, "unexpected \"x\"", "something after a number"},
      {"0 0 31 2 *", 5, "day-of-month: never due: no day 31 in month 2", "30 February is never"},
      {"0 0 30,31 feb *", 5, "never due", "nor 31 February"},
      {"@reboot", 1, "@reboot has no due time", "Debian's @reboot"},
      {"@fortnightly", 1, "unknown macro @fortnightly", "not a macro"},
      {"@daily 5", 8, "takes no fields after it", "a macro with fields"},
  };
  for (const Row& r : rows) {
    INFO(r.why << ": \"" << r.expr << "\"");
    const CronParse p = parse_cron(r.expr);
    REQUIRE_FALSE(p.ok());
    CHECK_FALSE(p.expr);
    CHECK(p.errors.front().column == r.column);
    CHECK_THAT(p.errors.front().message, Catch::Contains(r.message));
  }
}

TEST_CASE("every bad field of an expression is reported, left to right", "[schedule][cron][errors]") {
  const CronParse p = parse_cron("60 24 * 13 *");
  REQUIRE(p.errors.size() == 3);
  CHECK(p.errors[0].column == 1);
  CHECK(p.errors[1].column == 4);
  CHECK(p.errors[2].column == 9);
}

TEST_CASE("29 February and a rare weekday are valid: they do happen", "[schedule][cron]") {
  CHECK(parse_cron("0 0 29 2 *").ok());
  CHECK(parse_cron("0 0 31 2 mon").ok());  // both restricted: every Monday
  CHECK(parse_cron("0 0 31 * *").ok());
}
