#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <set>

#include "schedule/next_due.h"
#include "tests/schedule/zones.h"

using namespace greenlight::schedule;
using greenlight::test::berlin_2025;
using greenlight::test::new_york_2025;
using greenlight::test::utc;

namespace {

CronExpr cron(const char* text) {
  CronParse p = parse_cron(text);
  REQUIRE(p.ok());
  return *p.expr;
}

std::string show(std::optional<TimePoint> t) { return t ? format_utc(*t) : "never"; }

// Debian's cron (Vixie cron 3.0, cron.c main loop and find_jobs) simulated minute by minute
// over UTC: the local clock it reads, its virtual time, and its four kinds of wake-up. The
// instants at which it would start `e` in (from, to). A second reading of the same rules,
// written as the C code is, against which next_after is checked.
std::vector<TimePoint> debian_cron_runs(const CronExpr& e, const Zone& zone, TimePoint from, TimePoint to) {
  using namespace std::chrono;
  const auto local_minute = [&](TimePoint t) { return floor<minutes>(t + zone.at(t).offset).time_since_epoch().count(); };
  const auto due_at = [&](long long vt) {
    const sys_time<minutes> m{minutes(vt)};
    const auto day = floor<days>(m);
    const hh_mm_ss hms{m - day};
    return e.matches_day(year_month_day{day}) && e.hours[static_cast<std::size_t>(hms.hours().count())] &&
           e.minutes[static_cast<std::size_t>(hms.minutes().count())];
  };
  std::vector<TimePoint> runs;
  const auto find_jobs = [&](long long vt, bool wild, bool non_wild, TimePoint now) {
    if (due_at(vt) && ((non_wild && e.fixed_time()) || (wild && !e.fixed_time()))) {
      if (runs.empty() || runs.back() != now) runs.push_back(now);
    }
  };
  long long virtual_time = local_minute(from);
  for (TimePoint now = floor<minutes>(from) + minutes(1); now < to; now += minutes(1)) {
    const long long running = local_minute(now);
    const long long diff = running - virtual_time;
    if (diff == 1) {
      virtual_time = running;
      find_jobs(virtual_time, true, true, now);
      continue;
    }
    int kind = -1;
    if (diff > -180) kind = 0;
    if (diff > 0) kind = 1;
    if (diff > 5) kind = 2;
    if (diff > 180) kind = 3;
    switch (kind) {
      case 1:  // woke up late: every missed minute
        do find_jobs(++virtual_time, true, true, now);
        while (virtual_time < running);
        break;
      case 2:  // clocks went forward: wildcard jobs now, fixed-time jobs of every skipped minute
        find_jobs(running, true, false, now);
        do find_jobs(++virtual_time, false, true, now);
        while (virtual_time < running);
        break;
      case 0:  // clocks went back: wildcard jobs only, until the clock passes virtual time
        find_jobs(running, true, false, now);
        break;
      default:  // a large jump: start over
        virtual_time = running;
        find_jobs(running, true, true, now);
    }
  }
  return runs;
}

std::vector<TimePoint> chain(const CronExpr& e, const Zone& zone, TimePoint from, TimePoint to) {
  std::vector<TimePoint> r;
  for (auto t = next_after(e, zone, from); t && *t < to; t = next_after(e, zone, *t)) r.push_back(*t);
  return r;
}

}  // namespace

TEST_CASE("next_after in UTC", "[schedule][next]") {
  const Zone z = Zone::utc();
  // Table: expression, after, the next due time.
  struct Row {
    const char* expr;
    const char* after;
    const char* next;
    const char* why;
  };
  const Row rows[] = {
      {"* * * * *", "2025-01-01T00:00:00Z", "2025-01-01T00:01:00Z", "after is exclusive"},
      {"* * * * *", "2025-01-01T00:00:00.001Z", "2025-01-01T00:01:00Z", "due times are whole minutes"},
      {"* * * * *", "2025-01-01T00:00:59.999Z", "2025-01-01T00:01:00Z", "the next whole minute"},
      {"*/15 * * * *", "2025-01-01T00:14:00Z", "2025-01-01T00:15:00Z", "a step"},
      {"0 2 * * *", "2025-01-01T02:00:00Z", "2025-01-02T02:00:00Z", "daily, just missed"},
      {"0 2 * * *", "2025-12-31T03:00:00Z", "2026-01-01T02:00:00Z", "over the new year"},
      {"0 0 1 * *", "2025-01-31T12:00:00Z", "2025-02-01T00:00:00Z", "monthly"},
      {"0 0 31 * *", "2025-02-01T00:00:00Z", "2025-03-31T00:00:00Z", "skips months without a 31st"},
      {"0 0 29 2 *", "2025-01-01T00:00:00Z", "2028-02-29T00:00:00Z", "the next leap day"},
      {"0 0 29 2 *", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z", "2100 is not a leap year"},
      {"0 0 * * mon", "2025-06-01T00:00:00Z", "2025-06-02T00:00:00Z", "the next Monday"},
      {"0 0 1 * mon", "2025-06-02T00:00:00Z", "2025-06-09T00:00:00Z", "OR: the next Monday before the 1st"},
      {"0 0 1 * mon", "2025-06-30T00:00:00Z", "2025-07-01T00:00:00Z", "OR: the 1st before the next Monday"},
      {"0 0 13 * fri", "2025-06-01T00:00:00Z", "2025-06-06T00:00:00Z", "OR, not Friday the 13th"},
      {"0 0 */13 * fri", "2025-01-01T00:00:00Z", "2025-02-14T00:00:00Z", "AND: a Friday on day 1, 14 or 27"},
      {"0 0 * 2 *", "2025-03-01T00:00:00Z", "2026-02-01T00:00:00Z", "a month next year"},
      {"59 23 31 12 *", "2025-01-01T00:00:00Z", "2025-12-31T23:59:00Z", "the last minute of the year"},
      {"30 2 * * *", "1969-12-31T00:00:00Z", "1969-12-31T02:30:00Z", "before the epoch"},
  };
  for (const Row& r : rows) {
    INFO(r.why << ": " << r.expr << " after " << r.after);
    CHECK(show(next_after(cron(r.expr), z, utc(r.after))) == r.next);
  }
}

TEST_CASE("daylight saving time as Debian's cron (SPEC 6.4)", "[schedule][next][dst]") {
  const Zone berlin = berlin_2025();
  const Zone new_york = new_york_2025();
  // Table: expression, zone, after, the next due times. Local times in the comments.
  struct Row {
    const char* expr;
    const Zone& zone;
    const char* after;
    std::vector<const char*> next;
    const char* why;
  };
  const Row rows[] = {
      // Berlin, 2025-03-30: 02:00 CET -> 03:00 CEST at 01:00Z.
      {"30 2 * * *", berlin, "2025-03-29T12:00:00Z",
       {"2025-03-30T01:00:00Z", "2025-03-31T00:30:00Z"},
       "SPEC 6.4: 02:30 is skipped, due right after the jump, 03:00 CEST; then 02:30 CEST"},
      {"30 2 * * *", berlin, "2025-03-30T00:59:59.999Z", {"2025-03-30T01:00:00Z"}, "a millisecond before the jump"},
      {"30 2 * * *", berlin, "2025-03-30T01:00:00Z", {"2025-03-31T00:30:00Z"}, "at the jump: it has run"},
      {"0,30 2 * * *", berlin, "2025-03-29T12:00:00Z",
       {"2025-03-30T01:00:00Z", "2025-03-31T00:00:00Z"},
       "two skipped runs are one due time"},
      {"0 3 * * *", berlin, "2025-03-29T12:00:00Z", {"2025-03-30T01:00:00Z"}, "03:00 CEST exists"},
      {"30 1 * * *", berlin, "2025-03-29T12:00:00Z", {"2025-03-30T00:30:00Z"}, "01:30 CET, before the jump"},
      {"*/15 * * * *", berlin, "2025-03-30T00:40:00Z",
       {"2025-03-30T00:45:00Z", "2025-03-30T01:00:00Z", "2025-03-30T01:15:00Z"},
       "a wildcard job stays every 15 minutes: 01:45 CET, 03:00 CEST, 03:15 CEST"},
      {"*/15 2 * * *", berlin, "2025-03-29T12:00:00Z",
       {"2025-03-31T00:00:00Z"},
       "a wildcard job in the skipped hour does not run that day (Debian)"},
      {"30 * * * *", berlin, "2025-03-30T00:00:00Z",
       {"2025-03-30T00:30:00Z", "2025-03-30T01:30:00Z"},
       "hourly: 01:30 CET, then 03:30 CEST, an hour later"},
      // Berlin, 2025-10-26: 03:00 CEST -> 02:00 CET at 01:00Z.
      {"30 2 * * *", berlin, "2025-10-25T12:00:00Z",
       {"2025-10-26T00:30:00Z", "2025-10-27T01:30:00Z"},
       "SPEC 6.4: 02:30 happens twice, due once, at 02:30 CEST; not at 02:30 CET (01:30Z)"},
      {"30 2 * * *", berlin, "2025-10-26T01:15:00Z", {"2025-10-27T01:30:00Z"}, "asked during the second 02:xx"},
      {"0 3 * * *", berlin, "2025-10-25T12:00:00Z", {"2025-10-26T02:00:00Z"}, "03:00 CET, after the repeat"},
      {"30 * * * *", berlin, "2025-10-26T00:00:00Z",
       {"2025-10-26T00:30:00Z", "2025-10-26T01:30:00Z", "2025-10-26T02:30:00Z"},
       "hourly runs in both passes: 02:30 CEST, 02:30 CET, 03:30 CET"},
      {"*/15 * * * *", berlin, "2025-10-26T00:40:00Z",
       {"2025-10-26T00:45:00Z", "2025-10-26T01:00:00Z", "2025-10-26T01:15:00Z"},
       "every 15 minutes through the repeat: 02:45 CEST, 02:00 CET, 02:15 CET"},
      // New York, 2025-11-02: 02:00 EDT -> 01:00 EST at 06:00Z.
      {"30 1 * * *", new_york, "2025-11-01T12:00:00Z",
       {"2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z"},
       "01:30 happens twice, due once at 01:30 EDT; then 01:30 EST"},
      {"0 1 * * *", new_york, "2025-11-02T05:30:00Z", {"2025-11-03T06:00:00Z"}, "01:00 EDT already ran"},
      {"0 2 * * *", new_york, "2025-11-01T12:00:00Z", {"2025-11-02T07:00:00Z"}, "02:00 EST happens once"},
      // New York, 2025-03-09: 02:00 EST -> 03:00 EDT at 07:00Z.
      {"30 2 * * *", new_york, "2025-03-08T12:00:00Z",
       {"2025-03-09T07:00:00Z", "2025-03-10T06:30:00Z"},
       "02:30 is skipped, due at 03:00 EDT"},
  };
  for (const Row& r : rows) {
    INFO(r.why << ": " << r.expr << " in " << r.zone.name() << " after " << r.after);
    TimePoint after = utc(r.after);
    for (const char* want : r.next) {
      const auto got = next_after(cron(r.expr), r.zone, after);
      CHECK(show(got) == want);
      if (!got) break;
      after = *got;
    }
  }
}

TEST_CASE("30 2 * * * is due exactly once on every local day of 2025", "[schedule][next][dst]") {
  for (const Zone& zone : {berlin_2025(), new_york_2025()}) {
    INFO(zone.name());
    const CronExpr e = cron("30 2 * * *");
    std::map<std::string, std::vector<std::string>> by_day;  // local date -> local times
    std::optional<TimePoint> t = utc("2024-12-31T12:00:00Z");
    const TimePoint end = utc("2026-01-01T12:00:00Z");
    while ((t = next_after(e, zone, *t)) && *t < end) {
      const std::string local = format_local(*t, zone);  // "Sun 2025-03-30 03:00:00 CEST"
      by_day[local.substr(4, 10)].push_back(local.substr(15, 8));
    }
    by_day.erase("2024-12-31");
    by_day.erase("2026-01-01");
    CHECK(by_day.size() == 365);
    int at_0230 = 0, at_0300 = 0;
    for (const auto& [day, times] : by_day) {
      INFO(day);
      REQUIRE(times.size() == 1);
      if (times[0] == "02:30:00") ++at_0230;
      if (times[0] == "03:00:00") ++at_0300;
    }
    CHECK(at_0230 == 364);
    CHECK(at_0300 == 1);  // the day the clocks go forward
  }
}

TEST_CASE("next_after agrees with a minute-by-minute simulation of Debian's cron around DST",
          "[schedule][next][dst]") {
  const char* exprs[] = {"30 2 * * *", "0 2 * * *",    "59 2 * * *",    "0,30 1-3 * * *", "*/15 * * * *",
                         "30 * * * *", "*/7 2 * * *",  "45 */2 * * *",  "0 3 * * *",      "5 1 * * sun",
                         "30 2 26 10 *", "30 2 30 3 *", "0 0-23/3 * * *", "20 1,2 * * *", "* 2 * * *"};
  for (const Zone& zone : {berlin_2025(), new_york_2025()}) {
    for (const auto& [from, to] : {std::pair{"2025-03-07T00:00:00Z", "2025-03-11T00:00:00Z"},
                                   std::pair{"2025-03-28T00:00:00Z", "2025-04-01T00:00:00Z"},
                                   std::pair{"2025-10-24T00:00:00Z", "2025-10-28T00:00:00Z"},
                                   std::pair{"2025-10-31T00:00:00Z", "2025-11-04T00:00:00Z"}}) {
      for (const char* text : exprs) {
        INFO(text << " in " << zone.name() << " from " << from);
        const CronExpr e = cron(text);
        const auto want = debian_cron_runs(e, zone, utc(from), utc(to));
        const auto got = chain(e, zone, utc(from), utc(to));
        std::vector<std::string> w, g;
        for (TimePoint t : want) w.push_back(format_utc(t));
        for (TimePoint t : got) g.push_back(format_utc(t));
        CHECK(g == w);
      }
    }
  }
}

TEST_CASE("a period is due at its anchor and every period after it", "[schedule][period]") {
  using namespace std::chrono;
  const Period p{hours(1), utc("2025-01-01T00:10:00Z")};
  // Table: after, the next due time.
  struct Row {
    const char* after;
    const char* next;
    const char* why;
  };
  const Row rows[] = {
      {"2024-12-31T00:00:00Z", "2025-01-01T00:10:00Z", "before the anchor: the anchor"},
      {"2025-01-01T00:10:00Z", "2025-01-01T01:10:00Z", "at the anchor: one period on (exclusive)"},
      {"2025-01-01T00:10:00.001Z", "2025-01-01T01:10:00Z", "just after the anchor"},
      {"2025-01-01T05:09:59.999Z", "2025-01-01T05:10:00Z", "just before a due time"},
      {"2025-01-01T05:10:00Z", "2025-01-01T06:10:00Z", "at a due time: the next"},
  };
  for (const Row& r : rows) {
    INFO(r.why);
    CHECK(format_utc(next_after(p, utc(r.after))) == r.next);
    CHECK(show(next_after(Schedule{p}, utc(r.after))) == r.next);
  }
  CHECK(show(next_after(Schedule{CronSchedule{cron("0 0 * * *")}}, utc("2025-01-01T00:10:00Z"))) ==
        "2025-01-02T00:00:00Z");
}

TEST_CASE("a zone maps instants to local time by its segments", "[schedule][zone]") {
  const Zone berlin = berlin_2025();
  CHECK(format_local(utc("2025-03-30T00:59:59Z"), berlin) == "Sun 2025-03-30 01:59:59 CET");
  CHECK(format_local(utc("2025-03-30T01:00:00Z"), berlin) == "Sun 2025-03-30 03:00:00 CEST");
  CHECK(format_local(utc("2025-10-26T00:30:00Z"), berlin) == "Sun 2025-10-26 02:30:00 CEST");
  CHECK(format_local(utc("2025-10-26T01:30:00Z"), berlin) == "Sun 2025-10-26 02:30:00 CET");
  CHECK(format_local(utc("2025-06-01T12:00:00Z"), Zone::utc()) == "Sun 2025-06-01 12:00:00 UTC");
  CHECK(format_utc(utc("2025-06-01T12:00:00.750Z")) == "2025-06-01T12:00:00Z");
  CHECK(berlin.index_at(utc("1900-01-01T00:00:00Z")) == 0);
  CHECK(berlin.index_at(utc("2025-03-30T01:00:00Z")) == 1);
  CHECK(berlin.index_at(utc("2030-01-01T00:00:00Z")) == 2);
}

TEST_CASE("an expression that needs a rare day is still found", "[schedule][next]") {
  // A 29 February that is a Sunday or a Friday (AND: the weekday starts with *): 2032, 2036, then 2060.
  CHECK(show(next_after(cron("0 0 29 2 */5"), Zone::utc(), utc("2025-01-01T00:00:00Z"))) == "2032-02-29T00:00:00Z");
  CHECK(show(next_after(cron("0 0 29 2 */5"), Zone::utc(), utc("2036-03-01T00:00:00Z"))) == "2060-02-29T00:00:00Z");
}
