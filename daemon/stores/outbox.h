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
  explicit Outbox(std::string state_dir);
  ~Outbox();

  struct Told {
    std::string alert_id, receiver;
    model::Severity severity;
    model::TimePoint starts_at, last_sent;
    std::string group_key;
  };
  struct Replay {
    std::vector<alerting::Notification> pending;  // in journal order
    std::vector<Told> told;                       // firing, told, not resolved
    std::size_t damaged_lines = 0;
  };
  // Reads the journal, then rewrites it compactly (pending and told entries only).
  Replay replay();

  // Both return "" or an error; the data is on disk when they return.
  std::string append(const std::vector<alerting::Notification>& ns);
  std::string done(const std::string& id, const std::string& outcome);

 private:
  std::string write_lines(const std::string& lines);
  std::string path_;
  std::mutex mutex_;
  int fd_ = -1;  // guarded by mutex_
};

nlohmann::json to_json(const alerting::Notification& n);
alerting::Notification notification_from_json(const nlohmann::json& j);

}  // namespace greenlight::daemon
