#pragma once

// Objectives (SPEC 6.2) as the model holds them: a flow's availability objective with its
// burn-rate alerts, a numeric signal's trend, a flow's RTO. The accounting that uses them
// is model/slo_history.h; the loader is model/load_objectives.cpp.

#include <cstdint>
#include <optional>
#include <vector>

#include "model/types.h"

namespace greenlight::model {

enum class Severity : std::uint8_t;  // model.h

// Fires while the burn rate exceeds `factor` over both `long_window` and `short_window`;
// resolves once the short window's drops below it.
struct BurnAlert {
  Severity severity{};
  double factor = 1;
  Duration long_window{0};
  Duration short_window{0};
  friend bool operator==(const BurnAlert&, const BurnAlert&) = default;
};

// [flows.X.objective]: the share of measured time the flow is not red, over a rolling
// window. `target` is a fraction in (0, 1) ("99.9%" -> 0.999).
struct Objective {
  double target = 0.999;
  Duration window{30LL * 24 * 3'600'000};
  std::vector<BurnAlert> burn_alerts;
  // How far it may be off before a burn rate of 1 uses it all up: 1 - target.
  double budget() const { return 1.0 - target; }
  friend bool operator==(const Objective&, const Objective&) = default;
};

// The SRE workbook's multi-window, multi-burn-rate pairs (SPEC 6.2): critical 14.4x over
// 1h and 5m, critical 6x over 6h and 30m, warning 3x over 1d and 2h, warning 1x over 3d
// and 6h.
std::vector<BurnAlert> default_burn_alerts();

// A numeric signal's `trend = { window, horizon }`: yellow while the least-squares line
// over the last `window` of values reaches its red threshold within `horizon`.
struct Trend {
  Duration window{0};
  Duration horizon{0};
  friend bool operator==(const Trend&, const Trend&) = default;
};

}  // namespace greenlight::model
