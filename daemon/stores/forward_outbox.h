#pragma once

// What a replica owes its peers (SPEC 6.5): the facts it forwards (silences created or
// expired, heartbeats received), each queued for every peer until that peer acknowledged
// it, so a peer that was down gets what it missed, in order. On disk an append-only
// journal, state_dir/forward_outbox.jsonl: an "add" line per fact (fsync'd before add()
// returns), a "done" line per acknowledgement (not synced: a lost one is a repeat the peer
// drops), rewritten compactly at start and when done lines pile up, so a fact costs one
// line whatever the backlog.
// Every fact has an id "ORIGIN:EPOCH:SEQ": EPOCH is when this outbox file was created (ms),
// SEQ counts up within it; a peer applies a fact at most once (SeenFacts).
// Bounded: past kMaxFacts the oldest facts are dropped (counted in dropped()).
//
// SeenFacts is the receiving side: per origin replica, the newest (epoch, seq) applied, in
// state_dir/cluster_seen.json. A peer sends its facts in order and removes one only after
// the answer, so a fact at or below the mark is a repeat. A newer epoch (the origin lost
// its state_dir) starts again.
// Thread-safety: all methods of both may be called from any thread (mutex_).

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/types.h"

namespace greenlight::daemon {

class ForwardOutbox {
 public:
  static constexpr std::size_t kMaxFacts = 10'000;

  // Reads the journal if present (entries for peers no longer listed are dropped). `now`
  // is the epoch of a new journal. At most `max_facts` are kept.
  ForwardOutbox(std::string state_dir, std::vector<std::string> peers, model::TimePoint now,
                std::size_t max_facts = kMaxFacts);
  ~ForwardOutbox();
  ForwardOutbox(const ForwardOutbox&) = delete;
  ForwardOutbox& operator=(const ForwardOutbox&) = delete;

  // Queues a fact {id, origin, epoch, seq, kind, data} for every peer and saves. Returns
  // the fact; `error` says if it could not be saved (it is still queued in memory).
  nlohmann::json add(const std::string& origin, const std::string& kind, nlohmann::json data, std::string& error);
  // The oldest fact not yet acknowledged by `peer`.
  std::optional<nlohmann::json> front(const std::string& peer) const;
  // `peer` acknowledged fact `id`; returns "" or a save error.
  std::string done(const std::string& peer, const std::string& id);
  std::size_t pending(const std::string& peer) const;
  std::uint64_t dropped() const;

 private:
  struct Entry {
    nlohmann::json fact;
    std::set<std::string> to;  // peers that have not acknowledged it
  };
  void read_journal();
  std::string append_locked(const std::string& lines, bool sync);
  std::string compact_locked();  // rewrites the journal from memory, reopens it
  std::string path_;
  std::vector<std::string> peers_;
  std::size_t max_facts_;
  mutable std::mutex mutex_;
  std::int64_t epoch_ = 0;       // guarded by mutex_
  std::uint64_t next_seq_ = 1;   // guarded by mutex_
  std::deque<Entry> entries_;    // guarded by mutex_
  std::uint64_t dropped_ = 0;    // guarded by mutex_
  int fd_ = -1;                  // guarded by mutex_
  std::size_t lines_ = 0;        // journal lines since the last compaction, guarded by mutex_
};

class SeenFacts {
 public:
  explicit SeenFacts(std::string state_dir);
  // Whether a fact of `origin` with (epoch, seq) is new (not yet applied).
  bool is_new(const std::string& origin, std::int64_t epoch, std::uint64_t seq) const;
  // Marks it applied and saves; returns "" or a save error.
  std::string applied(const std::string& origin, std::int64_t epoch, std::uint64_t seq);

 private:
  struct Mark {
    std::int64_t epoch = 0;
    std::uint64_t seq = 0;
  };
  std::string path_;
  mutable std::mutex mutex_;
  std::map<std::string, Mark> marks_;  // guarded by mutex_
};

}  // namespace greenlight::daemon
