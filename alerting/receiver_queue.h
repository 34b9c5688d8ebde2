#pragma once

// One receiver's queue of notifications to send (SPEC 2, "Delivery"), pure: which
// notifications go in the next request, when, and what an answer means for them. The
// daemon's delivery worker is a loop around it: next(), send, outcome(); it owns the lock,
// the HTTP client, the clock, the random jitter, logging and the journal.
//
//   - Per-alert order: only the head of each alert (its first queued notification) may
//     go, so a resolve never overtakes its firing;
//   - a head waiting out its backoff (or its not_before) holds back only its own alert;
//   - the first due head goes, and the other due heads with the same non-empty group_key
//     join its request, except with Batching::OnePerRequest (every receiver type batches
//     by group today: batching_for());
//   - a batch's items stay queued, and their alerts held back, until outcome() decides:
//     delivered or failed for good removes them; a retry sets them due again after
//     backoff(attempt, jitter, Retry-After) (alerting/retry.h).
//
// Worked example (group "g", one request per group): at t=0 A1 (alert a, group g), B1
// (alert b, group g) and A2 (alert a, the resolve) are queued. next(0) = [A1, B1]; a 503
// at t=0 with jitter 0.5 sets both due at t=1s; next(0.5s) = nothing (A2 waits behind A1),
// next_due() = 1s; next(1s) = [A1, B1] again, attempt 2; delivered; next(1s) = [A2].
//
// Not thread-safe: the caller serialises every call (the delivery worker's mutex).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "alerting/dispatch.h"

namespace greenlight::alerting {

// What one attempt to send a batch gave.
struct AttemptResult {
  int status = 0;           // the HTTP status; 0: no answer (connection refused, timeout)
  std::string error;        // human text for logs and events ("" on a 2xx)
  std::string retry_after;  // the Retry-After header, if any
  // The request could not even be built (no URL, no routing key): failed for good,
  // whatever `status` says.
  bool unsendable = false;
};

enum class Batching : std::uint8_t { ByGroup, OnePerRequest };
Batching batching_for(model::ReceiverType type);

// The notifications of one request, head first.
struct Batch {
  std::vector<Notification> notifications;
  int attempt = 1;         // the number of this attempt (1 for a first send)
  std::vector<std::uint64_t> keys;  // which queued items these are (for outcome())
};

struct QueueOutcome {
  enum class Kind : std::uint8_t { Delivered, Retry, Failed };
  Kind kind = Kind::Delivered;
  // Retry only: when the batch is due again, after `delay`; this attempt's number; and
  // whether `error` differs from the head's previous error (log on change, not on every
  // attempt, as Alertmanager's retry stage does).
  model::TimePoint retry_at{};
  model::Duration delay{0};
  int attempt = 0;
  bool error_changed = false;
  // How many items left the queue (Delivered and Failed: the whole batch; Retry: 0).
  std::size_t removed = 0;
};
std::string_view to_string(QueueOutcome::Kind k);

class ReceiverQueue {
 public:
  explicit ReceiverQueue(Batching batching = Batching::ByGroup) : batching_(batching) {}

  // From the next batch on (a receiver's type may change in a reload).
  void set_batching(Batching b) { batching_ = b; }

  // Queues `ns` behind what is queued, in order; each is first due at its not_before.
  void push(const std::vector<Notification>& ns);

  // The batch to send at `now`: the first due head (in queue order) and, unless
  // OnePerRequest, the due heads of its group. nullopt when nothing is due. The batch's
  // items stay queued and held back until outcome() is called for it.
  std::optional<Batch> next(model::TimePoint now);

  // When the earliest head not in flight is due (possibly <= now: due already);
  // TimePoint::max() when there is none (empty, or everything in flight).
  model::TimePoint next_due() const;

  // What `result` means for `batch` (from next()) at `now`: delivered and failed items
  // are removed; retried ones are due again at retry_at. `jitter01` in [0, 1) spreads the
  // backoff (the caller draws it).
  QueueOutcome outcome(const Batch& batch, const AttemptResult& result, model::TimePoint now, double jitter01);

  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

 private:
  struct Item {
    Notification n;
    std::uint64_t key = 0;
    int attempts = 0;  // failed attempts so far
    model::TimePoint due{};
    std::string last_error;
    bool in_flight = false;
  };
  // The first item of each alert, in queue order.
  std::vector<Item*> heads();
  std::vector<const Item*> heads() const;
  bool joins(const Item& head, const Item& other) const;

  std::deque<Item> items_;
  std::uint64_t next_key_ = 1;
  Batching batching_;
};

}  // namespace greenlight::alerting
