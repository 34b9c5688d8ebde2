#pragma once

// Reload semantics (SIGHUP, POST /-/reload): the evaluation state of a new model, carried
// over from the running one. A signal of the same component id and signal id whose
// measurement is unchanged keeps its state, counters and last result; every other signal
// starts unknown. Components, flows and the overall state are re-evaluated; those whose
// state is the same as before keep their `since`. Pure.

#include "model/propagate.h"

namespace greenlight::model {

struct CarriedState {
  HealthState state;
  Changes changes;  // states that differ from the old model's, by id (new ones included)
  std::size_t signals_kept = 0;
};

CarriedState carry_over(const Model& old_model, const HealthState& old_state, const Model& new_model, TimePoint now);

}  // namespace greenlight::model
