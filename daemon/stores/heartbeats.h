#pragma once

// Push heartbeats (POST /api/v1/heartbeats/{component}/{signal}): the last push per
// signal, persisted in state_dir/heartbeats.json so that a restart keeps them (SPEC 5a).
// Thread-safety: all methods are safe to call concurrently (mutex_).

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "model/types.h"

namespace greenlight::daemon {

class HeartbeatStore {
 public:
  // Reads state_dir/heartbeats.json if present; a missing or unreadable file means none.
  explicit HeartbeatStore(std::string state_dir);

  // key is "component/signal".
  void record(const std::string& key, model::TimePoint at);
  std::optional<model::TimePoint> last(const std::string& key) const;
  // Writes the file atomically (temporary file, fsync, rename). Returns an error or "".
  std::string save() const;

 private:
  std::string path_;
  mutable std::mutex mutex_;
  std::map<std::string, model::TimePoint> last_;  // guarded by mutex_
};

}  // namespace greenlight::daemon
