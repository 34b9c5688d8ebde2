#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "alerting/receiver_queue.h"

using namespace greenlight::alerting;
using namespace std::chrono_literals;
using greenlight::model::Duration;
using greenlight::model::TimePoint;
using Kind = QueueOutcome::Kind;

namespace {

const TimePoint t0{Duration(1'700'000'000'000)};

Notification note(const std::string& id, const std::string& alert, const std::string& group = "",
                  Duration not_before = 0ms) {
  Notification n;
  n.id = id;
  n.alert_id = alert;
  n.receiver = "r";
  n.group_key = group;
  n.not_before = t0 + not_before;
  return n;
}

std::vector<std::string> ids(const Batch& b) {
  std::vector<std::string> out;
  for (const Notification& n : b.notifications) out.push_back(n.id);
  return out;
}

AttemptResult answer(int status, const std::string& error = "", const std::string& retry_after = "") {
  return {status, error, retry_after, false};
}

// One send as the worker sees it: at `at` (ms after t0), these notification ids went.
struct Sent {
  std::int64_t at;
  std::vector<std::string> ids;
  bool operator==(const Sent&) const = default;
};

// Runs `q` on a fake clock from t0 in 1 ms steps for `span`, as the delivery worker
// would: every due batch is sent at once and `receiver` answers it (jitter 0.5: the
// backoff is exactly 1s, 2s, 4s, ...).
std::vector<Sent> simulate(ReceiverQueue& q, Duration span,
                           const std::function<AttemptResult(const Batch&, Duration)>& receiver) {
  std::vector<Sent> sent;
  for (Duration i = 0ms; i <= span; i += 1ms) {
    const TimePoint now = t0 + i;
    while (auto b = q.next(now)) {
      sent.push_back({i.count(), ids(*b)});
      q.outcome(*b, receiver(*b, i), now, 0.5);
    }
  }
  return sent;
}

}  // namespace

TEST_CASE("an alert's notifications go in order: a resolve never overtakes its firing", "[alerting][queue]") {
  ReceiverQueue q;
  q.push({note("a-firing", "a"), note("a-resolved", "a")});
  auto first = q.next(t0);
  REQUIRE(first);
  CHECK(ids(*first) == std::vector<std::string>{"a-firing"});
  CHECK_FALSE(q.next(t0));  // the firing is in flight: its resolve waits
  CHECK(q.outcome(*first, answer(500, "HTTP 500"), t0, 0.5).kind == Kind::Retry);
  CHECK_FALSE(q.next(t0 + 999ms));  // the firing backs off, the resolve still waits
  auto again = q.next(t0 + 1s);
  REQUIRE(again);
  CHECK(ids(*again) == std::vector<std::string>{"a-firing"});
  CHECK(again->attempt == 2);
  CHECK(q.outcome(*again, answer(204), t0 + 1s, 0.5).kind == Kind::Delivered);
  auto resolve = q.next(t0 + 1s);
  REQUIRE(resolve);
  CHECK(ids(*resolve) == std::vector<std::string>{"a-resolved"});
  CHECK(resolve->attempt == 1);
}

TEST_CASE("a notification waiting out its backoff holds back only its own alert", "[alerting][queue]") {
  // Alert a's receiver-side failure: its first two attempts fail (backoff 1s, then 2s);
  // b and a's resolve (queued later) are unaffected apart from a's resolve waiting.
  ReceiverQueue q;
  q.push({note("a1", "a"), note("b1", "b"), note("a2", "a"), note("c1", "c", "", 500ms)});
  int a1_attempts = 0;
  const auto sent = simulate(q, 5s, [&](const Batch& b, Duration) {
    if (b.notifications.front().id == "a1" && ++a1_attempts <= 2) return answer(0, "connection refused");
    return answer(200);
  });
  const std::vector<Sent> expected{
      {0, {"a1"}},     // fails: a1 due again at 1s
      {0, {"b1"}},     // b is not held back by a
      {500, {"c1"}},   // c waited for its not_before only
      {1000, {"a1"}},  // fails again: due at 1s + 2s
      {3000, {"a1"}},  // delivered
      {3000, {"a2"}},  // then a's resolve, right after
  };
  CHECK(sent == expected);
  CHECK(q.empty());
}

TEST_CASE("the due heads of one group go as one request, PagerDuty takes one event per request",
          "[alerting][queue]") {
  struct Row {
    const char* why;
    Batching batching;
    std::vector<Sent> expected;
  };
  const std::vector<Row> rows{
      {"grouped: a, b and c of group g together; d of group h alone; e (g, not yet due) in a later request",
       Batching::ByGroup,
       {{0, {"a", "b", "c"}}, {0, {"d"}}, {0, {"n"}}, {200, {"e"}}}},
      {"PagerDuty: every event alone, in queue order", Batching::OnePerRequest,
       {{0, {"a"}}, {0, {"b"}}, {0, {"d"}}, {0, {"c"}}, {0, {"n"}}, {200, {"e"}}}},
  };
  for (const Row& row : rows) {
    INFO(row.why);
    ReceiverQueue q(row.batching);
    q.push({note("a", "A", "g"), note("b", "B", "g"), note("d", "D", "h"), note("c", "C", "g"),
            note("n", "N"),  // no group: never joins another
            note("e", "E", "g", 200ms)});
    CHECK(simulate(q, 1s, [](const Batch&, Duration) { return answer(200); }) == row.expected);
  }
}

TEST_CASE("a batch retries together and keeps its members' alerts' order", "[alerting][queue]") {
  ReceiverQueue q;
  q.push({note("a1", "A", "g"), note("b1", "B", "g"), note("a2", "A", "g")});
  int calls = 0;
  const auto sent = simulate(q, 3s, [&](const Batch&, Duration) { return ++calls == 1 ? answer(503) : answer(200); });
  CHECK(sent == std::vector<Sent>{{0, {"a1", "b1"}}, {1000, {"a1", "b1"}}, {1000, {"a2"}}});
}

TEST_CASE("what an answer means: delivered, retried with backoff and Retry-After, or failed for good",
          "[alerting][queue]") {
  struct Row {
    const char* why;
    AttemptResult result;
    int prior_failures;  // attempts that failed before this one
    double jitter;
    Kind kind;
    Duration delay;  // for a retry
  };
  const std::vector<Row> rows{
      {"2xx is delivered", answer(204), 0, 0.5, Kind::Delivered, 0ms},
      {"no answer: retry after 1s (jitter 0.5 is x1)", answer(0, "refused"), 0, 0.5, Kind::Retry, 1s},
      {"the backoff doubles per attempt", answer(500), 2, 0.5, Kind::Retry, 4s},
      {"jitter spreads it: x0.5 .. x1.5", answer(502), 1, 0.0, Kind::Retry, 1s},
      {"capped at 5 minutes (times the jitter)", answer(503), 20, 0.5, Kind::Retry, 300s},
      {"408 is retried", answer(408), 0, 0.5, Kind::Retry, 1s},
      {"429 honours Retry-After", answer(429, "HTTP 429", "120"), 0, 0.5, Kind::Retry, 120s},
      {"503 honours Retry-After when longer than the backoff", answer(503, "", " 7 "), 0, 0.5, Kind::Retry, 7s},
      {"a Retry-After shorter than the backoff does not shorten it", answer(503, "", "1"), 3, 0.5, Kind::Retry, 8s},
      {"an unparsable Retry-After is ignored", answer(429, "", "Wed, 21 Oct 2015 07:28:00 GMT"), 0, 0.5, Kind::Retry,
       1s},
      {"400 is permanent", answer(400, "HTTP 400"), 0, 0.5, Kind::Failed, 0ms},
      {"410 is permanent, even after retries", answer(410), 3, 0.5, Kind::Failed, 0ms},
      {"unsendable (no routing key) is permanent", {0, "no routing key", "", true}, 0, 0.5, Kind::Failed, 0ms},
  };
  for (const Row& row : rows) {
    INFO(row.why);
    ReceiverQueue q;
    q.push({note("a", "A")});
    TimePoint now = t0;
    for (int i = 0; i < row.prior_failures; ++i) {
      auto b = q.next(now);
      REQUIRE(b);
      now = q.outcome(*b, answer(500), now, 0.5).retry_at;
    }
    auto b = q.next(now);
    REQUIRE(b);
    CHECK(b->attempt == row.prior_failures + 1);
    const QueueOutcome out = q.outcome(*b, row.result, now, row.jitter);
    CHECK(out.kind == row.kind);
    if (row.kind == Kind::Retry) {
      CHECK(out.delay == row.delay);
      CHECK(out.retry_at == now + row.delay);
      CHECK(out.attempt == row.prior_failures + 1);
      CHECK(out.removed == 0);
      CHECK(q.size() == 1);
      CHECK(q.next_due() == out.retry_at);
    } else {
      CHECK(out.removed == 1);
      CHECK(q.empty());
    }
  }
}

TEST_CASE("a failed batch leaves the queue whole, the alert's next notification goes", "[alerting][queue]") {
  ReceiverQueue q;
  q.push({note("a1", "A", "g"), note("b1", "B", "g"), note("a2", "A")});
  auto b = q.next(t0);
  REQUIRE(b);
  const QueueOutcome out = q.outcome(*b, answer(404, "HTTP 404"), t0, 0.5);
  CHECK(out.kind == Kind::Failed);
  CHECK(out.removed == 2);
  CHECK(q.size() == 1);
  auto next = q.next(t0);
  REQUIRE(next);
  CHECK(ids(*next) == std::vector<std::string>{"a2"});
}

TEST_CASE("a retry reports whether its error changed, so it is logged once per error", "[alerting][queue]") {
  struct Step {
    const char* why;
    std::string error;
    bool changed;
  };
  const std::vector<Step> steps{
      {"the first error is news", "connection refused", true},
      {"the same again is not", "connection refused", false},
      {"a different one is", "HTTP 503", true},
      {"and again not", "HTTP 503", false},
      {"back to the first: news again", "connection refused", true},
  };
  ReceiverQueue q;
  q.push({note("a", "A")});
  TimePoint now = t0;
  for (const Step& s : steps) {
    INFO(s.why);
    auto b = q.next(now);
    REQUIRE(b);
    const QueueOutcome out = q.outcome(*b, answer(503, s.error), now, 0.5);
    CHECK(out.error_changed == s.changed);
    now = out.retry_at;
  }
}

TEST_CASE("next_due says when to wake: the earliest head not in flight", "[alerting][queue]") {
  ReceiverQueue q;
  CHECK(q.next_due() == TimePoint::max());  // empty: sleep until pushed
  q.push({note("a1", "A", "", 300ms), note("a2", "A"), note("b1", "B", "", 200ms)});
  // a2 is due at t0 but is not a head: a1 (300ms) and b1 (200ms) are.
  CHECK(q.next_due() == t0 + 200ms);
  CHECK_FALSE(q.next(t0 + 199ms));
  auto b = q.next(t0 + 200ms);
  REQUIRE(b);
  CHECK(q.next_due() == t0 + 300ms);  // b1 in flight does not count
  q.outcome(*b, answer(429, "", "10"), t0 + 200ms, 0.5);
  CHECK(q.next_due() == t0 + 300ms);
  auto a = q.next(t0 + 300ms);
  REQUIRE(a);
  CHECK(q.next_due() == t0 + 10'200ms);  // only b1, backing off
  q.outcome(*a, answer(200), t0 + 300ms, 0.5);
  CHECK(q.next_due() == t0);  // a2 is the head now, due since t0
}
