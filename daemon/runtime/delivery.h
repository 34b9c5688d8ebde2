#pragma once

// Sends notifications to receivers (webhook, alertmanager, pagerduty, slack): one worker
// thread and queue per receiver, so a slow or dead receiver never delays another. What
// goes when, in which request, and what an answer means, is the pure
// alerting::ReceiverQueue (per-alert order, group batching, PagerDuty one event per
// request, backoff and Retry-After); the request itself is alerting::encode. This is the
// loop around them: it sends, signs webhooks, and carries out the journal, events, logs
// and metrics. A 2xx or a permanent failure is recorded in the outbox journal. Secrets
// (signing secret, routing key, Slack URL) are read from files or environment variables
// at start and at each reconfigure(), and never logged.
// Thread-safety: submit(), reconfigure() and stop() from any thread.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "alerting/dispatch.h"
#include "alerting/receiver_queue.h"
#include "daemon/stores/events.h"
#include "daemon/runtime/log.h"
#include "daemon/runtime/metrics.h"
#include "daemon/stores/outbox.h"
#include "model/clock.h"

namespace greenlight::daemon {

// Standard Webhooks: "v1,<base64 HMAC-SHA256 over id.timestamp.body>"; a secret with the
// whsec_ prefix is a base64 key, any other is used as bytes.
std::string standard_webhooks_signature(const std::string& secret, const std::string& id, std::int64_t timestamp,
                                        const std::string& body);

class Delivery {
 public:
  Delivery(const model::Model& m, Outbox& outbox, Log& log, Metrics& metrics, EventLog& events,
           const model::Clock& clock);
  ~Delivery();

  // Queues each notification for its receiver. One for a receiver that does not exist (or
  // no longer does) is logged, counted as dropped and marked done in the outbox.
  void submit(const std::vector<alerting::Notification>& ns);
  // Applies a reloaded model's receivers (SPEC 5a): an added receiver gets a worker; a
  // changed one (url, type, timeout, headers, secret) sends with its new settings from
  // its next attempt on; a removed one takes no new notifications, delivers what it has
  // queued with its last settings, then its worker exits. Every secret is read again.
  void reconfigure(const model::Model& m);
  // Stops the workers after their current attempt, waiting up to `grace`; returns false
  // when some attempt was still running (its thread is then left to the process exit).
  // Undelivered notifications stay in the journal for the next start.
  bool stop(std::chrono::milliseconds grace = std::chrono::seconds(2));

 private:
  struct Settings {
    model::Receiver receiver;
    std::string secret;  // never logged
  };
  struct Worker;
  std::shared_ptr<const Settings> settings_for(const model::Receiver& r);
  void add_worker_locked(std::shared_ptr<const Settings> s);
  void retire_locked(Worker& w);
  void reap_exited_locked();
  void drop(const alerting::Notification& n);
  void run(Worker& w);
  // An alertmanager receiver with `urls` posts to every Alertmanager of its cluster
  // (SPEC 6.5): delivered when one of them took it (they gossip; the others get it with
  // the next re-send), else the first one's failure.
  alerting::AttemptResult send(const Settings& s, const std::vector<alerting::Notification>& batch);
  alerting::AttemptResult send_one(const model::Receiver& r, const std::string& secret,
                                   const std::vector<alerting::Notification>& batch);
  void report(const std::string& receiver, const alerting::Batch& batch, const alerting::AttemptResult& result,
              const alerting::QueueOutcome& out);
  void record_final(const std::string& receiver, const alerting::Batch& batch, const alerting::AttemptResult& result,
                    bool delivered);

  Outbox& outbox_;
  Log& log_;
  Metrics& metrics_;
  EventLog& events_;
  const model::Clock& clock_;
  std::mutex mutex_;  // guards workers_ and stopped_; taken before any Worker::mutex
  std::map<std::string, std::unique_ptr<Worker>> workers_;  // guarded by mutex_; retired ones too
  bool stopped_ = false;                                    // guarded by mutex_
  std::atomic<int> sending_{0};
};

}  // namespace greenlight::daemon
