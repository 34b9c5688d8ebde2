#include "alerting/receiver_queue.h"

#include <algorithm>
#include <set>

#include "alerting/retry.h"

namespace greenlight::alerting {

namespace {

// The first item of each alert, in queue order (Items is a deque of Item, const or not).
template <typename Item, typename Items>
std::vector<Item*> first_of_each_alert(Items& items) {
  std::set<std::string_view> seen;
  std::vector<Item*> out;
  for (auto& item : items) {
    if (seen.insert(item.n.alert_id).second) out.push_back(&item);
  }
  return out;
}

bool in_batch(const Batch& batch, std::uint64_t key) {
  return std::find(batch.keys.begin(), batch.keys.end(), key) != batch.keys.end();
}

}  // namespace

Batching batching_for(model::ReceiverType) {
  // Every type sends one request per group notification; PagerDuty too, since a group is
  // one event (alerting/encode.h). Alerts alone have no group_key and never join.
  return Batching::ByGroup;
}

std::string_view to_string(QueueOutcome::Kind k) {
  switch (k) {
    case QueueOutcome::Kind::Delivered:
      return "delivered";
    case QueueOutcome::Kind::Retry:
      return "retried";
    case QueueOutcome::Kind::Failed:
      return "failed";
  }
  return "?";
}

std::vector<ReceiverQueue::Item*> ReceiverQueue::heads() { return first_of_each_alert<Item>(items_); }
std::vector<const ReceiverQueue::Item*> ReceiverQueue::heads() const {
  return first_of_each_alert<const Item>(items_);
}

void ReceiverQueue::push(const std::vector<Notification>& ns) {
  for (const Notification& n : ns) items_.push_back({n, next_key_++, 0, n.not_before, {}, false});
}

bool ReceiverQueue::joins(const Item& head, const Item& other) const {
  return batching_ == Batching::ByGroup && !head.n.group_key.empty() && other.n.group_key == head.n.group_key;
}

std::optional<Batch> ReceiverQueue::next(model::TimePoint now) {
  std::vector<Item*> chosen;
  for (Item* h : heads()) {
    if (h->in_flight || h->due > now) continue;
    if (chosen.empty() || joins(*chosen.front(), *h)) chosen.push_back(h);
  }
  if (chosen.empty()) return std::nullopt;
  Batch batch;
  batch.attempt = 0;
  for (Item* item : chosen) {
    item->in_flight = true;
    batch.notifications.push_back(item->n);
    batch.keys.push_back(item->key);
    batch.attempt = std::max(batch.attempt, item->attempts + 1);
  }
  return batch;
}

model::TimePoint ReceiverQueue::next_due() const {
  model::TimePoint earliest = model::TimePoint::max();
  for (const Item* h : heads()) {
    if (!h->in_flight) earliest = std::min(earliest, h->due);
  }
  return earliest;
}

QueueOutcome ReceiverQueue::outcome(const Batch& batch, const AttemptResult& result, model::TimePoint now,
                                    double jitter01) {
  const Delivery d = result.unsendable ? Delivery::Permanent : classify(result.status);
  QueueOutcome out;
  if (d != Delivery::Retry) {
    out.kind = d == Delivery::Delivered ? QueueOutcome::Kind::Delivered : QueueOutcome::Kind::Failed;
    out.removed = std::erase_if(items_, [&](const Item& item) { return in_batch(batch, item.key); });
    return out;
  }
  out.kind = QueueOutcome::Kind::Retry;
  out.attempt = batch.attempt;
  out.delay = backoff(batch.attempt, jitter01, parse_retry_after(result.retry_after));
  out.retry_at = now + out.delay;
  for (Item& item : items_) {
    if (!in_batch(batch, item.key)) continue;
    if (item.key == batch.keys.front()) out.error_changed = item.last_error != result.error;
    item.attempts = batch.attempt;
    item.last_error = result.error;
    item.due = out.retry_at;
    item.in_flight = false;
  }
  return out;
}

}  // namespace greenlight::alerting
