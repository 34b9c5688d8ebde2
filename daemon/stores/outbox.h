#pragma once

// The persistent outbox (SPEC 2, "Delivery"): an append-only journal of notifications in
// state_dir/outbox.jsonl. A notification is written (and fsync'd) before its first
// attempt, and a "done" line follows its 2xx or its permanent failure. After a crash,
// replay() gives back what was not done (re-sent with the same id, so a receiver that got
// it already drops it) and, per alert, the receivers told of a firing that has not been
// resolved (so the restarted daemon neither pages again nor forgets the resolve).
// Thread-safety: all methods may be called from any thread (mutex_).

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "alerting/dispatch.h"

namespace greenlight::daemon {

class Outbox {
 public:
  static constexpr std::size_t kCompactLines = 2000;
  // `compact_lines`: see replay(); tests make it small.
  explicit Outbox(std::string state_dir, std::size_t compact_lines = kCompactLines);
  ~Outbox();

  struct Told {
    std::string alert_id, receiver;
    model::Severity severity;
    model::TimePoint starts_at, last_sent;
    std::string group_key;
    std::string root_cause{};  // the firing's root_cause label, for its resolve's labels
  };
  struct Replay {
    std::vector<alerting::Notification> pending;  // in journal order
    std::vector<Told> told;                       // firing, told, not resolved
    std::size_t damaged_lines = 0;
  };
  // Reads the journal, then rewrites it compactly (pending and told entries only). The
  // journal is also rewritten so while it runs, once it has grown to twice its compact
  // size and at least kCompactLines lines.
  Replay replay();

  // Both return "" or an error; the data is on disk when they return.
  std::string append(const std::vector<alerting::Notification>& ns);
  std::string done(const std::string& id, const std::string& outcome);

 private:
  std::string write_lines(const std::string& lines);
  Replay read_locked(std::string& compact);
  void rewrite_locked(const std::string& compact);
  void maybe_compact_locked(std::size_t lines_written);
  std::string path_;
  std::mutex mutex_;
  int fd_ = -1;  // guarded by mutex_
  std::size_t lines_ = 0;          // in the file, as far as known; guarded by mutex_
  std::size_t compact_lines_ = 0;  // after the last rewrite; guarded by mutex_
  std::size_t min_compact_ = kCompactLines;
};

nlohmann::json to_json(const alerting::Notification& n);
alerting::Notification notification_from_json(const nlohmann::json& j);

}  // namespace greenlight::daemon
