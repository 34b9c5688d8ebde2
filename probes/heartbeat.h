#pragma once

// The push heartbeat "probe", pure: its value is the age of the last push. The engine
// evaluates heartbeat signals in place (no probe runs for them).

#include <optional>

#include "model/evaluate.h"

namespace greenlight::probes {

// `last`: the last push, or the daemon's start when none came (SPEC 5a); nullopt: none.
model::ProbeOutcome probe_heartbeat(std::optional<model::TimePoint> last, model::TimePoint now);

}  // namespace greenlight::probes
