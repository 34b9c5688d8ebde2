#pragma once

// Sends notifications to receivers (webhook, alertmanager, pagerduty, slack): one worker
// thread and queue per receiver, so a slow or dead receiver never delays another. Within a
// receiver, notifications of one alert go in order (a resolve never overtakes its firing);
// the due notifications of one group (Notification::group_key) go as one request, except
// to PagerDuty, whose Events API takes one event per request;
// a notification waiting out its backoff holds back only its own alert. Each attempt has the receiver's timeout;
// failures are retried with backoff (alerting/retry.h) for as long as it takes; a 2xx or
// a permanent failure is recorded in the outbox journal. Secrets (signing secret, routing
// key, Slack URL) are read from files or environment variables at start and never logged.
// Thread-safety: submit() and stop() from any thread.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alerting/dispatch.h"
#include "daemon/events.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/outbox.h"
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

  void submit(const std::vector<alerting::Notification>& ns);
  // TEMP(merge): replaced by the receiver-queue branch.
  void reconfigure(const model::Model&) {}
  // Stops the workers after their current attempt, waiting up to `grace`; returns false
  // when some attempt was still running (its thread is then left to the process exit).
  // Undelivered notifications stay in the journal for the next start.
  bool stop(std::chrono::milliseconds grace = std::chrono::seconds(2));

 private:
  struct Worker;
  void run(Worker& w);
  struct Attempt {
    int status = 0;
    std::string error, retry_after;
  };
  Attempt send(const Worker& w, const std::vector<alerting::Notification>& batch);

  Outbox& outbox_;
  Log& log_;
  Metrics& metrics_;
  EventLog& events_;
  const model::Clock& clock_;
  std::map<std::string, std::unique_ptr<Worker>> workers_;  // fixed after construction
  std::atomic<int> sending_{0};
};

}  // namespace greenlight::daemon
