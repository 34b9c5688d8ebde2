#include "schedule/tzdb.h"

#include <date/tz.h>

#include <exception>

namespace greenlight::schedule {

ZoneLookup load_zone(std::string_view name) {
  ZoneLookup r;
  const std::string quoted = "\"" + std::string(name) + "\"";
  if (name.empty()) {
    r.error = "empty time zone name (use an IANA name such as \"Europe/Berlin\", or \"UTC\")";
    return r;
  }
  const date::time_zone* tz = nullptr;
  try {
    tz = date::locate_zone(name);
  } catch (const std::exception&) {
    // date throws std::runtime_error for a name the tzdb does not have.
  }
  if (tz == nullptr) {
    r.error = "unknown time zone " + quoted + " (use an IANA name such as \"Europe/Berlin\", or \"UTC\")";
    return r;
  }
  // Walk the zone's offsets from 1800 (before any zone left local mean time) to its last
  // transition; the segment in force in 1800 stands for all time before it.
  using namespace std::chrono;
  const date::sys_seconds first = date::sys_days{date::year{1800} / 1 / 1};
  const date::sys_seconds last = date::sys_days{date::year{2400} / 1 / 1};
  std::vector<ZoneSegment> segments;
  try {
    for (date::sys_info info = tz->get_info(first);; info = tz->get_info(info.end)) {
      const TimePoint begin = segments.empty() ? TimePoint::min() : TimePoint{info.begin};
      segments.push_back({begin, info.offset, info.abbrev});
      if (info.end >= last) break;
    }
  } catch (const std::exception& e) {
    r.error = "time zone " + quoted + " cannot be read: " + e.what();
    return r;
  }
  r.zone.emplace(std::string(name), std::move(segments));
  return r;
}

}  // namespace greenlight::schedule
