#include "daemon/delivery.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <set>

#include "alerting/content.h"
#include "alerting/retry.h"
#include "daemon/files.h"
#include "model/json_text.h"
#include "net/http_client.h"

namespace greenlight::daemon {

using namespace alerting;

namespace {

std::string base64(const unsigned char* data, std::size_t len) {
  std::string out(4 * ((len + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(len));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string unbase64(const std::string& in) {
  std::string out(3 * in.size() / 4 + 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return {};
  std::size_t len = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts padding as data: drop one byte per '='.
  for (auto it = in.rbegin(); it != in.rend() && *it == '='; ++it) --len;
  out.resize(len);
  return out;
}

// The secret of a receiver, from its file (trailing newline trimmed) or its environment
// variable; "" when unset. Errors are reported without the value.
std::string read_secret(const model::SecretRef& ref, std::string& error) {
  std::string value;
  if (!ref.file.empty()) {
    if (!read_file(ref.file, value)) error = "cannot read " + ref.file;
  } else if (!ref.env.empty()) {
    const char* v = std::getenv(ref.env.c_str());
    if (v == nullptr) {
      error = "environment variable " + ref.env + " is not set";
    } else {
      value = v;
    }
  }
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r' || value.back() == ' ')) value.pop_back();
  return value;
}

}  // namespace

std::string standard_webhooks_signature(const std::string& secret, const std::string& id, std::int64_t timestamp,
                                        const std::string& body) {
  const std::string key = secret.rfind("whsec_", 0) == 0 ? unbase64(secret.substr(6)) : secret;
  const std::string signed_content = id + "." + std::to_string(timestamp) + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signed_content.data()), signed_content.size(), mac, &mac_len);
  return "v1," + base64(mac, mac_len);
}

struct Delivery::Worker {
  model::Receiver receiver;
  std::string secret;  // never logged
  std::mutex mutex;
  std::condition_variable wake;
  struct Item {
    Notification n;
    int attempts = 0;
    model::TimePoint next{};
    std::string last_error;
  };
  std::deque<Item> queue;  // guarded by mutex
  bool stopping = false;   // guarded by mutex
  std::thread thread;
  std::mt19937_64 rng{std::random_device{}()};
};

Delivery::Delivery(const model::Model& m, Outbox& outbox, Log& log, Metrics& metrics, EventLog& events,
                   const model::Clock& clock)
    : outbox_(outbox), log_(log), metrics_(metrics), events_(events), clock_(clock) {
  for (const model::Receiver& r : m.alerting.receivers) {
    auto w = std::make_unique<Worker>();
    w->receiver = r;
    std::string error;
    w->secret = read_secret(r.secret, error);
    if (!error.empty()) log_.error("receiver_secret", "receiver " + r.name + ": " + error, {{"receiver", r.name}});
    metrics_.receiver(r.name);
    workers_.emplace(r.name, std::move(w));
  }
  for (auto& [name, w] : workers_) w->thread = std::thread([this, wp = w.get()] { run(*wp); });
}

Delivery::~Delivery() { stop(); }

bool Delivery::stop(std::chrono::milliseconds grace) {
  for (auto& [name, w] : workers_) {
    {
      std::lock_guard lock(w->mutex);
      w->stopping = true;
    }
    w->wake.notify_all();
  }
  const auto until = std::chrono::steady_clock::now() + grace;
  while (sending_.load() > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const bool idle = sending_.load() == 0;
  for (auto& [name, w] : workers_) {
    if (!w->thread.joinable()) continue;
    if (idle) {
      w->thread.join();
    } else {
      w->thread.detach();
    }
  }
  return idle;
}

void Delivery::submit(const std::vector<Notification>& ns) {
  // Each receiver's share is queued under one lock and then woken once: a worker woken by
  // the first of a group would otherwise send it alone, before its group is queued.
  std::map<Worker*, std::vector<const Notification*>> by_worker;
  for (const Notification& n : ns) {
    auto it = workers_.find(n.receiver);
    if (it == workers_.end()) {
      log_.error("notification_dropped", "no receiver " + n.receiver + " for " + n.id, {{"receiver", n.receiver}});
      outbox_.done(n.id, "no_receiver");
      continue;
    }
    by_worker[it->second.get()].push_back(&n);
  }
  for (auto& [worker, mine] : by_worker) {
    {
      std::lock_guard lock(worker->mutex);
      for (const Notification* n : mine) worker->queue.push_back({*n, 0, n->not_before, {}});
    }
    metrics_.notification_queued(mine.size());
    worker->wake.notify_all();
  }
}

Delivery::Attempt Delivery::send(const Worker& w, const std::vector<Notification>& batch) {
  const model::Receiver& r = w.receiver;
  const Notification& first = batch.front();
  net::HttpRequest req;
  req.method = "POST";
  req.timeout = r.timeout;
  req.headers = {{"Content-Type", "application/json"}, {"User-Agent", "greenlight"}};
  std::vector<GroupItem> items;
  for (const Notification& n : batch) items.push_back({n.record, n.reason, n.id});
  std::string body;
  switch (r.type) {
    case model::ReceiverType::Webhook: {
      req.url = r.url;
      std::string id = first.id;
      if (first.group_key.empty()) {
        body = model::json_text(webhook_payload(first.record, first.reason, first.id, r.name));
      } else {
        const nlohmann::json payload = webhook_group_payload(items, r.name, first.group_key);
        id = payload.at("id");
        body = model::json_text(payload);
      }
      for (const auto& h : r.headers) req.headers.push_back(h);
      req.headers.push_back({"webhook-id", id});
      if (!w.secret.empty()) {
        const auto ts = std::chrono::duration_cast<std::chrono::seconds>(clock_.now_system().time_since_epoch()).count();
        req.headers.push_back({"webhook-timestamp", std::to_string(ts)});
        req.headers.push_back({"webhook-signature", standard_webhooks_signature(w.secret, id, ts, body)});
      }
      break;
    }
    case model::ReceiverType::Alertmanager:
      req.url = r.url + (r.url.ends_with('/') ? "" : "/") + "api/v2/alerts";
      body = model::json_text(alertmanager_payload(items));
      break;
    case model::ReceiverType::PagerDuty:  // never batched
      if (w.secret.empty()) return {400, "no routing key (routing_key_file / routing_key_env)", {}};
      req.url = r.url;
      body = model::json_text(pagerduty_payload(first.record, first.reason, w.secret));
      break;
    case model::ReceiverType::Slack:
      req.url = r.url.empty() ? w.secret : r.url;
      if (req.url.empty()) return {400, "no incoming-webhook URL (url_file / url_env)", {}};
      body = model::json_text(slack_payload(items));
      break;
  }
  req.body = std::move(body);
  const net::HttpResponse res = net::http_request(req);
  Attempt a{res.status, res.error, res.retry_after};
  if (res.status != 0 && (res.status < 200 || res.status >= 300)) {
    a.error = "HTTP " + std::to_string(res.status) + (res.body.empty() ? "" : ": " + res.body.substr(0, 200));
  }
  return a;
}

void Delivery::run(Worker& w) {
  std::unique_lock lock(w.mutex);
  while (true) {
    if (w.stopping) return;
    // Candidates are the first queued notification of each alert: an alert's resolve
    // never overtakes its firing, and a notification waiting out its backoff holds back
    // only its own alert, not the whole receiver. The first due candidate goes, with the
    // due candidates of its group.
    const model::TimePoint now = clock_.now_system();
    std::set<std::string> seen;
    std::vector<std::deque<Worker::Item>::iterator> heads;
    for (auto it = w.queue.begin(); it != w.queue.end(); ++it) {
      if (seen.insert(it->n.alert_id).second) heads.push_back(it);
    }
    std::vector<Worker::Item> batch;
    model::TimePoint earliest = model::TimePoint::max();
    for (const auto& it : heads) {
      if (it->next > now) {
        earliest = std::min(earliest, it->next);
      } else if (batch.empty()) {
        batch.push_back(*it);  // stays queued until decided
      } else if (!batch.front().n.group_key.empty() && it->n.group_key == batch.front().n.group_key &&
                 w.receiver.type != model::ReceiverType::PagerDuty) {
        batch.push_back(*it);
      }
    }
    if (batch.empty()) {
      if (earliest == model::TimePoint::max()) {
        w.wake.wait(lock);
      } else {
        w.wake.wait_for(lock, earliest - now);
      }
      continue;
    }
    ++sending_;
    lock.unlock();
    std::vector<Notification> ns;
    for (const auto& item : batch) ns.push_back(item.n);
    const Attempt a = send(w, ns);
    --sending_;
    const alerting::Delivery result = classify(a.status);
    const std::string receiver = w.receiver.name;
    const Worker::Item& head = batch.front();
    auto is_in_batch = [&](const Worker::Item& queued) {
      return std::any_of(batch.begin(), batch.end(), [&](const Worker::Item& b) { return b.n.id == queued.n.id; });
    };
    if (result == alerting::Delivery::Retry) {
      int attempts = 0;
      for (const auto& item : batch) attempts = std::max(attempts, item.attempts + 1);
      const double jitter = std::uniform_real_distribution<double>(0, 1)(w.rng);
      const auto delay = backoff(attempts, jitter, parse_retry_after(a.retry_after));
      for (std::size_t i = 0; i < batch.size(); ++i) metrics_.notification(receiver, "retried");
      if (a.error != head.last_error) {  // log when the error changes, not on every attempt
        log_.warn("notification_retry",
                  "receiver " + receiver + ": " + a.error + "; retrying " + head.n.id +
                      (batch.size() > 1 ? " and " + std::to_string(batch.size() - 1) + " more of its group" : "") +
                      " in " + model::format_duration(delay) + " (attempt " + std::to_string(attempts) + ")",
                  {{"receiver", receiver}, {"id", head.n.id}, {"alert", head.n.alert_id}});
      }
      lock.lock();
      for (auto& queued : w.queue) {
        if (!is_in_batch(queued)) continue;
        queued.attempts = attempts;
        queued.last_error = a.error;
        queued.next = clock_.now_system() + delay;
      }
      continue;
    }
    const bool delivered = result == alerting::Delivery::Delivered;
    std::vector<Event> events;
    for (const auto& item : batch) {
      const std::string reason(to_string(item.n.reason));
      events.push_back({0, clock_.now_system(), "notification",
                        receiver + (delivered ? " was told: " : " refused for good: ") + item.n.alert_id + " " + reason +
                            " (" + std::string(to_string(item.n.severity)) + ")" + (delivered ? "" : ": " + a.error),
                        {{"receiver", receiver},
                         {"alert", item.n.alert_id},
                         {"reason", reason},
                         {"severity", std::string(to_string(item.n.severity))},
                         {"outcome", delivered ? "delivered" : "failed"},
                         {"id", item.n.id}}});
      if (const std::string err = outbox_.done(item.n.id, delivered ? "delivered" : "failed"); !err.empty()) {
        log_.error("outbox", err);
      }
      metrics_.notification(receiver, delivered ? "delivered" : "failed");
      if (delivered) {
        log_.info("notified",
                  "receiver " + receiver + ": " + std::string(to_string(item.n.reason)) + " " + item.n.alert_id + " (" +
                      std::string(to_string(item.n.severity)) + ") delivered as " + item.n.id,
                  {{"receiver", receiver}, {"id", item.n.id}, {"alert", item.n.alert_id},
                   {"reason", std::string(to_string(item.n.reason))}});
      } else {
        log_.error("notification_failed", "receiver " + receiver + " refused " + item.n.id + " for good: " + a.error,
                   {{"receiver", receiver}, {"id", item.n.id}, {"alert", item.n.alert_id}});
      }
    }
    events_.record(std::move(events));
    lock.lock();
    const auto before = w.queue.size();
    std::erase_if(w.queue, is_in_batch);
    for (auto i = w.queue.size(); i < before; ++i) metrics_.notification_dequeued();
  }
}

}  // namespace greenlight::daemon
