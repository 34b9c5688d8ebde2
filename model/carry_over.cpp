#include "model/carry_over.h"

namespace greenlight::model {

namespace {

// A node whose state is what it was keeps its `since`; otherwise its change is returned
// (a node new in this model was unknown before).
std::optional<StateChange> keep_since(const NodeState* before, NodeState& after, std::uint32_t index) {
  const Health was = before ? before->state : Health::Unknown;
  if (before && was == after.state) {
    after.since = before->since;
    return std::nullopt;
  }
  return StateChange{index, was, after.state};
}

}  // namespace

CarriedState carry_over(const Model& old_model, const HealthState& old_state, const Model& new_model, TimePoint now) {
  CarriedState out;
  out.state = HealthState::initial(new_model, now);
  HealthState& st = out.state;
  for (SignalIndex s = 0; s < new_model.signals.size(); ++s) {
    const Signal& sig = new_model.signals[s];
    const auto old = old_model.find_signal(new_model.components[sig.component].id, sig.id);
    if (old && old_model.signals[*old].same_measurement(sig)) {
      st.signals[s] = old_state.signals[*old];
      ++out.signals_kept;
    }
  }
  evaluate_all(new_model, st, now);
  for (ComponentIndex c = 0; c < new_model.components.size(); ++c) {
    const auto old = old_model.find_component(new_model.components[c].id);
    if (auto change = keep_since(old ? &old_state.components[*old] : nullptr, st.components[c], c)) {
      out.changes.components.push_back(*change);
    }
  }
  for (FlowIndex f = 0; f < new_model.flows.size(); ++f) {
    const auto old = old_model.find_flow(new_model.flows[f].id);
    if (auto change = keep_since(old ? &old_state.flows[*old] : nullptr, st.flows[f], f)) {
      out.changes.flows.push_back(*change);
    }
  }
  out.changes.overall = keep_since(&old_state.overall, st.overall, 0);
  return out;
}

}  // namespace greenlight::model
