#include "schedule/zone.h"

#include <algorithm>
#include <cassert>
#include <cstdio>

namespace greenlight::schedule {

namespace {

std::string format_fields(std::chrono::sys_seconds s, bool rfc3339) {
  const auto day = std::chrono::floor<std::chrono::days>(s);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{s - day};
  static constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  char buf[48];
  if (rfc3339) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long>(hms.seconds().count()));
  } else {
    std::snprintf(buf, sizeof buf, "%s %04d-%02u-%02u %02ld:%02ld:%02ld",
                  kWeekdays[std::chrono::weekday{day}.c_encoding()], static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long>(hms.seconds().count()));
  }
  return buf;
}

}  // namespace

Zone Zone::utc() { return Zone("UTC", {{TimePoint::min(), std::chrono::seconds(0), "UTC"}}); }

Zone::Zone(std::string name, std::vector<ZoneSegment> segments) : name_(std::move(name)), segments_(std::move(segments)) {
  assert(!segments_.empty() && segments_.front().begin == TimePoint::min());
  assert(std::is_sorted(segments_.begin(), segments_.end(),
                        [](const ZoneSegment& a, const ZoneSegment& b) { return a.begin < b.begin; }));
}

std::size_t Zone::index_at(TimePoint t) const {
  // The last segment that begins at or before t; the first begins at min(), so there is one.
  const auto it = std::upper_bound(segments_.begin(), segments_.end(), t,
                                   [](TimePoint v, const ZoneSegment& s) { return v < s.begin; });
  return static_cast<std::size_t>(it - segments_.begin()) - 1;
}

std::string format_local(TimePoint t, const Zone& zone) {
  const ZoneSegment& s = zone.at(t);
  return format_fields(std::chrono::floor<std::chrono::seconds>(t) + s.offset, false) + " " + s.abbrev;
}

std::string format_utc(TimePoint t) { return format_fields(std::chrono::floor<std::chrono::seconds>(t), true); }

}  // namespace greenlight::schedule
