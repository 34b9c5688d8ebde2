#pragma once

// `greenlight fma FILE` (SPEC 6.3): the seed's failure mode analysis table, generated from
// the model. One row per component: what happens to the flows when it fails alone (it is
// red, everything else green: whatif/simulate.h on an all-green world), whether it is
// redundant or a single point of failure, how fast its signals detect the failure, and
// what mitigates it (actions, runbook, owner). Rows that break high-criticality flows come
// first: sorted by the worst flow they break (high red, high yellow, medium red, ...), then
// by how many flows turn red and yellow. Pure.
//
// Worked example (examples/shop.toml): the database fails alone: browse, add-to-cart and
// checkout (high) and update-product-data, email-preferences turn red: a single point of
// failure, detected by database/tcp in 5s x 3 failures = 15s, runbook and owner team-data.
// One catalog instance fails alone: the catalog group and the flows through it only turn
// yellow (redundant). Recommendations fails: browse and add-to-cart yellow (degrades only).

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/model.h"

namespace greenlight::whatif {

struct FailureMode {
  model::ComponentIndex component = model::kNoIndex;
  // The flows that turn red / yellow when it fails alone, high criticality first.
  std::vector<model::FlowIndex> red, yellow;
  bool redundant = false;  // a redundancy group, or a member of one that breaks no flow red
  model::ComponentIndex group = model::kNoIndex;  // a redundancy group it is a member of
  bool single_point = false;  // not redundant, and its failure alone turns a flow red
  // The fastest of its own signals to turn red: interval x failures (a push heartbeat: its
  // deadline, red_after or the schedule's grace). 0: none of its own
  // (a group is detected through its members; a component without signals only through
  // its dependencies).
  model::Duration detect{0};
  std::vector<std::size_t> actions;  // indexes into Model::actions that target it
};

// Every component's failure mode, sorted as above.
std::vector<FailureMode> failure_modes(const model::Model& m);

// {"failure_modes": [{"component", "name", "what_fails", "flows_red": [{"id", "criticality"}],
//   "flows_yellow": [...], "redundant", "single_point_of_failure", "redundancy",
//   "detection": {"signals": [{"signal", "interval", "failures", "time_to_detect"}],
//                 "time_to_detect" (null: none of its own), "text"},
//   "mitigation": {"actions": [...], "runbook", "owner"}}]}
nlohmann::json fma_json(const model::Model& m, const std::vector<FailureMode>& rows);
// A Markdown table with a row per component, in the same order.
std::string fma_markdown(const model::Model& m, const std::vector<FailureMode>& rows);

}  // namespace greenlight::whatif
