#include "model/carry_over.h"

namespace greenlight::model {

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
    const Health before = old ? old_state.components[*old].state : Health::Unknown;
    if (old && before == st.components[c].state) {
      st.components[c].since = old_state.components[*old].since;
    } else {
      out.changes.components.push_back({c, before, st.components[c].state});
    }
  }
  for (FlowIndex f = 0; f < new_model.flows.size(); ++f) {
    const auto old = old_model.find_flow(new_model.flows[f].id);
    const Health before = old ? old_state.flows[*old].state : Health::Unknown;
    if (old && before == st.flows[f].state) {
      st.flows[f].since = old_state.flows[*old].since;
    } else {
      out.changes.flows.push_back({f, before, st.flows[f].state});
    }
  }
  if (old_state.overall.state == st.overall.state) {
    st.overall.since = old_state.overall.since;
  } else {
    out.changes.overall = StateChange{0, old_state.overall.state, st.overall.state};
  }
  return out;
}

}  // namespace greenlight::model
