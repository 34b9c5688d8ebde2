#pragma once

// `greenlight lint FILE` (SPEC 6.3): warnings about a valid model that rots quietly, each
// at the offending key's file:line:col, as `FILE:LINE:COL: warning: [rule] message`.
// `validate` stays about errors; lint runs on a model that loads. Pure: the caller reads
// the file; the TOML text is parsed again here only to find the keys' positions (the
// model keeps no positions, and the loader stays untouched).
//
// Rules:
//   unused-component        on no flow, directly or through dependencies, and alerting for
//                           nobody (no `alert = true`, no action on it): its state reaches
//                           no one. Not checked in a model without flows.
//   flow-without-signals    no signal on any step or anything a step depends on: the flow
//                           can only ever be unknown (or green with nothing measured).
//   unreachable-route       no alert the model can raise (each flow, alerting component and
//                           action, in each state its severity matrix pages for) reaches it:
//                           its matchers or min_severity match none, or an earlier sibling
//                           without `continue` takes them all.
//   unused-receiver         no reachable route sends to it.
//   threshold-order         a yellow threshold at the red one (yellow_above = red_above,
//                           yellow_below = red_below, yellow_after = red_after): the signal
//                           goes from green to red, never yellow. (Beyond it, the loader
//                           refuses the model; lint checks >= so it holds either way.)
//   group-unsatisfiable     healthy_min or available_min above the members that can ever be
//                           green or not red: with every signal green, the group still is not.
//   action-without-cooldown cooldown = "0s": it runs again at every alert pass while its
//                           condition holds.
// Worked example: a component "legacy" on no flow, in file shop.toml at [components.legacy]:
//   shop.toml:40:13: warning: [unused-component] component "legacy" is on no flow, ...

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"

namespace greenlight::whatif {

struct Warning {
  std::string file;
  int line = 0, column = 0;  // 1-based; 0: no position found (the key is in another file)
  std::string rule;
  std::string message;
};

// The warnings for `m`, loaded from `text` (the file at `path`), sorted by position.
std::vector<Warning> lint(const model::Model& m, std::string_view text, std::string_view path);

// "FILE:LINE:COL: warning: [rule] message".
std::string format(const Warning& w);
// {"warnings": [{"file", "line", "column", "rule", "message"}]}
nlohmann::json lint_json(const std::vector<Warning>& warnings);

}  // namespace greenlight::whatif
