#include "probes/heartbeat.h"

namespace greenlight::probes {

model::ProbeOutcome probe_heartbeat(std::optional<model::TimePoint> last, model::TimePoint now) {
  if (!last) return {false, std::nullopt, "no heartbeat received", std::nullopt};
  const auto age = std::chrono::duration_cast<model::Duration>(now - *last);
  return {true, age.count() / 1000.0, "last heartbeat " + model::format_duration(age) + " ago", {}};
}

}  // namespace greenlight::probes
