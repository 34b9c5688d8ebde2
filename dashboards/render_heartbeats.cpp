// Heartbeat answers (SPEC 6.4): what a ping recorded, and a component's heartbeat signals
// with their schedule (last_ping, next_expected, late_by).

#include "dashboards/render.h"

namespace greenlight::dashboards {

using nlohmann::json;
using namespace model;

namespace {

json time_or_null(const std::optional<TimePoint>& t) { return t ? json(format_rfc3339(*t)) : json(nullptr); }

}  // namespace

json ping_json(const std::string& component, const std::string& signal, probes::PingKind kind,
               std::optional<int> exit_code, const std::string& message, TimePoint received_at) {
  json j{{"component", component},
         {"signal", signal},
         {"recorded", probes::to_string(kind)},
         {"received_at", format_rfc3339(received_at)}};
  if (exit_code) j["exit_code"] = *exit_code;
  if (kind == probes::PingKind::Fail) j["message"] = message;
  return j;
}

json heartbeat_fields(const engine::HeartbeatView& v) {
  return {{"last_ping", time_or_null(v.last_ping)},
          {"next_expected", time_or_null(v.next_expected)},
          {"late_by", format_duration(v.late_by)},
          {"late_by_seconds", static_cast<double>(v.late_by.count()) / 1000.0}};
}

json component_json(const engine::Snapshot& snap, ComponentIndex c) {
  json j = component_json(*snap.model, snap.state, c, true);
  const Component& comp = snap.model->components[c];
  for (SignalIndex s = comp.first_signal; s < comp.first_signal + comp.signal_count; ++s) {
    const auto it = snap.heartbeats.find(s);
    if (it == snap.heartbeats.end()) continue;
    j["signals"][s - comp.first_signal].update(heartbeat_fields(it->second));
  }
  return j;
}

}  // namespace greenlight::dashboards
