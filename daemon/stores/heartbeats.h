#pragma once

// Push heartbeats (/api/v1/heartbeats/{component}/{signal}[/start|/fail|/{exit_code}]):
// per signal, its pings and when this state_dir first ran it (probes::HeartbeatHistory),
// persisted in state_dir/heartbeats.json so that a restart keeps them and does not reset
// a never-pinged heartbeat's clock (SPEC 5a). The file of older versions (key -> epoch ms
// of the last push) still reads.
// Thread-safety: all methods are safe to call concurrently (mutex_).

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "model/types.h"
#include "probes/heartbeat.h"

namespace greenlight::daemon {

class HeartbeatStore {
 public:
  // Reads state_dir/heartbeats.json if present; a missing or unreadable file means none.
  explicit HeartbeatStore(std::string state_dir);

  // key is "component/signal".
  void record(const std::string& key, probes::PingKind kind, std::optional<int> exit_code, std::string_view message,
              model::TimePoint at);
  void record(const std::string& key, model::TimePoint at) { record(key, probes::PingKind::Success, {}, "", at); }
  // Sets the first-seen time of `key` unless it has one.
  void anchor(const std::string& key, model::TimePoint at);
  std::optional<model::TimePoint> last(const std::string& key) const;
  std::optional<probes::HeartbeatHistory> history(const std::string& key) const;
  // Writes the file atomically (temporary file, fsync, rename). Returns an error or "".
  std::string save() const;

 private:
  std::string path_;
  mutable std::mutex mutex_;
  mutable std::mutex save_mutex_;  // one writer of the file at a time
  std::map<std::string, probes::HeartbeatHistory> history_;  // guarded by mutex_
};

}  // namespace greenlight::daemon
