#pragma once

// The recent history behind GET /api/v1/events (SPEC 4): state transitions of components,
// flows and the overall state, notifications (delivered / failed), action runs and reloads.
// Bounded in memory (the last `capacity` events) and kept in state_dir/events.jsonl so a
// restart keeps the recent history: each event is appended as a JSON line (no fsync: it is
// history, not a promise to anyone), and the file is rewritten with the last `capacity`
// events when it holds twice that. Every event has a sequence number, increasing across
// restarts, so a poller asks for "what came after the last one I saw".
// Thread-safety: every method may be called from any thread (mutex_).

#include <cstdint>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/effects.h"
#include "model/clock.h"

namespace greenlight::daemon {

// The event itself is engine::Event (engine/effects.h); its JSON form is
// dashboards::event_json (dashboards/render.h).
using Event = engine::Event;

class EventLog {
 public:
  // `state_dir` "" keeps events in memory only.
  EventLog(std::string state_dir, std::size_t capacity = 2000);
  ~EventLog();

  // Reads the persisted history; returns the number of damaged lines skipped.
  std::size_t load();

  void record(std::vector<Event> events);  // seq is assigned here
  void record(Event e) { record(std::vector<Event>{std::move(e)}); }

  // Events with seq > after_seq and at >= since, oldest first, at most `limit` (the newest
  // ones when more match).
  std::vector<Event> query(std::uint64_t after_seq, model::TimePoint since, std::size_t limit) const;
  std::uint64_t last_seq() const;

 private:
  void write_locked(const std::vector<Event>& events);  // appends, or rewrites when the file is long
  void rewrite_locked();                                // the file = the kept events
  std::string path_;
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<Event> events_;  // guarded by mutex_
  std::uint64_t next_seq_ = 1;
  std::size_t lines_in_file_ = 0;
  int fd_ = -1;
};

}  // namespace greenlight::daemon
