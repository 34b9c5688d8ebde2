#include "probes/scheduler.h"

#include <algorithm>
#include <utility>

namespace greenlight::probes {

Scheduler::Scheduler(const model::Model& m, SteadyTime start) {
  interval_.resize(m.signals.size());
  in_flight_.assign(m.signals.size(), 0);
  double per_second = 0;  // the model's probe rate
  for (const model::Signal& sig : m.signals) per_second += 1000.0 / static_cast<double>(std::max<std::int64_t>(sig.interval.count(), 1));
  if (per_second > 0) {
    grain_ = std::min<std::chrono::nanoseconds>(
        kMaxSlotGrain, std::chrono::nanoseconds(static_cast<std::int64_t>(1e9 * kSlotBatch / per_second)));
  }
  for (model::SignalIndex s = 0; s < m.signals.size(); ++s) {
    const model::Signal& sig = m.signals[s];
    interval_[s] = std::chrono::duration_cast<std::chrono::nanoseconds>(sig.interval);
    const auto key = m.signal_key(s);
    const auto spread = std::min<std::chrono::nanoseconds>(interval_[s], kFirstRoundSpread);
    auto offset =
        std::chrono::nanoseconds(static_cast<std::int64_t>(model::stable_hash(key) % static_cast<std::uint64_t>(spread.count())));
    if (spread > grain_ && grain_ > std::chrono::milliseconds(1)) {  // probes start in batches, in (0, spread]
      offset = std::min<std::chrono::nanoseconds>(offset - offset % grain_ + grain_, spread);
    }
    queue_.push({start + offset, s});
  }
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
    // The next slot strictly after now: start + offset + k * interval.
    const auto late = now - e.at;
    const auto periods = late / interval_[e.signal] + 1;
    queue_.push({e.at + periods * interval_[e.signal], e.signal});
    skipped_ += static_cast<std::uint64_t>(periods - 1);  // slots that passed unrun
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
