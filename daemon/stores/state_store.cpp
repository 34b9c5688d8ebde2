#include "daemon/stores/state_store.h"

#include <nlohmann/json.hpp>

#include "daemon/stores/files.h"
#include "model/json_text.h"

namespace greenlight::daemon {

using namespace model;
using nlohmann::json;

namespace {

json node_json(const NodeState& n) { return {{"state", to_string(n.state)}, {"since", model::to_epoch_ms(n.since)}}; }

// Keeps the saved `since` when the re-evaluated state is the saved one.
void restore_since(const json& saved, NodeState& n) {
  if (!saved.is_object() || saved.value("state", "") != to_string(n.state)) return;
  n.since = model::from_epoch_ms(saved.value("since", model::to_epoch_ms(n.since)));
}

}  // namespace

json state_to_json(const Model& m, const HealthState& st, TimePoint now) {
  json signals = json::object(), components = json::object(), flows = json::object();
  for (SignalIndex s = 0; s < m.signals.size(); ++s) {
    const SignalState& ss = st.signals[s];
    if (ss.last_result == TimePoint{}) continue;  // never ran: nothing to keep
    signals[m.signal_key(s)] = {
        {"state", to_string(ss.state)},
        {"has_data", ss.has_data},
        {"last_run", to_string(ss.last_run)},
        {"streak", ss.streak},
        {"streak_worse", ss.streak_worse},
        {"streak_bound", to_string(ss.streak_bound)},
        {"last_result", model::to_epoch_ms(ss.last_result)},
        {"since", model::to_epoch_ms(ss.since)},
        {"value", ss.value ? json(*ss.value) : json(nullptr)},
        {"message", ss.message},
        {"ok", ss.last_ok},
        {"seconds", ss.last_seconds}};
  }
  for (ComponentIndex c = 0; c < m.components.size(); ++c) components[m.components[c].id] = node_json(st.components[c]);
  for (FlowIndex f = 0; f < m.flows.size(); ++f) flows[m.flows[f].id] = node_json(st.flows[f]);
  return {{"version", 1},
          {"saved_at", model::to_epoch_ms(now)},
          {"signals", std::move(signals)},
          {"components", std::move(components)},
          {"flows", std::move(flows)},
          {"overall", node_json(st.overall)}};
}

std::size_t restore_from_json(const json& saved, const Model& m, HealthState& st, TimePoint now) {
  std::size_t restored = 0;
  if (!saved.is_object() || saved.value("version", 0) != 1) {
    evaluate_all(m, st, now);  // nothing usable: start from unknown, evaluated
    return 0;
  }
  const json& signals = saved.contains("signals") ? saved["signals"] : json::object();
  for (SignalIndex s = 0; s < m.signals.size(); ++s) {
    const Signal& sig = m.signals[s];
    const auto it = signals.find(m.signal_key(s));
    if (it == signals.end() || !it->is_object()) continue;
    try {
      SignalState ss;
      ss.last_result = model::from_epoch_ms(it->at("last_result").get<std::int64_t>());
      if (now - ss.last_result > sig.stale_after) continue;  // too old to vouch for anything
      const auto state = parse_health(it->at("state").get<std::string>());
      const auto last_run = parse_health(it->at("last_run").get<std::string>());
      const auto bound = parse_health(it->at("streak_bound").get<std::string>());
      if (!state || !last_run || !bound) continue;
      ss.state = *state;
      ss.last_run = *last_run;
      ss.streak_bound = *bound;
      ss.has_data = it->at("has_data").get<bool>();
      ss.streak = it->at("streak").get<std::uint16_t>();
      ss.streak_worse = it->at("streak_worse").get<bool>();
      ss.since = model::from_epoch_ms(it->at("since").get<std::int64_t>());
      if (!it->at("value").is_null()) ss.value = it->at("value").get<double>();
      ss.message = it->at("message").get<std::string>();
      ss.last_ok = it->value("ok", ss.last_run != Health::Red);
      ss.last_seconds = it->value("seconds", 0.0f);
      st.signals[s] = std::move(ss);
      ++restored;
    } catch (const json::exception&) {
      continue;  // a damaged entry starts unknown, like a new signal
    }
  }
  evaluate_all(m, st, now);
  const json empty = json::object();
  const json& components = saved.contains("components") ? saved["components"] : empty;
  const json& flows = saved.contains("flows") ? saved["flows"] : empty;
  for (ComponentIndex c = 0; c < m.components.size(); ++c) {
    if (auto it = components.find(m.components[c].id); it != components.end()) restore_since(*it, st.components[c]);
  }
  for (FlowIndex f = 0; f < m.flows.size(); ++f) {
    if (auto it = flows.find(m.flows[f].id); it != flows.end()) restore_since(*it, st.flows[f]);
  }
  if (saved.contains("overall")) restore_since(saved["overall"], st.overall);
  return restored;
}

std::string save_state(const std::string& state_dir, const Model& m, const HealthState& st, TimePoint now) {
  return write_file_atomically(state_dir + "/state.json", model::json_text(state_to_json(m, st, now)) + "\n");
}

std::size_t restore_state(const std::string& state_dir, const Model& m, HealthState& st, TimePoint now) {
  std::string text;
  if (!read_file(state_dir + "/state.json", text)) text = "{}";  // first start
  return restore_from_json(json::parse(text, nullptr, false), m, st, now);
}

}  // namespace greenlight::daemon
