#pragma once

// A time zone as a value: the offsets from UTC it has had and will have, as a table of
// segments. Resolved once from the operating system's tzdb (schedule/tzdb.h, the only
// place that reads /usr/share/zoneinfo) and then passed in, so the schedule math that uses
// it is pure. Tests build zones by hand, e.g. Europe/Berlin in 2025:
//
//   Zone berlin("Europe/Berlin", {{TimePoint::min(), 1h, "CET"},
//                                 {2025-03-30T01:00Z, 2h, "CEST"},   // 02:00 CET -> 03:00 CEST
//                                 {2025-10-26T01:00Z, 1h, "CET"}});  // 03:00 CEST -> 02:00 CET
//
// Immutable after construction; safe to share between threads.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace greenlight::schedule {

// The same type as model::TimePoint: UTC instants in milliseconds.
using Duration = std::chrono::milliseconds;
using TimePoint = std::chrono::sys_time<Duration>;
// Wall-clock time in some zone, in milliseconds (std::chrono::local_time).
using LocalTime = std::chrono::local_time<Duration>;

// From `begin` until the next segment's begin, local time = UTC + offset.
struct ZoneSegment {
  TimePoint begin;              // TimePoint::min() for the first segment
  std::chrono::seconds offset;  // local minus UTC: +7200s for CEST
  std::string abbrev;           // "CEST", or "+0530" where the tzdb has no letters
};

class Zone {
 public:
  // UTC itself, without the tzdb (the default zone of a schedule).
  static Zone utc();

  // `segments` sorted by begin, the first beginning at TimePoint::min() (asserted).
  Zone(std::string name, std::vector<ZoneSegment> segments);

  const std::string& name() const { return name_; }
  const std::vector<ZoneSegment>& segments() const { return segments_; }
  // The index of the segment in force at `t`.
  std::size_t index_at(TimePoint t) const;
  const ZoneSegment& at(TimePoint t) const { return segments_[index_at(t)]; }
  LocalTime to_local(TimePoint t) const { return LocalTime{(t + at(t).offset).time_since_epoch()}; }

 private:
  std::string name_;
  std::vector<ZoneSegment> segments_;
};

// "Sun 2025-03-30 03:00:00 CEST": local wall time in `zone`, as `systemd-analyze calendar`
// prints it (seconds, no fraction).
std::string format_local(TimePoint t, const Zone& zone);
// "2025-03-30T01:00:00Z": RFC 3339 in UTC to the second (schedules are whole minutes).
std::string format_utc(TimePoint t);

}  // namespace greenlight::schedule
