// Webhook / receiver answers: a receiver's queue (alerting/receiver_queue, what the
// delivery worker runs) driven by arbitrary answers: any status, any Retry-After text,
// any body (the error text), at any time, with notifications of a few alerts and groups
// pushed in between. Properties, the promise to on-call engineers:
//   - an answer removes the batch (2xx, or a permanent 4xx / unsendable) or keeps all of
//     it for a retry: nothing vanishes, nothing is removed twice;
//   - what an answer means is classify(status): 2xx delivered, 4xx but 408/429 failed;
//   - a retry waits at least 0.5 s and at least the Retry-After seconds the receiver gave
//     (capped at a day), at most 5 min (x1.5 jitter) unless Retry-After says more;
//   - per alert, notifications are delivered in the order they were pushed;
//   - after the answers run out, a healthy receiver gets everything left, in order.

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "alerting/receiver_queue.h"
#include "alerting/retry.h"
#include "fuzz/fuzz.h"

namespace {

using namespace greenlight;
using alerting::AttemptResult;
using alerting::QueueOutcome;

struct Reader {
  const std::uint8_t* data;
  std::size_t size;
  bool empty() const { return size == 0; }
  std::uint8_t byte() {
    if (size == 0) return 0;
    --size;
    return *data++;
  }
  std::string text(std::size_t max) {
    const std::size_t n = std::min<std::size_t>(byte() % (max + 1), size);
    std::string s(reinterpret_cast<const char*>(data), n);
    data += n;
    size -= n;
    return s;
  }
};

struct Harness {
  alerting::ReceiverQueue queue;
  model::TimePoint now{std::chrono::milliseconds(1'700'000'000'000)};
  int pushed = 0;
  std::map<std::string, std::vector<int>> order_pushed, order_done;  // alert -> sequence numbers
  std::map<std::string, int> seq_of;                                  // notification id -> its number

  void push(std::uint8_t how) {
    alerting::Notification n;
    const int seq = pushed++;
    n.alert_id = "component/c" + std::to_string(how % 4);
    n.id = "gl-" + std::to_string(seq);
    n.receiver = "hook";
    n.reason = how & 0x10 ? alerting::NotifyReason::Resolved : alerting::NotifyReason::Firing;
    n.group_key = how & 0x20 ? "" : "g" + std::to_string((how >> 6) % 2);
    n.not_before = now + std::chrono::milliseconds((how & 0x8) ? 500 : 0);
    order_pushed[n.alert_id].push_back(seq);
    seq_of[n.id] = seq;
    queue.push({n});
  }

  void answer(const alerting::Batch& b, const AttemptResult& a, double jitter) {
    const std::size_t before = queue.size();
    const QueueOutcome out = queue.outcome(b, a, now, jitter);
    const alerting::Delivery d = a.unsendable ? alerting::Delivery::Permanent : alerting::classify(a.status);
    if (d == alerting::Delivery::Retry) {
      GREENLIGHT_FUZZ_CHECK(out.kind == QueueOutcome::Kind::Retry);
      GREENLIGHT_FUZZ_CHECK(out.removed == 0 && queue.size() == before);
      GREENLIGHT_FUZZ_CHECK(out.delay >= model::Duration(500));
      GREENLIGHT_FUZZ_CHECK(out.retry_at == now + out.delay);
      const auto ra = alerting::parse_retry_after(a.retry_after);
      if (ra) GREENLIGHT_FUZZ_CHECK(out.delay >= *ra);
      if (!ra || *ra <= model::Duration(450'000)) GREENLIGHT_FUZZ_CHECK(out.delay <= model::Duration(450'000));
      return;
    }
    GREENLIGHT_FUZZ_CHECK(out.kind == (d == alerting::Delivery::Delivered ? QueueOutcome::Kind::Delivered
                                                                          : QueueOutcome::Kind::Failed));
    GREENLIGHT_FUZZ_CHECK(out.removed == b.notifications.size());
    GREENLIGHT_FUZZ_CHECK(queue.size() + out.removed == before);
    for (const alerting::Notification& n : b.notifications) order_done[n.alert_id].push_back(seq_of.at(n.id));
  }

  void check_batch(const alerting::Batch& b) {
    GREENLIGHT_FUZZ_CHECK(!b.notifications.empty() && b.notifications.size() == b.keys.size());
    GREENLIGHT_FUZZ_CHECK(b.attempt >= 1);
    std::map<std::string, int> per_alert;
    for (const alerting::Notification& n : b.notifications) {
      GREENLIGHT_FUZZ_CHECK(++per_alert[n.alert_id] == 1);  // only heads: one per alert
      GREENLIGHT_FUZZ_CHECK(n.not_before <= now);
      if (b.notifications.size() > 1) GREENLIGHT_FUZZ_CHECK(n.group_key == b.notifications[0].group_key);
    }
  }
};

}  // namespace

GREENLIGHT_FUZZ_TARGET(receiver_answers) {
  Reader in{data, size};
  Harness h;
  for (int i = 0; i < 4; ++i) h.push(in.byte());
  int steps = 0;
  while (!in.empty() && ++steps < 512) {
    const std::uint8_t op = in.byte();
    if (op < 40) {
      h.push(in.byte());
      continue;
    }
    if (op < 80) {
      h.now += std::chrono::milliseconds(in.byte() * 250);
      continue;
    }
    const auto batch = h.queue.next(h.now);
    if (!batch) {
      GREENLIGHT_FUZZ_CHECK(h.queue.empty() || h.queue.next_due() > h.now);
      if (h.queue.next_due() != model::TimePoint::max()) h.now = std::max(h.now, h.queue.next_due());
      continue;
    }
    h.check_batch(*batch);
    AttemptResult a;
    a.status = ((in.byte() << 8) | in.byte()) % 600;
    a.retry_after = in.text(12);
    a.error = a.status == 0 ? "connection reset" : "HTTP " + std::to_string(a.status) + ": " + in.text(32);
    a.unsendable = op == 255;
    h.answer(*batch, a, in.byte() / 256.0);
  }
  // The receiver recovers: everything left goes, per alert in order.
  for (int guard = 0; !h.queue.empty(); ++guard) {
    GREENLIGHT_FUZZ_CHECK(guard < 10'000);
    const auto batch = h.queue.next(h.now);
    if (!batch) {
      GREENLIGHT_FUZZ_CHECK(h.queue.next_due() != model::TimePoint::max());
      h.now = std::max(h.now, h.queue.next_due());
      continue;
    }
    h.check_batch(*batch);
    h.answer(*batch, AttemptResult{200, "", "", false}, 0.5);
  }
  for (const auto& [alert, done] : h.order_done) GREENLIGHT_FUZZ_CHECK(done == h.order_pushed.at(alert));
  return 0;
}
