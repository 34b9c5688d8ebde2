// Two replicas, one page (SPEC 6.5): two engines running the same model, started at
// different times and named differently, see the same database outage (each probing on
// its own schedule) and must send receivers byte-identical identifying fields: alert ids,
// labels, dedup_keys, notification (webhook) ids, group keys and the incidents' keys. The
// replica's name is only in annotations.

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "alerting/content.h"
#include "alerting/encode.h"
#include "tests/engine/sim.h"
#include "tests/support/world.h"

using namespace greenlight;
using namespace greenlight::model;
using namespace std::chrono_literals;
using greenlight::test::read_source_file;
using greenlight::test::require_model;
using greenlight::test::Sim;
using nlohmann::json;

namespace {

constexpr const char* kReceivers = R"(
[alerting.receivers.alone]
type = "webhook"
url = "http://127.0.0.1:1/alone"
[alerting.receivers.pager]
type = "pagerduty"
routing_key_env = "PD_KEY"
url = "http://127.0.0.1:1/v2/enqueue"
[alerting.receivers.am]
type = "alertmanager"
urls = ["http://127.0.0.1:1", "http://127.0.0.1:2"]
[[alerting.routes]]
receiver = "oncall"
group_wait = "5s"
continue = true
[[alerting.routes]]
receiver = "alone"
group_by = ["..."]
continue = true
[[alerting.routes]]
receiver = "pager"
group_wait = "5s"
continue = true
[[alerting.routes]]
receiver = "am"
)";

std::shared_ptr<const Model> shop_replica(const std::string& name) {
  const std::string toml = read_source_file("examples/shop.toml");
  const std::string cluster = "[cluster]\nreplica = \"" + name + "\"\n";
  return require_model(HM_HERE, cluster + toml.substr(0, toml.find("[[alerting.routes]]")) + kReceivers,
                       "examples/shop.toml");
}

// One replica's run: it starts `offset` before the outage (so its probes run at other
// times and its alerts start at other times), the database fails for 2 minutes, recovers.
void outage(Sim& sim, Duration offset) {
  sim.run_for(offset);
  sim.fail("database/tcp", "connect timed out");
  sim.run_for(2min);
  sim.pass("database/tcp");
  sim.run_for(2min);
}

// What a receiver deduplicates on, per notification: everything but times and annotations.
struct Identity {
  std::string receiver, reason, alert_id, wire_id, dedup_key, group_key, incident_key;
  json labels, incident_labels;
  auto operator<=>(const Identity&) const = default;
};

std::multiset<Identity> identities(const Sim& sim) {
  std::multiset<Identity> out;
  for (const alerting::Notification& n : sim.notifications) {
    if (n.id.find("-r") != std::string::npos) continue;  // reminders come when each replica's clock says
    out.insert({n.receiver, std::string(to_string(n.reason)), n.alert_id, alerting::wire_id(n),
                n.record.at("dedup_key"), n.group_key,
                n.incident.is_null() ? "" : n.incident.at("dedup_key").get<std::string>(), n.record.at("labels"),
                n.incident.is_null() ? json() : n.incident.at("labels")});
  }
  return out;
}

// The first request body each receiver got from `sim`, as the delivery encodes it.
std::map<std::string, json> first_bodies(Sim& sim) {
  std::map<std::string, json> out;
  for (std::size_t i = 0; i < sim.notifications.size(); ++i) {
    const alerting::Notification& n = sim.notifications[i];
    if (out.count(n.receiver)) continue;
    for (const Receiver& r : sim.engine().model().alerting.receivers) {
      if (r.name != n.receiver) continue;
      const alerting::Encoded e = alerting::encode(r, "KEY", {n}, sim.sent_at[i]);
      REQUIRE(e.request);
      out[n.receiver] = json::parse(e.request->body);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("two replicas started at different times send byte-identical identities, the name only as an annotation",
          "[engine][replicas]") {
  Sim a(shop_replica("a"));
  Sim b(shop_replica("b"));
  outage(a, 3s);
  outage(b, 11s + 350ms);  // another phase of every probe schedule

  REQUIRE_FALSE(a.notifications.empty());
  const auto ia = identities(a), ib = identities(b);
  CHECK(ia == ib);
  // Sanity: the times differ, so equal identities are not an accident of equal clocks.
  CHECK(a.notifications.front().starts_at != b.notifications.front().starts_at);
  CHECK(a.notifications.front().id != b.notifications.front().id);  // the journal keys are per replica
  std::set<std::string> receivers;
  for (const Identity& i : ia) receivers.insert(i.receiver);
  CHECK(receivers == std::set<std::string>{"alone", "am", "oncall", "pager"});

  // An alert's dedup_key names the alert and nothing else.
  for (const auto& n : a.notifications) CHECK(n.record.at("dedup_key") == "greenlight/" + n.alert_id);

  // The receivers' bodies: the same keys, the replica only in annotations.
  const auto ba = first_bodies(a), bb = first_bodies(b);
  CHECK(ba.at("alone").at("id") == bb.at("alone").at("id"));
  CHECK(ba.at("alone").at("alert").at("dedup_key") == bb.at("alone").at("alert").at("dedup_key"));
  CHECK(ba.at("alone").at("alert").at("labels") == bb.at("alone").at("alert").at("labels"));
  CHECK(ba.at("alone").at("alert").at("annotations") == json{{"replica", "a"}});
  CHECK(bb.at("alone").at("alert").at("annotations") == json{{"replica", "b"}});
  CHECK(ba.at("oncall").at("id") == bb.at("oncall").at("id"));
  CHECK(ba.at("oncall").at("group_key") == bb.at("oncall").at("group_key"));
  CHECK(ba.at("oncall").at("incident").at("dedup_key") == bb.at("oncall").at("incident").at("dedup_key"));
  CHECK(ba.at("oncall").at("incident").at("annotations") == json{{"replica", "a"}});
  CHECK(ba.at("pager").at("dedup_key") == bb.at("pager").at("dedup_key"));
  CHECK(ba.at("pager").at("payload").at("custom_details").at("annotations") == json{{"replica", "a"}});
  for (std::size_t i = 0; i < ba.at("am").size(); ++i) {
    CHECK(ba.at("am")[i].at("labels") == bb.at("am")[i].at("labels"));
    CHECK_FALSE(ba.at("am")[i].at("labels").contains("replica"));
    CHECK(ba.at("am")[i].at("annotations").at("replica") == "a");
    CHECK(bb.at("am")[i].at("annotations").at("replica") == "b");
  }
}

TEST_CASE("the next incident of an alert reuses its dedup_key and wire id, with its own journal key",
          "[engine][replicas]") {
  Sim sim(shop_replica("a"));
  outage(sim, 1s);
  outage(sim, 1s);
  std::map<std::string, std::set<std::string>> keys, journal;  // firing of flow/checkout to "alone"
  for (const auto& n : sim.notifications) {
    if (n.receiver != "alone" || n.alert_id != "flow/checkout" || n.reason != alerting::NotifyReason::Firing) continue;
    keys["dedup_key"].insert(n.record.at("dedup_key"));
    keys["wire"].insert(alerting::wire_id(n));
    journal["id"].insert(n.id);
  }
  CHECK(keys["dedup_key"] == std::set<std::string>{"greenlight/flow/checkout"});
  CHECK(keys["wire"].size() == 1);
  CHECK(journal["id"].size() == 2);  // two incidents: two journal entries, none taken for done
}

TEST_CASE("a firing Alertmanager alert ends four re-sends after it is sent, a resolved one when it resolved",
          "[alerting][encode][replicas]") {
  Sim sim(shop_replica("a"));
  outage(sim, 1s);
  const Receiver* am = nullptr;
  for (const Receiver& r : sim.engine().model().alerting.receivers) {
    if (r.name == "am") am = &r;
  }
  REQUIRE(am != nullptr);
  CHECK(am->urls == std::vector<std::string>{"http://127.0.0.1:1", "http://127.0.0.1:2"});
  CHECK(am->url == "http://127.0.0.1:1");
  for (std::size_t i = 0; i < sim.notifications.size(); ++i) {
    const auto& n = sim.notifications[i];
    if (n.receiver != "am") continue;
    const json body = json::parse(alerting::encode(*am, "", {n}, sim.sent_at[i]).request->body);
    const std::string ends = body[0].at("endsAt");
    if (n.reason == alerting::NotifyReason::Resolved) {
      CHECK(ends == n.record.at("ends_at"));
    } else {
      CHECK(ends == format_rfc3339(sim.sent_at[i] + 4 * alerting::kAlertmanagerResend));
    }
  }
}
