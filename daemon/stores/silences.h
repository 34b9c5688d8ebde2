#pragma once

// Silences (SPEC 2): those of the configuration and those made through the API, the latter
// persisted in state_dir/silences.json. Expiring a silence sets its end to now; expired
// silences are kept for a day so the dashboard can show what was silenced.
// Thread-safety: all methods may be called from any thread (mutex_).

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "alerting/alerts.h"

namespace greenlight::daemon {

class SilenceStore {
 public:
  SilenceStore(std::string state_dir, const std::vector<model::SilenceConfig>& configured);

  std::vector<alerting::Silence> all() const;
  // Returns the new silence's id, or an error message in `error`.
  std::string add(alerting::Silence s, model::TimePoint now, std::string& error);
  // false: no such silence (or one from the configuration, which only a reload changes).
  bool expire(const std::string& id, model::TimePoint now);
  // A silence made on a peer replica (SPEC 6.5), with its id: added, or replacing the one
  // with that id (so that applying it twice changes nothing).
  void put(const alerting::Silence& s);
  // Ids of silences made here start with it ("a-" makes "a-s1"): unique across replicas.
  void set_id_prefix(std::string prefix);
  void replace_configured(const std::vector<model::SilenceConfig>& configured);
  // Bumped by every change: a reader re-reads all() when it moved.
  std::uint64_t version() const { return version_.load(); }

 private:
  void save_locked() const;
  std::string path_;
  mutable std::mutex mutex_;
  std::vector<alerting::Silence> configured_;  // guarded by mutex_
  std::vector<alerting::Silence> api_;         // guarded by mutex_
  std::uint64_t next_id_ = 1;                  // guarded by mutex_
  std::string id_prefix_;                      // guarded by mutex_
  mutable std::atomic<std::uint64_t> version_{0};
};

}  // namespace greenlight::daemon
