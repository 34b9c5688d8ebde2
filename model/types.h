#pragma once

// Vocabulary types of the health model: states, impacts, criticality, time.
// Everything here is a value type; nothing does I/O.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace greenlight::model {

// Time in the core is always passed in (never read from a global clock).
// Milliseconds are the resolution of every duration in the configuration.
using Duration = std::chrono::milliseconds;
using TimePoint = std::chrono::time_point<std::chrono::system_clock, Duration>;

using ComponentIndex = std::uint32_t;
using FlowIndex = std::uint32_t;
using SignalIndex = std::uint32_t;
inline constexpr std::uint32_t kNoIndex = UINT32_MAX;

// The enumerators are declared in worst-of order (SPEC 1: green < unknown < yellow < red),
// so `std::max` of two states is the worse one.
enum class Health : std::uint8_t { Green = 0, Unknown = 1, Yellow = 2, Red = 3 };
inline constexpr int kHealthCount = 4;

constexpr Health worst(Health a, Health b) { return a < b ? b : a; }
std::string_view to_string(Health h);
std::optional<Health> parse_health(std::string_view s);

// How a dependency's (or a flow step's) state reaches the dependent.
enum class Impact : std::uint8_t {
  Critical,       // passes through unchanged
  Degrading,      // a red dependency makes the dependent at most yellow
  Informational,  // drawn on the graph, no effect on state
};
std::string_view to_string(Impact i);
std::optional<Impact> parse_impact(std::string_view s);

// The state a dependency contributes to its dependent after its impact.
// Informational edges contribute green, the identity of worst-of.
constexpr Health apply_impact(Health dependency_state, Impact impact) {
  switch (impact) {
    case Impact::Critical:
      return dependency_state;
    case Impact::Degrading:
      return dependency_state == Health::Red ? Health::Yellow : dependency_state;
    case Impact::Informational:
      return Health::Green;
  }
  return dependency_state;
}

enum class Criticality : std::uint8_t { High, Medium, Low };
std::string_view to_string(Criticality c);
std::optional<Criticality> parse_criticality(std::string_view s);

enum class FlowKind : std::uint8_t { User, System };
std::string_view to_string(FlowKind k);
std::optional<FlowKind> parse_flow_kind(std::string_view s);

// Parses "250ms", "10s", "5m", "26h", "2d", "1w" and concatenations such as "1h30m".
// Returns nullopt on anything else (empty, negative, unknown unit, overflow).
std::optional<Duration> parse_duration(std::string_view s);
// The shortest exact spelling of a duration in the units above ("1h30m", "250ms", "0s").
std::string format_duration(Duration d);

// "2026-11-26T07:13:53.123Z" (RFC 3339, UTC, milliseconds).
std::string format_rfc3339(TimePoint t);
// "2026-11-26T22:00:00Z", "2026-11-26T22:00:00.5+01:00" -> the instant; nullopt if
// malformed. (The same reading as daemon/http_api.cpp's `since` and silences.)
std::optional<TimePoint> parse_rfc3339(std::string_view s);
// Times as the files in state_dir keep them: milliseconds since the Unix epoch.
inline std::int64_t to_epoch_ms(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_epoch_ms(std::int64_t ms) { return TimePoint(Duration(ms)); }

// FNV-1a: the same value for the same text on every run and build (schedule offsets,
// notification ids), unlike std::hash.
std::uint64_t stable_hash(std::string_view s);

}  // namespace greenlight::model
