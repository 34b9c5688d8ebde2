#pragma once

// What the engine publishes after each evaluation: an immutable copy that the HTTP API, the
// dashboard and /metrics read without locks (std::atomic<std::shared_ptr<const Snapshot>>).

#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "alerting/alerts.h"
#include "alerting/healing.h"
#include "engine/objectives.h"

#include "model/model.h"
#include "model/propagate.h"

namespace greenlight::engine {

// A heartbeat signal's schedule as the API shows it (SPEC 6.4).
struct HeartbeatView {
  std::optional<model::TimePoint> last_ping, next_expected;
  model::Duration late_by{0};
};

struct Snapshot {
  std::shared_ptr<const model::Model> model;
  model::HealthState state;
  model::TimePoint evaluated_at{};
  bool ready = false;  // every signal has run once (or the first round is over)
  std::uint64_t generation = 0;  // bumped on every successful reload
  std::vector<alerting::Alert> alerts;
  std::map<std::string, std::vector<std::string>> told;  // alert id -> receivers told it fires
  std::vector<alerting::ActionStatus> actions;            // per model->actions
  std::map<model::SignalIndex, HeartbeatView> heartbeats;  // per heartbeat signal
  SloViews slos;                                           // per flow with an objective (SPEC 6.2)
};

}  // namespace greenlight::engine
