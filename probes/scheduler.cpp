#include "probes/scheduler.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace greenlight::probes {

Scheduler::Scheduler(const model::Model& m, SteadyTime start) {
  interval_.resize(m.signals.size());
  in_flight_.assign(m.signals.size(), 0);
  double per_second = 0;  // the model's probe rate
  for (const model::Signal& sig : m.signals) per_second += 1000.0 / static_cast<double>(std::max<std::int64_t>(sig.interval.count(), 1));
  if (per_second > 0) {
    grain_ = std::min<std::chrono::nanoseconds>(
        kMaxSlotGrain, std::chrono::milliseconds(std::llround(1e3 * kSlotBatch / per_second)));
  }
  first_slot_.resize(m.signals.size());
  // Rounded up to the grain, so probes start in batches; at most `limit`.
  const auto on_grain = [this](std::chrono::nanoseconds t, std::chrono::nanoseconds limit) {
    if (limit <= grain_ || grain_ <= std::chrono::milliseconds(1)) return t;
    return std::min<std::chrono::nanoseconds>(t - t % grain_ + grain_, limit);
  };
  auto first_round = std::max<std::chrono::nanoseconds>(
      kFirstRoundSpread, std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 * static_cast<double>(m.signals.size()) / kFirstRoundRate)));
  // A whole number of grains, so that the first run plus whole first rounds (the phase)
  // stays on the grain.
  if (grain_ > std::chrono::milliseconds(1)) first_round = std::max(grain_, first_round - first_round % grain_);
  for (model::SignalIndex s = 0; s < m.signals.size(); ++s) {
    const model::Signal& sig = m.signals[s];
    interval_[s] = std::max<std::chrono::nanoseconds>(std::chrono::duration_cast<std::chrono::nanoseconds>(sig.interval), std::chrono::milliseconds(1));
    const std::uint64_t hash = model::stable_hash(m.signal_key(s));
    const auto phase = std::chrono::nanoseconds(static_cast<std::int64_t>(hash % static_cast<std::uint64_t>(interval_[s].count())));
    const auto spread = std::min<std::chrono::nanoseconds>(interval_[s], first_round);
    first_round_ = std::max(first_round_, spread);
    const auto first = on_grain(phase % spread, spread);
    first_slot_[s] = start + first + (phase - phase % spread);  // the first run plus whole spreads
    queue_.push({start + first, s});
  }
}

std::int64_t Scheduler::slots_until(model::SignalIndex s, SteadyTime t) const {
  return t < first_slot_[s] ? 0 : (t - first_slot_[s]) / interval_[s] + 1;
}

std::vector<Scheduler::Due> Scheduler::take_due(SteadyTime now) {
  std::vector<Due> due;
  for (model::SignalIndex s : std::exchange(urgent_, {})) {
    if (in_flight_[s]) continue;
    in_flight_[s] = 1;
    due.push_back({s, now});
  }
  while (!queue_.empty() && queue_.top().at <= now) {
    const Entry e = queue_.top();
    queue_.pop();
    // The next slot strictly after now, and the slots in (e.at, now] that passed unrun.
    const std::int64_t passed = slots_until(e.signal, now);
    queue_.push({first_slot_[e.signal] + passed * interval_[e.signal], e.signal});
    skipped_ += static_cast<std::uint64_t>(passed - slots_until(e.signal, e.at));
    if (in_flight_[e.signal]) {
      ++skipped_;
      continue;
    }
    in_flight_[e.signal] = 1;
    due.push_back({e.signal, e.at});
  }
  return due;
}

void Scheduler::finished(model::SignalIndex signal) { in_flight_[signal] = 0; }

void Scheduler::run_now(model::SignalIndex signal) {
  if (!in_flight_[signal]) urgent_.push_back(signal);
}

SteadyTime Scheduler::next_due() const {
  if (!urgent_.empty()) return SteadyTime::min();
  return queue_.empty() ? SteadyTime::max() : queue_.top().at;
}

}  // namespace greenlight::probes
