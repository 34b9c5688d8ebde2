#pragma once

// The composition root: one function per command of SPEC section 4. main.cpp parses the
// command line and calls these; tests call them too.

#include <iosfwd>
#include <string>

namespace greenlight::daemon {

// Exit codes (SPEC 4): validate 0 valid / 2 invalid; check 0 green, 1 yellow, 2 red,
// 3 unknown (the Nagios plugin convention).
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 2;

int validate_command(const std::string& path, std::ostream& out, std::ostream& err);
// With `with_states`, every signal is probed once first and the graph shows the states
// (DOT and Mermaid coloured by state, JSON with a "state" per node).
// The Grafana dashboard for the model at `path`, as JSON on `out`.
int grafana_command(const std::string& path, std::ostream& out, std::ostream& err);
int graph_command(const std::string& path, const std::string& format, bool with_states, std::ostream& out,
                  std::ostream& err);
// `greenlight schedule` (SPEC 6.4): the next `count` due times of the cron `expression` in
// `timezone` (empty: UTC) strictly after `from` (RFC 3339; empty: now), one per line, UTC
// RFC 3339 then local time: "2025-03-30T01:00:00Z  Sun 2025-03-30 03:00:00 CEST".
// 0 ok; 2 a bad expression or zone (each error with its column, on `err`); 64 a bad `from`.
// `greenlight slo FILE --format openslo|prometheus` (SPEC 6.2): the objectives as OpenSLO
// v1 documents or Prometheus rules (model/slo_export.h); exit 2 on an invalid model.
int slo_command(const std::string& path, const std::string& format, std::ostream& out, std::ostream& err);

int schedule_command(const std::string& expression, const std::string& timezone, const std::string& from, int count,
                     std::ostream& out, std::ostream& err);

}  // namespace greenlight::daemon
