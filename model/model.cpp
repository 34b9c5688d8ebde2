#include "model/model.h"

#include <array>

namespace greenlight::model {

namespace {
constexpr std::array<std::string_view, 8> kProbeNames{"http",      "tcp",      "exec",       "tls",
                                                      "heartbeat", "file_age", "prometheus", "scrape"};
constexpr std::array<std::string_view, 5> kSeverityNames{"none", "info", "warning", "error", "critical"};
constexpr std::array<std::string_view, 4> kReceiverNames{"webhook", "alertmanager", "pagerduty", "slack"};
}  // namespace

std::string_view to_string(ProbeKind k) { return kProbeNames[static_cast<std::size_t>(k)]; }
std::vector<std::string> probe_kind_names() { return {kProbeNames.begin(), kProbeNames.end()}; }
std::vector<std::string> receiver_type_names() { return {kReceiverNames.begin(), kReceiverNames.end()}; }
std::optional<ProbeKind> parse_probe_kind(std::string_view s) {
  for (std::size_t i = 0; i < kProbeNames.size(); ++i) {
    if (kProbeNames[i] == s) return static_cast<ProbeKind>(i);
  }
  return std::nullopt;
}

std::string_view to_string(Severity s) { return kSeverityNames[static_cast<std::size_t>(s)]; }
std::optional<Severity> parse_severity(std::string_view s) {
  for (std::size_t i = 0; i < kSeverityNames.size(); ++i) {
    if (kSeverityNames[i] == s) return static_cast<Severity>(i);
  }
  return std::nullopt;
}

std::string_view to_string(ReceiverType t) { return kReceiverNames[static_cast<std::size_t>(t)]; }

// SPEC 2 defaults: high/red critical, high/yellow warning, medium/red error,
// medium/yellow info, low/red warning, low/yellow none; unknown pages nobody (SPEC 5a).
SeverityMatrix::SeverityMatrix() {
  auto set = [&](Criticality c, Health h, Severity s) { at[static_cast<int>(c)][static_cast<int>(h)] = s; };
  set(Criticality::High, Health::Red, Severity::Critical);
  set(Criticality::High, Health::Yellow, Severity::Warning);
  set(Criticality::Medium, Health::Red, Severity::Error);
  set(Criticality::Medium, Health::Yellow, Severity::Info);
  set(Criticality::Low, Health::Red, Severity::Warning);
}

std::optional<ComponentIndex> Model::find_component(std::string_view id) const {
  auto it = component_index.find(std::string(id));
  if (it == component_index.end()) return std::nullopt;
  return it->second;
}

std::optional<FlowIndex> Model::find_flow(std::string_view id) const {
  auto it = flow_index.find(std::string(id));
  if (it == flow_index.end()) return std::nullopt;
  return it->second;
}

std::optional<SignalIndex> Model::find_signal(std::string_view component, std::string_view signal) const {
  auto c = find_component(component);
  if (!c) return std::nullopt;
  const Component& comp = components[*c];
  for (SignalIndex s = comp.first_signal; s < comp.first_signal + comp.signal_count; ++s) {
    if (signals[s].id == signal) return s;
  }
  return std::nullopt;
}

}  // namespace greenlight::model
