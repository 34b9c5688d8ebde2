#pragma once

// When each signal runs: a pure next-due queue over steady time (no clock inside; the
// caller passes `now`). Signal i runs at start + phase_i + k * interval_i, where
// phase_i = hash("component/signal") % interval_i, rounded up to the grain, spreads a
// model's probes evenly over their whole interval and the same way on every start (no
// thundering herd). Its first run comes sooner, at start + phase_i % min(interval_i, 10s)
// (a longer first round for a huge model: kFirstRoundRate),
// so every signal runs once within the first ten seconds (a 1h TLS check is not unknown for
// an hour) without packing each later minute into ten seconds (BENCHMARKS.md, issue 16:
// 100,000 signals at 60 s). A phase past ten seconds is that first run plus whole tens of
// seconds, so the first two runs are at least ten seconds apart. Slots are fixed, so lateness never
// accumulates into drift. A signal whose previous run is still in flight when it is due
// again skips that slot (and the skip is counted): a hung probe never piles up runs.
// Thread-safety: none; owned by one thread.

#include <chrono>
#include <cstdint>
#include <queue>
#include <vector>

#include "model/model.h"

namespace greenlight::probes {

using SteadyTime = std::chrono::steady_clock::time_point;

inline constexpr std::chrono::seconds kFirstRoundSpread{10};
// A model so large that its first round would start more probes a second than this gets a
// longer first round (at most each signal's interval): 100,000 signals in ten seconds
// were 10,000 connections a second, and against one server most of them timed out, so the
// daemon started with 70,000 false reds (BENCHMARKS.md, issue 16).
inline constexpr double kFirstRoundRate = 2000;
// Offsets are whole multiples of a grain chosen so that about kSlotBatch probes share a
// grain point (at most kMaxSlotGrain): they start together, in one step of the engine and
// one hand-off to the event loop, instead of a wake-up of each thread per probe. Slots stay
// exact: no lag is added, only the offsets are coarser. Each batch costs both threads a few
// wake-ups; at 1,000 signals x 10 s a batch of 10 made a probe cost 86 us, 30 made it 60,
// 100 made it 57 but started its last probe 5 ms late (BENCHMARKS.md, issue 16). At 1,000
// signals x 60 s the grain is at its cap, 1 s.
inline constexpr double kSlotBatch = 50;
inline constexpr std::chrono::milliseconds kMaxSlotGrain{1000};

class Scheduler {
 public:
  Scheduler(const model::Model& m, SteadyTime start);

  struct Due {
    model::SignalIndex signal;
    SteadyTime slot;  // when it was due; now - slot is the scheduling lag
  };
  // Every signal due at or before `now`, earliest first; each is marked in flight and
  // rescheduled to its next slot after `now`.
  std::vector<Due> take_due(SteadyTime now);
  // The run of `signal` finished: it may be scheduled again.
  void finished(model::SignalIndex signal);
  // Due at once, besides its slots (after a self-healing action, its target is re-probed
  // without waiting for the next interval); nothing when it is in flight.
  void run_now(model::SignalIndex signal);

  // The earliest next slot (SteadyTime::max() without signals).
  SteadyTime next_due() const;
  std::uint64_t skipped() const { return skipped_; }
  std::chrono::nanoseconds grain() const { return grain_; }
  // Every signal's first run is due within this of the start: kFirstRoundSpread, longer
  // for a model of more than kFirstRoundRate * 10 signals.
  std::chrono::nanoseconds first_round() const { return first_round_; }
  bool in_flight(model::SignalIndex s) const { return in_flight_[s] != 0; }

 private:
  struct Entry {
    SteadyTime at;
    model::SignalIndex signal;
    bool operator>(const Entry& o) const { return at > o.at || (at == o.at && signal > o.signal); }
  };
  // How many of the slots of `s` are at or before `t`.
  std::int64_t slots_until(model::SignalIndex s, SteadyTime t) const;

  std::vector<std::chrono::nanoseconds> interval_;
  std::vector<SteadyTime> first_slot_;  // slots: first_slot_ + k * interval_ (start + phase)
  std::vector<std::uint8_t> in_flight_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue_;
  std::uint64_t skipped_ = 0;
  std::chrono::nanoseconds grain_{0};
  std::chrono::nanoseconds first_round_{0};  // offsets are multiples of it (0: none)
  std::vector<model::SignalIndex> urgent_;  // run_now(), in order
};

}  // namespace greenlight::probes
