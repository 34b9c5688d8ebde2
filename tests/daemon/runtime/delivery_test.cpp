#include <catch2/catch.hpp>

#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "daemon/runtime/delivery.h"
#include "tests/support/http_fixture.h"
#include "tests/support/scratch_dir.h"

using greenlight::daemon::standard_webhooks_signature;

TEST_CASE("webhook signatures follow the Standard Webhooks test vector", "[daemon][delivery][signature]") {
  // The example of the Standard Webhooks specification (whsec_ secrets are base64 keys).
  CHECK(standard_webhooks_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                                    1614265330, R"({"test": 2432232314})") ==
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  // A secret without the prefix is used as bytes: python3 hmac.new(b"plain", b"id.1.{}", sha256).
  CHECK(standard_webhooks_signature("plain", "id", 1, "{}") == "v1,yTTW8Qg6igsIG1niV/XYLLnQdSip56u7rxeVX1lHYSk=");
}

// Delivery against real cpp-httplib receivers on 127.0.0.1: reconfigure() on a reload.

namespace {

using namespace std::chrono_literals;
using greenlight::alerting::Notification;
using greenlight::daemon::Delivery;
using greenlight::daemon::EventLog;
using greenlight::daemon::Log;
using greenlight::daemon::LogFormat;
using greenlight::daemon::Metrics;
using greenlight::daemon::Outbox;
namespace model = greenlight::model;

// A webhook endpoint that records what it got: path, webhook-id, signature, body.
struct Hook {
  struct Got {
    std::string path, id, timestamp, signature, body;
  };
  greenlight::test::HttpFixture http;
  mutable std::mutex mutex;
  std::vector<Got> got;  // guarded by mutex
  Hook() {
    http.server.Post(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex);
      got.push_back({req.path, req.get_header_value("webhook-id"), req.get_header_value("webhook-timestamp"),
                     req.get_header_value("webhook-signature"), req.body});
      res.status = 204;
    });
  }
  std::vector<Got> received() const {
    std::lock_guard lock(mutex);
    return got;
  }
  // The notification ids received at `path` (a webhook's single payloads).
  std::vector<std::string> ids(const std::string& path) const {
    std::vector<std::string> out;
    for (const Got& g : received()) {
      if (g.path == path) out.push_back(g.id);
    }
    return out;
  }
};

model::Receiver webhook(const std::string& name, const std::string& url, const std::string& secret_env = "") {
  model::Receiver r;
  r.name = name;
  r.type = model::ReceiverType::Webhook;
  r.url = url;
  r.secret.env = secret_env;
  r.timeout = 5s;
  return r;
}

model::Model with_receivers(std::vector<model::Receiver> rs) {
  model::Model m;
  m.alerting.receivers = std::move(rs);
  return m;
}

// A daemon's delivery with its journal, on the real clock.
struct Rig {
  greenlight::test::ScratchDir dir{"delivery-test"};
  model::RealClock clock;
  Log log{LogFormat::Text, "warn"};
  Metrics metrics;
  std::unique_ptr<Outbox> outbox = std::make_unique<Outbox>(dir.path);
  EventLog events{""};
  std::unique_ptr<Delivery> delivery;
  explicit Rig(const model::Model& m) {
    delivery = std::make_unique<Delivery>(m, *outbox, log, metrics, events, clock);
  }

  // Journals, then submits, as the core does.
  void submit(const std::vector<Notification>& ns) {
    REQUIRE(outbox->append(ns).empty());
    delivery->submit(ns);
  }
  std::string metrics_text() const { return metrics.render(nullptr); }
  // After stop(): what the journal still holds to deliver.
  std::vector<Notification> pending() {
    REQUIRE(delivery->stop());
    delivery.reset();
    outbox = std::make_unique<Outbox>(dir.path);
    return outbox->replay().pending;
  }
};

Notification note(const std::string& id, const std::string& receiver, model::Duration delay = 0ms) {
  Notification n;
  n.id = id;
  n.receiver = receiver;
  n.alert_id = "component/" + id;
  n.record = {{"id", n.alert_id}, {"dedup_key", "greenlight/" + n.alert_id + "/1"}, {"severity", "critical"}};
  n.created_at = model::RealClock().now_system();
  n.not_before = n.created_at + delay;
  return n;
}

bool eventually(const std::function<bool()>& ok, std::chrono::milliseconds within = 5s) {
  const auto until = std::chrono::steady_clock::now() + within;
  while (!ok()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);  // a poll with a deadline, not a wait for a guess
  }
  return true;
}

bool has_line(const std::string& text, const std::string& line) { return text.find(line) != std::string::npos; }

// greenlight_notifications_total{receiver, outcome} is `n`.
bool counted(const Rig& rig, const std::string& receiver, const std::string& outcome, int n) {
  return has_line(rig.metrics_text(), "greenlight_notifications_total{outcome=\"" + outcome + "\",receiver=\"" +
                                          receiver + "\"} " + std::to_string(n) + "\n");
}

}  // namespace

TEST_CASE("reconfigure adds a receiver, which then gets pages, before that they are dropped and counted",
          "[daemon][delivery][reload]") {
  Hook hook;
  Rig rig(with_receivers({webhook("a", hook.http.url("/a"))}));
  rig.submit({note("early", "b")});  // no receiver b yet
  CHECK(counted(rig, "b", "dropped", 1));

  rig.delivery->reconfigure(with_receivers({webhook("a", hook.http.url("/a")), webhook("b", hook.http.url("/b"))}));
  CHECK(counted(rig, "b", "delivered", 0));
  rig.submit({note("n1", "b"), note("n2", "a")});
  REQUIRE(eventually([&] { return hook.received().size() == 2; }));
  CHECK(hook.ids("/b") == std::vector<std::string>{"n1"});
  CHECK(hook.ids("/a") == std::vector<std::string>{"n2"});
  REQUIRE(eventually([&] { return counted(rig, "b", "delivered", 1); }));
  CHECK(rig.pending().empty());  // delivered and dropped alike are done in the journal
}

TEST_CASE("a changed receiver sends new notifications with its new URL and re-read secret",
          "[daemon][delivery][reload]") {
  Hook hook;
  ::setenv("GREENLIGHT_TEST_DELIVERY_SECRET", "first", 1);
  Rig rig(with_receivers({webhook("a", hook.http.url("/old"), "GREENLIGHT_TEST_DELIVERY_SECRET")}));
  rig.submit({note("n1", "a")});
  REQUIRE(eventually([&] { return hook.ids("/old").size() == 1; }));

  ::setenv("GREENLIGHT_TEST_DELIVERY_SECRET", "second", 1);
  rig.delivery->reconfigure(with_receivers({webhook("a", hook.http.url("/new"), "GREENLIGHT_TEST_DELIVERY_SECRET")}));
  rig.submit({note("n2", "a")});
  REQUIRE(eventually([&] { return hook.ids("/new").size() == 1; }));
  CHECK(hook.ids("/old") == std::vector<std::string>{"n1"});
  CHECK(hook.ids("/new") == std::vector<std::string>{"n2"});
  const auto got = hook.received();
  REQUIRE(got.size() == 2);
  for (const auto& [g, secret] : {std::pair{got[0], "first"}, std::pair{got[1], "second"}}) {
    INFO(g.path);
    CHECK(g.signature == standard_webhooks_signature(secret, g.id, std::stoll(g.timestamp), g.body));
  }
  ::unsetenv("GREENLIGHT_TEST_DELIVERY_SECRET");
}

TEST_CASE("a removed receiver delivers what it had queued, with its settings, later ones are dropped",
          "[daemon][delivery][reload]") {
  Hook hook;
  Rig rig(with_receivers({webhook("a", hook.http.url("/a")), webhook("b", hook.http.url("/b"))}));
  // Queued for a, waiting out its group_wait when the reload removes a.
  rig.submit({note("queued", "a", 300ms)});
  rig.delivery->reconfigure(with_receivers({webhook("b", hook.http.url("/b"))}));
  rig.submit({note("late", "a"), note("other", "b")});
  CHECK(counted(rig, "a", "dropped", 1));
  REQUIRE(eventually([&] { return hook.ids("/a").size() == 1 && hook.ids("/b").size() == 1; }));
  CHECK(hook.ids("/a") == std::vector<std::string>{"queued"});
  CHECK(hook.ids("/b") == std::vector<std::string>{"other"});
  // Counted after the receiver's answer: poll.
  CHECK(eventually([&] { return counted(rig, "a", "delivered", 1); }));

  // Its worker has exited; the receiver comes back with a new URL and works again.
  rig.delivery->reconfigure(with_receivers({webhook("a", hook.http.url("/a2")), webhook("b", hook.http.url("/b"))}));
  rig.submit({note("back", "a")});
  REQUIRE(eventually([&] { return hook.ids("/a2").size() == 1; }));
  CHECK(rig.pending().empty());
}

TEST_CASE("a receiver removed and re-added before its queue ran dry keeps its order", "[daemon][delivery][reload]") {
  Hook hook;
  Rig rig(with_receivers({webhook("a", hook.http.url("/a"))}));
  rig.submit({note("first", "a", 200ms)});
  rig.delivery->reconfigure(with_receivers({}));
  rig.delivery->reconfigure(with_receivers({webhook("a", hook.http.url("/a"))}));
  Notification resolve = note("first", "a");
  resolve.id = "resolve";  // the same alert: it must not overtake the firing
  rig.submit({resolve});
  REQUIRE(eventually([&] { return hook.ids("/a").size() == 2; }));
  CHECK(hook.ids("/a") == std::vector<std::string>{"first", "resolve"});
}
