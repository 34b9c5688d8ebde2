#pragma once

// What the engine publishes after each evaluation: an immutable copy that the HTTP API, the
// dashboard and /metrics read without locks (std::atomic<std::shared_ptr<const Snapshot>>).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alerting/alerts.h"
#include "alerting/healing.h"

#include "model/model.h"
#include "model/propagate.h"

namespace greenlight::engine {

struct Snapshot {
  std::shared_ptr<const model::Model> model;
  model::HealthState state;
  model::TimePoint evaluated_at{};
  bool ready = false;  // every signal has run once (or the first round is over)
  std::uint64_t generation = 0;  // bumped on every successful reload
  std::vector<alerting::Alert> alerts;
  std::map<std::string, std::vector<std::string>> told;  // alert id -> receivers told it fires
  std::vector<alerting::ActionStatus> actions;            // per model->actions
};

}  // namespace greenlight::engine
