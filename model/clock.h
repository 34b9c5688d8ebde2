#pragma once

// The only way the daemon reads time: injected, so tests can substitute it. The core is
// given instants by whoever holds a Clock; pure code never sees one.

#include <chrono>

#include "model/types.h"

namespace greenlight::model {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now_system() const = 0;                          // wall time, for humans
  virtual std::chrono::steady_clock::time_point now_steady() const = 0;  // for scheduling
};

class RealClock final : public Clock {
 public:
  // model::Clock
  TimePoint now_system() const override {
    return std::chrono::time_point_cast<Duration>(std::chrono::system_clock::now());
  }
  std::chrono::steady_clock::time_point now_steady() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace greenlight::model
