#include "model/types.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <limits>
#include <string>

namespace greenlight::model {

namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> parse_enum(std::string_view s, const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 4> kHealthNames{"green", "unknown", "yellow", "red"};
constexpr std::array<std::string_view, 3> kImpactNames{"critical", "degrading", "informational"};
constexpr std::array<std::string_view, 3> kCriticalityNames{"high", "medium", "low"};
constexpr std::array<std::string_view, 2> kFlowKindNames{"user", "system"};

struct Unit {
  std::string_view suffix;
  std::int64_t ms;
};
// Longest suffix first so that "ms" is not read as "m" followed by garbage.
constexpr std::array<Unit, 6> kUnits{{{"ms", 1},
                                      {"s", 1000},
                                      {"m", 60'000},
                                      {"h", 3'600'000},
                                      {"d", 86'400'000},
                                      {"w", 604'800'000}}};

}  // namespace

std::string_view to_string(Health h) { return kHealthNames[static_cast<std::size_t>(h)]; }
std::optional<Health> parse_health(std::string_view s) { return parse_enum<Health>(s, kHealthNames); }
std::string_view to_string(Impact i) { return kImpactNames[static_cast<std::size_t>(i)]; }
std::optional<Impact> parse_impact(std::string_view s) { return parse_enum<Impact>(s, kImpactNames); }
std::string_view to_string(Criticality c) { return kCriticalityNames[static_cast<std::size_t>(c)]; }
std::optional<Criticality> parse_criticality(std::string_view s) {
  return parse_enum<Criticality>(s, kCriticalityNames);
}
std::string_view to_string(FlowKind k) { return kFlowKindNames[static_cast<std::size_t>(k)]; }
std::optional<FlowKind> parse_flow_kind(std::string_view s) { return parse_enum<FlowKind>(s, kFlowKindNames); }

std::optional<Duration> parse_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t total = 0;
  while (!s.empty()) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc{} || end == s.data() || n < 0) return std::nullopt;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()));
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      if (s.starts_with(u.suffix)) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;
    s.remove_prefix(unit->suffix.size());
    if (n > (std::numeric_limits<std::int64_t>::max() - total) / unit->ms) return std::nullopt;
    total += n * unit->ms;
  }
  return Duration{total};
}

std::string format_duration(Duration d) {
  std::int64_t ms = d.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  // Largest units first; milliseconds only when the value is not a whole second.
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    if (it->suffix == "w" || it->suffix == "d") continue;  // hours read better for on-call
    if (ms >= it->ms) {
      out += std::to_string(ms / it->ms);
      out += it->suffix;
      ms %= it->ms;
    }
  }
  return out;
}

std::string format_rfc3339(TimePoint t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{t - days};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()), static_cast<long>(hms.subseconds().count()));
  return buf;
}

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
  const std::string s(text);
  int y, mo, d, h, mi;
  double sec;
  char rest[16] = {0};
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%15s", &y, &mo, &d, &h, &mi, &sec, rest) != 7) return std::nullopt;
  int offset_min = 0;
  const std::string tz(rest);
  if (tz != "Z" && tz != "z") {
    int oh = 0, om = 0;
    if (tz.size() != 6 || (tz[0] != '+' && tz[0] != '-') || std::sscanf(tz.c_str() + 1, "%2d:%2d", &oh, &om) != 2) {
      return std::nullopt;
    }
    offset_min = (tz[0] == '-' ? -1 : 1) * (oh * 60 + om);
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y} / mo / d};
  if (!ymd.ok() || h > 23 || mi > 59 || sec < 0 || sec >= 61) return std::nullopt;
  const auto t = std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
                 std::chrono::milliseconds(static_cast<std::int64_t>(sec * 1000)) - std::chrono::minutes(offset_min);
  return std::chrono::time_point_cast<Duration>(t);
}

std::uint64_t stable_hash(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace greenlight::model
