#include "probes/heartbeat.h"

#include <algorithm>

namespace greenlight::probes {

using model::Duration;
using model::Health;
using model::ProbeOutcome;
using model::TimePoint;

namespace {

constexpr Duration kTick{1};  // a deadline passes one millisecond after it
// A ping this little before a due time counts for that run: cron starts jobs on the
// minute, and the job's clock and ours may disagree by a little.
constexpr Duration kEarly{10'000};

ProbeOutcome said(Health h, std::string message, std::optional<double> value = std::nullopt) {
  return {h != Health::Red, value, std::move(message), h, 0};
}

std::string at_text(TimePoint t) { return model::format_rfc3339(t); }

// Scheduled: the run due after the reference (the last ping, or the first start).
HeartbeatVerdict judge_scheduled(const model::HeartbeatSpec& spec, const HeartbeatHistory& h, TimePoint anchor,
                                 TimePoint now) {
  HeartbeatVerdict v;
  const TimePoint ref = h.last_ping.value_or(anchor);
  schedule::Schedule when = *spec.when;
  if (auto* p = std::get_if<schedule::Period>(&when)) p->anchor = ref;  // every period after the last ping
  auto next = schedule::next_after(when, ref);
  if (next && h.last_ping && *next - ref <= kEarly) next = schedule::next_after(when, *next);
  if (!next) {
    v.outcome = said(Health::Unknown, "the schedule has no due time after " + at_text(ref));
    return v;
  }
  v.next_expected = *next;
  const TimePoint deadline = *next + spec.grace;
  v.late_by = std::max(Duration{0}, now - *next);
  const std::string due = "due at " + at_text(*next);
  if (!h.last_ping) {
    if (now <= deadline) {
      v.outcome = said(Health::Unknown, "no heartbeat yet (first run " + due + ")");
      v.next_change = deadline + kTick;
    } else {
      v.outcome = said(Health::Red, "no heartbeat yet: the first run was " + due + ", grace " +
                                        model::format_duration(spec.grace) + " is over");
    }
    return v;
  }
  if (h.failed) {
    v.outcome = said(Health::Red, h.message, h.run_seconds);
    return v;
  }
  const std::string took = h.run_seconds ? " (took " + model::format_duration(Duration{static_cast<std::int64_t>(
                                                            *h.run_seconds * 1000)}) + ")"
                                         : "";
  if (now <= *next) {
    const std::string what = h.running() ? "running since " + at_text(*h.last_start)
                                         : "last run ok at " + at_text(*h.last_finish) + took;
    v.outcome = said(Health::Green, what + ", next " + due, h.run_seconds);
    v.next_change = *next + kTick;
  } else if (now <= deadline) {
    v.outcome = said(Health::Yellow, "late by " + model::format_duration(v.late_by) + ": " + due + ", grace " +
                                         model::format_duration(spec.grace), h.run_seconds);
    v.next_change = deadline + kTick;
  } else {
    v.outcome = said(Health::Red, "late by " + model::format_duration(v.late_by) + ": " + due +
                                      ", past its grace of " + model::format_duration(spec.grace), h.run_seconds);
  }
  return v;
}

// Unscheduled: no ping for red_after (yellow_after) after the last one, or the first start.
HeartbeatVerdict judge_ttl(const model::Signal& s, const model::HeartbeatSpec& spec, const HeartbeatHistory& h,
                           TimePoint anchor, TimePoint now) {
  HeartbeatVerdict v;
  const TimePoint ref = h.last_ping.value_or(anchor);
  const auto age_ms = std::max(Duration{0}, now - ref);
  const double age = static_cast<double>(age_ms.count()) / 1000.0;
  if (spec.red_after) {
    v.next_expected = ref + *spec.red_after;
    v.late_by = std::max(Duration{0}, now - *v.next_expected);
  }
  const auto after = [&](std::optional<double> seconds) -> std::optional<TimePoint> {
    if (!seconds) return std::nullopt;
    const TimePoint t = ref + Duration{static_cast<std::int64_t>(*seconds * 1000)} + kTick;
    return t > now ? std::optional(t) : std::nullopt;
  };
  if (!h.last_ping) {
    if (v.next_expected && now <= *v.next_expected) {
      v.outcome = said(Health::Unknown, "no heartbeat yet (red at " + at_text(*v.next_expected) + ")");
      v.next_change = *v.next_expected + kTick;
    } else {
      v.outcome = {true, age, "no heartbeat since the first start, " + model::format_duration(age_ms) + " ago", {}, 0};
    }
    return v;
  }
  if (h.failed) {
    v.outcome = said(Health::Red, h.message, age);
    return v;
  }
  v.outcome = probe_heartbeat(ref, now);
  for (const auto t : {after(s.thresholds.yellow_above), after(s.thresholds.red_above)}) {
    if (t && (!v.next_change || *t < *v.next_change)) v.next_change = t;
  }
  return v;
}

}  // namespace

std::string_view to_string(PingKind k) {
  switch (k) {
    case PingKind::Success:
      return "success";
    case PingKind::Start:
      return "start";
    case PingKind::Fail:
      return "failure";
  }
  return "?";
}

void record_ping(HeartbeatHistory& h, PingKind kind, std::optional<int> exit_code, std::string_view message,
                 TimePoint at) {
  h.last_ping = at;
  if (kind == PingKind::Start) {
    h.last_start = at;
    return;
  }
  h.run_seconds.reset();
  if (h.running()) h.run_seconds = static_cast<double>((at - *h.last_start).count()) / 1000.0;
  h.last_finish = at;
  h.failed = kind == PingKind::Fail;
  h.message.clear();
  if (!h.failed) return;
  h.message = std::string(message.substr(0, kPingMessageMax));
  if (h.message.empty()) h.message = exit_code ? "exit code " + std::to_string(*exit_code) : "failure ping";
}

HeartbeatVerdict judge_heartbeat(const model::Signal& s, const HeartbeatHistory& h, TimePoint now) {
  const auto& spec = std::get<model::HeartbeatSpec>(s.spec);
  const TimePoint anchor = h.first_seen.value_or(now);
  if (h.running() && spec.max_runtime && !h.failed) {
    const TimePoint limit = *h.last_start + *spec.max_runtime;
    if (now > limit) {
      HeartbeatVerdict v = spec.scheduled() ? judge_scheduled(spec, h, anchor, now) : judge_ttl(s, spec, h, anchor, now);
      v.outcome = said(Health::Red, "started at " + at_text(*h.last_start) + " and not finished within max_runtime " +
                                        model::format_duration(*spec.max_runtime));
      v.next_change.reset();
      return v;
    }
  }
  HeartbeatVerdict v = spec.scheduled() ? judge_scheduled(spec, h, anchor, now) : judge_ttl(s, spec, h, anchor, now);
  if (h.running() && spec.max_runtime && !h.failed) {
    const TimePoint limit = *h.last_start + *spec.max_runtime + kTick;
    if (!v.next_change || limit < *v.next_change) v.next_change = limit;
  }
  return v;
}

model::ProbeOutcome probe_heartbeat(std::optional<model::TimePoint> last, model::TimePoint now) {
  if (!last) return {false, std::nullopt, "no heartbeat received", std::nullopt};
  const auto age = std::chrono::duration_cast<model::Duration>(now - *last);
  return {true, age.count() / 1000.0, "last heartbeat " + model::format_duration(age) + " ago", {}};
}

}  // namespace greenlight::probes
