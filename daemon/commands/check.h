#pragma once

#include <iosfwd>
#include <string>

#include "model/propagate.h"

namespace greenlight::daemon {

// `greenlight check FILE [--format text|json]` (SPEC 4): runs every signal once,
// concurrently; one run decides (failures/successes do not apply); prints states and root
// causes; exits 0 green, 1 yellow, 2 red, 3 unknown, the Nagios plugin convention. An
// invalid model prints its errors and exits 3 (UNKNOWN), as a plugin would.
int check_command(const std::string& path, const std::string& format, std::ostream& out, std::ostream& err);
// The plugin exit code of an overall state: 0 green, 1 yellow, 2 red, 3 unknown (also
// `greenlight simulate`'s, by the simulated state).
int exit_code_of(model::Health h);

// Probes every signal of `m` once, concurrently, and returns the evaluated state (one run
// decides). Heartbeats count from now unless state_dir has a recorded push.
model::HealthState evaluate_once(const model::Model& m);

}  // namespace greenlight::daemon
