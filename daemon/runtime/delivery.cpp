#include "daemon/runtime/delivery.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <condition_variable>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "alerting/encode.h"
#include "daemon/stores/files.h"
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
  std::mutex mutex;
  std::condition_variable wake;
  std::shared_ptr<const Settings> settings;  // guarded by mutex; each attempt takes the current one
  ReceiverQueue queue;                       // guarded by mutex
  bool stopping = false;                     // guarded by mutex
  bool retired = false;  // guarded by mutex: removed in a reload, exits once its queue is empty
  bool exited = false;   // guarded by mutex
  std::thread thread;
  std::mt19937_64 rng{std::random_device{}()};  // only the worker's thread draws
};

namespace {

bool same_settings(const model::Receiver& a, const model::Receiver& b) {
  return a.type == b.type && a.url == b.url && a.timeout == b.timeout && a.headers == b.headers &&
         a.secret.file == b.secret.file && a.secret.env == b.secret.env;
}

}  // namespace

Delivery::Delivery(const model::Model& m, Outbox& outbox, Log& log, Metrics& metrics, EventLog& events,
                   const model::Clock& clock)
    : outbox_(outbox), log_(log), metrics_(metrics), events_(events), clock_(clock) {
  std::lock_guard lock(mutex_);
  for (const model::Receiver& r : m.alerting.receivers) add_worker_locked(settings_for(r));
}

Delivery::~Delivery() { stop(); }

std::shared_ptr<const Delivery::Settings> Delivery::settings_for(const model::Receiver& r) {
  std::string error;
  auto s = std::make_shared<Settings>(Settings{r, read_secret(r.secret, error)});
  if (!error.empty()) log_.error("receiver_secret", "receiver " + r.name + ": " + error, {{"receiver", r.name}});
  return s;
}

void Delivery::add_worker_locked(std::shared_ptr<const Settings> s) {
  auto w = std::make_unique<Worker>();
  const std::string name = s->receiver.name;
  w->queue.set_batching(batching_for(s->receiver.type));
  w->settings = std::move(s);
  metrics_.receiver(name);
  if (!stopped_) w->thread = std::thread([this, wp = w.get()] { run(*wp); });
  workers_.insert_or_assign(name, std::move(w));
}

void Delivery::retire_locked(Worker& w) {
  std::size_t queued = 0;
  {
    std::lock_guard lock(w.mutex);
    if (w.retired) return;
    w.retired = true;
    queued = w.queue.size();
  }
  w.wake.notify_all();
  const std::string& name = w.settings->receiver.name;  // settings change only under mutex_, held here
  log_.info("receiver_removed",
            "receiver " + name + " removed: it takes no new notifications" +
                (queued ? " and delivers the " + std::to_string(queued) + " it has queued" : ""),
            {{"receiver", name}, {"queued", std::to_string(queued)}});
}

// Joins and forgets the workers of removed receivers that have delivered everything.
void Delivery::reap_exited_locked() {
  for (auto it = workers_.begin(); it != workers_.end();) {
    Worker& w = *it->second;
    bool done = false;
    {
      std::lock_guard lock(w.mutex);
      done = w.exited && w.retired;
    }
    if (!done) {
      ++it;
      continue;
    }
    if (w.thread.joinable()) w.thread.join();
    it = workers_.erase(it);
  }
}

void Delivery::reconfigure(const model::Model& m) {
  std::lock_guard lock(mutex_);
  reap_exited_locked();
  std::set<std::string> names;
  for (const model::Receiver& r : m.alerting.receivers) {
    names.insert(r.name);
    auto s = settings_for(r);
    const auto it = workers_.find(r.name);
    if (it == workers_.end()) {
      add_worker_locked(std::move(s));
      log_.info("receiver_added", "receiver " + r.name + " added", {{"receiver", r.name}});
      continue;
    }
    Worker& w = *it->second;
    bool changed = false;
    {
      std::lock_guard wlock(w.mutex);
      changed = w.retired || !same_settings(w.settings->receiver, r) || w.settings->secret != s->secret;
      w.retired = false;  // removed and back before its queue ran dry: the same worker goes on
      w.queue.set_batching(batching_for(r.type));
      w.settings = std::move(s);
    }
    w.wake.notify_all();
    if (changed) log_.info("receiver_changed", "receiver " + r.name + " changed", {{"receiver", r.name}});
  }
  for (auto& [name, w] : workers_) {
    if (!names.contains(name)) retire_locked(*w);
  }
}

bool Delivery::stop(std::chrono::milliseconds grace) {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  for (auto& [name, w] : workers_) {
    {
      std::lock_guard wlock(w->mutex);
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

void Delivery::drop(const Notification& n) {
  log_.error("notification_dropped", "no receiver " + n.receiver + " for " + n.id + ": dropped",
             {{"receiver", n.receiver}, {"id", n.id}, {"alert", n.alert_id}});
  metrics_.notification(n.receiver, "dropped");
  if (const std::string err = outbox_.done(n.id, "no_receiver"); !err.empty()) log_.error("outbox", err);
}

void Delivery::submit(const std::vector<Notification>& ns) {
  // Each receiver's share is queued under one lock and then woken once: a worker woken by
  // the first of a group would otherwise send it alone, before its group is queued.
  std::lock_guard lock(mutex_);
  std::map<Worker*, std::vector<Notification>> by_worker;
  for (const Notification& n : ns) {
    const auto it = workers_.find(n.receiver);
    if (it == workers_.end()) {
      drop(n);
    } else {
      by_worker[it->second.get()].push_back(n);
    }
  }
  for (auto& [worker, mine] : by_worker) {
    {
      std::lock_guard wlock(worker->mutex);
      if (!worker->retired) {
        worker->queue.push(mine);
        metrics_.notification_queued(mine.size());
        mine.clear();
      }
    }
    for (const Notification& n : mine) drop(n);  // its receiver was removed
    worker->wake.notify_all();
  }
}

AttemptResult Delivery::send(const Settings& s, const std::vector<Notification>& batch) {
  if (s.receiver.urls.size() <= 1) return send_one(s.receiver, s.secret, batch);
  std::optional<AttemptResult> first_failure;
  bool delivered = false;
  for (const std::string& url : s.receiver.urls) {
    model::Receiver one = s.receiver;
    one.url = url;
    AttemptResult a = send_one(one, s.secret, batch);
    if (a.status >= 200 && a.status < 300 && !a.unsendable) {
      delivered = true;
    } else if (!first_failure) {
      a.error = url + ": " + a.error;
      first_failure = std::move(a);
    }
  }
  if (delivered || !first_failure) return {200, "", "", false};
  return *first_failure;
}

AttemptResult Delivery::send_one(const model::Receiver& receiver, const std::string& secret,
                                 const std::vector<Notification>& batch) {
  Encoded e = encode(receiver, secret, batch, clock_.now_system());
  if (!e.request) return {0, e.error, {}, true};
  ReceiverRequest& r = *e.request;
  if (r.sign) {
    r.headers.push_back(
        {"webhook-signature", standard_webhooks_signature(secret, r.sign->id, r.sign->timestamp, r.body)});
  }
  net::HttpRequest req;
  req.method = "POST";
  req.url = std::move(r.url);
  req.headers = std::move(r.headers);
  req.body = std::move(r.body);
  req.timeout = r.timeout;
  const net::HttpResponse res = net::http_request(req);
  AttemptResult a{res.status, res.error, res.retry_after, false};
  if (res.status != 0 && (res.status < 200 || res.status >= 300)) {
    a.error = "HTTP " + std::to_string(res.status) + (res.body.empty() ? "" : ": " + res.body.substr(0, 200));
  }
  return a;
}

// One worker per receiver: ask the queue for the next batch, send it without the lock,
// hand the answer back, carry out what it means; sleep until the next head is due.
void Delivery::run(Worker& w) {
  std::uniform_real_distribution<double> jitter(0, 1);
  std::unique_lock lock(w.mutex);
  while (!w.stopping) {
    const model::TimePoint now = clock_.now_system();
    std::optional<Batch> batch = w.queue.next(now);
    if (!batch) {
      if (w.retired && w.queue.empty()) break;
      const model::TimePoint due = w.queue.next_due();
      if (due == model::TimePoint::max()) {
        w.wake.wait(lock);
      } else {
        w.wake.wait_for(lock, due - now);
      }
      continue;
    }
    const std::shared_ptr<const Settings> settings = w.settings;
    const double draw = jitter(w.rng);
    ++sending_;
    lock.unlock();
    const AttemptResult result = send(*settings, batch->notifications);
    --sending_;
    lock.lock();
    const QueueOutcome out = w.queue.outcome(*batch, result, clock_.now_system(), draw);
    lock.unlock();
    report(settings->receiver.name, *batch, result, out);
    lock.lock();
  }
  w.exited = true;
}

void Delivery::report(const std::string& receiver, const Batch& batch, const AttemptResult& result,
                      const QueueOutcome& out) {
  for (std::size_t i = 0; i < out.removed; ++i) metrics_.notification_dequeued();
  if (out.kind != QueueOutcome::Kind::Retry) {
    record_final(receiver, batch, result, out.kind == QueueOutcome::Kind::Delivered);
    return;
  }
  for (std::size_t i = 0; i < batch.notifications.size(); ++i) metrics_.notification(receiver, "retried");
  if (!out.error_changed) return;  // log when the error changes, not on every attempt
  const Notification& head = batch.notifications.front();
  const std::size_t more = batch.notifications.size() - 1;
  log_.warn("notification_retry",
            "receiver " + receiver + ": " + result.error + "; retrying " + head.id +
                (more > 0 ? " and " + std::to_string(more) + " more of its group" : "") + " in " +
                model::format_duration(out.delay) + " (attempt " + std::to_string(out.attempt) + ")",
            {{"receiver", receiver}, {"id", head.id}, {"alert", head.alert_id}});
}

void Delivery::record_final(const std::string& receiver, const Batch& batch, const AttemptResult& result,
                            bool delivered) {
  std::vector<Event> events;
  for (const Notification& n : batch.notifications) {
    const std::string reason(to_string(n.reason));
    const std::string severity(to_string(n.severity));
    events.push_back({0, clock_.now_system(), "notification",
                      receiver + (delivered ? " was told: " : " refused for good: ") + n.alert_id + " " + reason +
                          " (" + severity + ")" + (delivered ? "" : ": " + result.error),
                      {{"receiver", receiver},
                       {"alert", n.alert_id},
                       {"reason", reason},
                       {"severity", severity},
                       {"outcome", delivered ? "delivered" : "failed"},
                       {"id", n.id}}});
    if (const std::string err = outbox_.done(n.id, delivered ? "delivered" : "failed"); !err.empty()) {
      log_.error("outbox", err);
    }
    metrics_.notification(receiver, delivered ? "delivered" : "failed");
    if (delivered) {
      log_.info("notified",
                "receiver " + receiver + ": " + reason + " " + n.alert_id + " (" + severity + ") delivered as " + n.id,
                {{"receiver", receiver}, {"id", n.id}, {"alert", n.alert_id}, {"reason", reason}});
    } else {
      log_.error("notification_failed", "receiver " + receiver + " refused " + n.id + " for good: " + result.error,
                 {{"receiver", receiver}, {"id", n.id}, {"alert", n.alert_id}});
    }
  }
  events_.record(std::move(events));
}

}  // namespace greenlight::daemon
