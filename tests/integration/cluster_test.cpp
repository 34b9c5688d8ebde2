// Two replicas, one page (SPEC 6.5), with the real binary on loopback: facts (silences,
// heartbeats) forwarded between replicas, also to one that was down; the same dedup_key
// to PagerDuty from both; idempotent, same-name and garbage cases; two shards that cover
// the model once; and two replicas behind two real clustered Alertmanagers giving exactly
// one firing and one resolved notification.

#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "tests/support/daemon_process.h"
#include "tests/support/http_fixture.h"
#include "tests/support/replica.h"

using namespace std::chrono_literals;
using greenlight::test::AlertmanagerPair;
using greenlight::test::DaemonProcess;
using greenlight::test::HttpFixture;
using greenlight::test::Recorder;
using greenlight::test::Replica;
using greenlight::test::Service;
using nlohmann::json;

namespace {

bool wait_until(const std::function<bool()>& pred, std::chrono::milliseconds deadline) {
  return DaemonProcess::wait_until(pred, deadline);
}

std::string db_model(const Service& db) {
  return R"(
[components.db]
  [[components.db.signals]]
  id = "health"
  probe = "http"
  url = ")" + db.url() + R"("
  timeout = "1s"
[flows.checkout]
steps = ["db"]
)";
}

json peer_of(Replica& r) {
  const json c = r.get_json("/api/v1/cluster");
  return c.is_object() && !c["peers"].empty() ? c["peers"][0] : json(nullptr);
}

bool has_silence(Replica& r, const std::string& id) {
  const json s = r.get_json("/api/v1/silences");
  if (!s.is_object()) return false;
  for (const auto& x : s["silences"]) {
    if (x["id"] == id) return true;
  }
  return false;
}

json signal_of(Replica& r, const std::string& component) {
  const json c = r.get_json("/api/v1/components/" + component);
  return c.is_object() && !c["signals"].empty() ? c["signals"][0] : json(nullptr);
}

std::size_t log_count(const Replica& r, const std::string& event) {
  std::size_t n = 0;
  for (const auto& f : std::filesystem::directory_iterator(r.dir())) {
    if (f.path().filename().string().rfind("daemon-", 0) != 0) continue;
    std::ifstream in(f.path());
    for (std::string line; std::getline(in, line);) {
      if (line.find("\"" + event + "\"") != std::string::npos) ++n;
    }
  }
  return n;
}

}  // namespace

TEST_CASE("a silence made on A silences on B, a heartbeat to A keeps B green, and B gets what it missed",
          "[integration][cluster]") {
  Service db;
  const std::string model = db_model(db) + R"(
[components.backup]
  [[components.backup.signals]]
  id = "nightly"
  probe = "heartbeat"
  red_after = "4s"
[flows.backups]
steps = ["backup"]
)";
  Replica a("a"), b("b");
  a.configure({b.url()}, model);
  b.configure({a.url()}, model);
  a.start();
  b.start();
  REQUIRE(a.wait_ready());
  REQUIRE(b.wait_ready());
  // Heartbeats sent to A only keep B green past red_after (4 s): B started about as A did.
  auto last_ping = std::chrono::steady_clock::time_point{};
  bool b_red = false;
  wait_until(
      [&] {
        if (std::chrono::steady_clock::now() - last_ping > 500ms) {
          CHECK(a.post("/api/v1/heartbeats/backup/nightly", "").first == 202);
          last_ping = std::chrono::steady_clock::now();
        }
        b_red = b_red || b.component_state("backup") == "red";
        return false;
      },
      5s);
  CHECK_FALSE(b_red);
  CHECK(b.component_state("backup") == "green");
  CHECK_FALSE(signal_of(b, "backup")["last_ping"].is_null());

  REQUIRE(wait_until([&] { return peer_of(a)["state"] == "up" && peer_of(a)["replica"] == "b"; }, 10s));

  // A silence on A is on B within 5 s, with the same id, and silences B's alert.
  const auto made = std::chrono::steady_clock::now();
  const auto [status, silence] =
      a.post("/api/v1/silences", R"({"match": {"flow": "checkout"}, "duration": "1h", "author": "ops"})");
  REQUIRE(status == 201);
  CHECK(silence["id"] == "a-s1");
  REQUIRE(wait_until([&] { return has_silence(b, "a-s1"); }, 5s));
  CHECK(std::chrono::steady_clock::now() - made < 5s);
  db.status = 500;
  REQUIRE(wait_until(
      [&] {
        const json alerts = b.get_json("/api/v1/alerts");
        for (const auto& x : alerts.is_object() ? alerts["alerts"] : json::array()) {
          if (x["id"] == "flow/checkout" && x["silenced"] == true) return true;
        }
        return false;
      },
      10s));

  // B goes down; what A takes meanwhile waits in A's outbox and reaches B when it is back.
  const std::size_t downs = log_count(a, "cluster_peer_down"), ups = log_count(a, "cluster_peer_up");
  b.stop(SIGTERM);
  REQUIRE(a.post("/api/v1/silences", R"({"match": {"flow": "backups"}, "duration": "1h", "author": "ops"})").first ==
          201);
  REQUIRE(a.post("/api/v1/heartbeats/backup/nightly/fail", "disk full").first == 202);
  REQUIRE(wait_until([&] { return peer_of(a)["state"] == "down" && peer_of(a)["pending"] == 2; }, 10s));
  b.start();
  REQUIRE(b.wait_ready());
  REQUIRE(wait_until([&] { return has_silence(b, "a-s2") && b.component_state("backup") == "red"; }, 10s));
  CHECK(signal_of(b, "backup")["last_result"]["message"].get<std::string>().find("disk full") != std::string::npos);
  REQUIRE(wait_until([&] { return peer_of(a)["state"] == "up" && peer_of(a)["pending"] == 0; }, 10s));
  CHECK(log_count(a, "cluster_peer_down") == downs + 1);  // once per change, not per retry
  CHECK(log_count(a, "cluster_peer_up") == ups + 1);
}

TEST_CASE("two replicas page PagerDuty and a webhook with one dedup_key per incident", "[integration][cluster]") {
  Service db;
  Recorder pagerduty("/v2/enqueue", 202);
  Recorder hook("/hook", 204);
  const std::string model = db_model(db) + R"(
[alerting.receivers.pager]
type = "pagerduty"
url = ")" + pagerduty.url() + R"("
routing_key_file = "{DIR}/token"
[alerting.receivers.hook]
type = "webhook"
url = ")" + hook.url() + R"("
[[alerting.routes]]
receiver = "pager"
continue = true
[[alerting.routes]]
receiver = "hook"
group_by = ["..."]
)";
  Replica a("a"), b("b");
  a.configure({b.url()}, model);
  b.configure({a.url()}, model);
  a.start();
  b.start();
  REQUIRE(a.wait_ready());
  REQUIRE(b.wait_ready());
  db.status = 500;
  auto count = [](const Recorder& r, const std::string& field, const std::string& value) {
    std::size_t n = 0;
    for (const json& j : r.got()) n += j.value(field, "") == value;
    return n;
  };
  REQUIRE(wait_until([&] { return count(pagerduty, "event_action", "trigger") >= 2 && count(hook, "status", "firing") >= 2; },
                     15s));
  db.status = 200;
  REQUIRE(wait_until([&] { return count(pagerduty, "event_action", "resolve") >= 2 && count(hook, "status", "resolved") >= 2; },
                     15s));
  std::set<std::string> pd_keys, hook_keys, hook_ids, replicas;
  for (const json& j : pagerduty.got()) pd_keys.insert(j["dedup_key"].get<std::string>());
  for (const json& j : hook.got()) {
    hook_keys.insert(j["alert"]["dedup_key"].get<std::string>());
    hook_ids.insert(j["id"].get<std::string>() + " " + j["status"].get<std::string>());
    replicas.insert(j["alert"]["annotations"]["replica"].get<std::string>());
  }
  CHECK(pd_keys.size() == 1);  // PagerDuty merges both replicas' events into one incident
  CHECK(hook_keys == std::set<std::string>{"greenlight/flow/checkout"});
  CHECK(hook_ids.size() == 2);  // one id for the firing, one for the resolve, from both
  CHECK(replicas == std::set<std::string>{"a", "b"});
}

TEST_CASE("a forwarded fact is applied once, and a same-named peer and a garbage peer are refused and logged once",
          "[integration][cluster]") {
  HttpFixture garbage;
  std::atomic<int> asked{0};
  garbage.server.Get("/api/v1/cluster", [&](const httplib::Request&, httplib::Response& res) {
    ++asked;
    res.set_content("<html>not greenlight</html>", "text/html");
  });
  Replica b("b");
  const std::string garbage_url = garbage.url("");
  b.configure({garbage_url}, "[components.db]\n[flows.checkout]\nsteps = [\"db\"]\n");
  b.start();
  REQUIRE(b.wait_ready());

  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  json fact{{"origin", "a"}, {"epoch", 1}, {"seq", 1}, {"kind", "silence"},
            {"data", {{"id", "a-s9"}, {"match", {{"flow", "checkout"}}}, {"starts_at", now_ms},
                      {"ends_at", now_ms + 3'600'000}, {"author", "ops"}, {"comment", ""}}}};
  auto first = b.post("/api/v1/cluster/facts", fact.dump());
  CHECK(first.first == 200);
  CHECK(first.second["result"] == "applied");
  CHECK(first.second["replica"] == "b");
  auto again = b.post("/api/v1/cluster/facts", fact.dump());
  CHECK(again.second["result"] == "duplicate");
  std::size_t copies = 0;
  const json silences = b.get_json("/api/v1/silences");
  for (const auto& s : silences["silences"]) copies += s["id"] == "a-s9";
  CHECK(copies == 1);

  // Its expiry, and a heartbeat for a signal this replica does not have (another shard's,
  // say): applied, and ignored without an error (a retry would not help).
  const json expired{{"origin", "a"}, {"epoch", 1}, {"seq", 2}, {"kind", "silence_expired"},
                     {"data", {{"id", "a-s9"}, {"at", now_ms}}}};
  CHECK(b.post("/api/v1/cluster/facts", expired.dump()).second["result"] == "applied");
  const json listed = b.get_json("/api/v1/silences");
  CHECK(listed["silences"].back()["status"] == "expired");
  const json ping{{"origin", "a"}, {"epoch", 1}, {"seq", 3}, {"kind", "heartbeat"},
                  {"data", {{"component", "backup"}, {"signal", "nightly"}, {"kind", "success"}, {"at", now_ms}}}};
  const auto ignored = b.post("/api/v1/cluster/facts", ping.dump());
  CHECK(ignored.first == 200);
  CHECK(ignored.second["result"].get<std::string>().rfind("ignored", 0) == 0);

  fact["origin"] = "b";  // a second replica named like this one
  CHECK(b.post("/api/v1/cluster/facts", fact.dump()).first == 409);
  CHECK(b.post("/api/v1/cluster/facts", "{\"origin\": 1}").first == 400);
  CHECK(b.post("/api/v1/cluster/facts", "not json").first == 400);
  httplib::Client anonymous("127.0.0.1", b.port());
  CHECK(anonymous.Post("/api/v1/cluster/facts", fact.dump(), "application/json")->status == 401);

  // The garbage peer: retried with backoff, logged once, counted once.
  REQUIRE(wait_until([&] { return asked >= 3; }, 10s));
  CHECK(peer_of(b)["state"] == "garbage");
  CHECK(log_count(b, "cluster_peer_garbage") == 1);
  httplib::Client c("127.0.0.1", b.port());
  const std::string metrics = c.Get("/metrics")->body;
  CHECK(metrics.find("greenlight_cluster_peer_errors_total{peer=\"" + garbage_url + "\",state=\"garbage\"} 1") !=
        std::string::npos);
  CHECK(metrics.find("greenlight_cluster_peer_up{") != std::string::npos);
}

TEST_CASE("two shards cover every flow exactly once and their statuses together are the unsharded one",
          "[integration][cluster][shards]") {
  Service ok, broken, slow;
  broken.status = 500;
  // Flows by FNV-1a 64 mod 2 (model/cluster.h): login, orders, reports on shard 0; checkout,
  // search, cart, invoices, signup on shard 1.
  const std::string model = R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "200ms"
[components.web]
  [[components.web.signals]]
  id = "health"
  probe = "http"
  url = ")" + ok.url() + R"("
[components.db]
  [[components.db.signals]]
  id = "health"
  probe = "http"
  url = ")" + broken.url() + R"("
[components.auth]
depends_on = ["db"]
  [[components.auth.signals]]
  id = "health"
  probe = "http"
  url = ")" + ok.url() + R"("
[components.search-index]
  [[components.search-index.signals]]
  id = "health"
  probe = "http"
  url = ")" + slow.url() + R"("
[flows.login]
steps = ["web", "auth"]
[flows.orders]
steps = ["web", "db"]
[flows.reports]
steps = [{ component = "search-index", impact = "degrading" }]
[flows.checkout]
steps = ["web", "db"]
[flows.search]
steps = ["web", "search-index"]
[flows.cart]
steps = ["web"]
[flows.invoices]
steps = ["db"]
[flows.signup]
steps = ["web", "auth"]
)";
  DaemonProcess whole(model);
  DaemonProcess s0("[cluster]\nshards = 2\nshard = 0\n" + model);
  DaemonProcess s1("[cluster]\nshards = 2\nshard = 1\n" + model);
  for (DaemonProcess* d : {&whole, &s0, &s1}) REQUIRE(d->wait_ready());
  using States = std::map<std::string, std::string>;
  auto states = [](DaemonProcess& d, const char* what) {
    States out;
    const json status = d.get_json("/api/v1/status");
    for (const auto& x : status[what]) out[x["id"]] = x["state"];
    return out;
  };
  States flows0, flows1, comps0, comps1;
  // Once every daemon has judged everything: the shards' flows are disjoint and together
  // the whole model's, with the same states; the components too (shared ones agree).
  const bool same = wait_until(
      [&] {
        flows0 = states(s0, "flows");
        flows1 = states(s1, "flows");
        comps0 = states(s0, "components");
        comps1 = states(s1, "components");
        States flows = flows0, comps = comps0;
        flows.insert(flows1.begin(), flows1.end());
        comps.insert(comps1.begin(), comps1.end());
        return flows == states(whole, "flows") && comps == states(whole, "components") &&
               flows.at("orders") == "red" && comps.at("auth") == "red";
      },
      10s);
  CHECK(same);
  for (const auto& [id, state] : flows0) CHECK(flows1.count(id) == 0);
  CHECK(flows0.size() == 3);
  CHECK(flows1.size() == 5);
  for (const auto& [id, state] : comps0) {
    if (comps1.count(id)) CHECK(comps1.at(id) == state);
  }
  CHECK(comps0.count("search-index") == 1);  // reports needs it (degrading) on shard 0
  CHECK(comps1.count("auth") == 1);
  // Each shard says which one it is.
  const json st = s1.get_json("/api/v1/status");
  CHECK(st["cluster"]["shard"] == 1);
  CHECK(st["cluster"]["shards"] == 2);
  CHECK(whole.get_json("/api/v1/status")["cluster"]["shards"] == 1);
}

// The SPEC 6.5 scenario with the field's own deduplication: two replicas post every alert
// to both Alertmanagers of a cluster; the Alertmanagers' notification log makes it one
// notification. bench/two_replicas.sh runs this 20 times.
TEST_CASE("two replicas and two clustered Alertmanagers give exactly one firing and one resolved notification",
          "[integration][cluster][alertmanager-cluster]") {
  REQUIRE(std::filesystem::exists("/usr/bin/prometheus-alertmanager"));
  Service db;
  Recorder sink("/am", 200);
  Replica a("a"), b("b");
  AlertmanagerPair ams(a.dir() + "/alertmanagers", sink.url());
  const std::string model = db_model(db) + R"(
[alerting.receivers.am]
type = "alertmanager"
urls = [")" + ams.url(0) + R"(", ")" + ams.url(1) + R"("]
[[alerting.routes]]
receiver = "am"
)";
  a.configure({b.url()}, model);
  b.configure({a.url()}, model);
  a.start();
  b.start();
  REQUIRE(ams.wait_ready());
  REQUIRE(a.wait_ready());
  REQUIRE(b.wait_ready());
  auto count = [&](const std::string& status) {
    std::size_t n = 0;
    for (const json& j : sink.got()) n += j.value("status", "") == status;
    return n;
  };
  // No duplicate comes later: the second Alertmanager would send a peer timeout (0.5 s)
  // after the first, had it not heard of the first's notification, or a stale firing at
  // its next tick (2 s).
  auto received = [&] {
    std::string out;
    for (const json& j : sink.got()) {
      out += j.value("status", "?") + " " + j["alerts"].dump() + "\n";
    }
    return out;
  };
  auto no_duplicate = [&](std::size_t firing, std::size_t resolved) {
    return !wait_until([&] { return count("firing") > firing || count("resolved") > resolved; }, 3s);
  };

  // An outage, and replica A killed in the middle of it: one firing, one resolved.
  db.status = 500;
  REQUIRE(wait_until([&] { return count("firing") == 1; }, 20s));
  a.stop(SIGKILL);
  db.status = 200;
  REQUIRE(wait_until([&] { return count("resolved") == 1; }, 20s));
  if (!no_duplicate(1, 1)) FAIL_CHECK("a duplicate notification:\n" << received());

  // One Alertmanager killed, A back: the next outage is still one firing, one resolved.
  ams.kill(0);
  a.start();
  REQUIRE(a.wait_ready());
  db.status = 500;
  REQUIRE(wait_until([&] { return count("firing") == 2; }, 20s));
  db.status = 200;
  REQUIRE(wait_until([&] { return count("resolved") == 2; }, 20s));
  INFO(received());
  if (!no_duplicate(2, 2)) FAIL_CHECK("a duplicate notification:\n" << received());
  for (const json& j : sink.got()) {
    REQUIRE(j["alerts"].size() == 1);
    CHECK_FALSE(j["alerts"][0]["labels"].contains("replica"));
    CHECK(j["alerts"][0]["labels"]["flow"] == "checkout");
  }
}
