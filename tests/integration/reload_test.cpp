// A reload applies everything that can change without a restart (SPEC 5a): receivers
// added, changed and removed, routes, and refuses what cannot change (listen, state_dir).
// The real binary, real receivers on 127.0.0.1, reloads through POST /-/reload.

#include <signal.h>

#include <catch2/catch.hpp>

#include "tests/support/daemon_process.h"
#include "tests/support/http_fixture.h"

using namespace std::chrono_literals;
using greenlight::test::DaemonProcess;
using greenlight::test::Recorder;
using greenlight::test::Service;
using nlohmann::json;

namespace {

// db pages (alert = true) to the receivers `receivers` defines, through `routes`.
std::string model_with(const Service& db, const std::string& receivers, const std::string& routes,
                       const std::string& listen = "127.0.0.1:{PORT}") {
  return R"(
[daemon]
listen = ")" + listen + R"("
state_dir = "{DIR}/state"
interval = "200ms"

[components.db]
alert = true
criticality = "high"
  [[components.db.signals]]
  id = "health"
  probe = "http"
  url = ")" + db.url() + R"("
)" + receivers + routes;
}

std::string webhook(const std::string& name, const Recorder& r) {
  return "[alerting.receivers." + name + "]\ntype = \"webhook\"\nurl = \"" + r.url() + "\"\n";
}

std::string route(const std::string& receiver) { return "[[alerting.routes]]\nreceiver = \"" + receiver + "\"\n"; }

std::size_t count(const Recorder& r, const std::string& status) {
  std::size_t n = 0;
  for (const json& j : r.got()) {
    if (j.is_object() && j.value("status", "") == status) ++n;
  }
  return n;
}

bool reload(DaemonProcess& d) {
  auto r = d.post("/-/reload");
  return r && r->status == 200;
}

// One outage of db: red until `first` saw the firing, then green.
void outage(Service& db, const Recorder& first) {
  db.status = 503;
  REQUIRE(DaemonProcess::wait_until([&] { return count(first, "firing") >= 1; }, 15s));
  db.status = 200;
}

}  // namespace

TEST_CASE("a reload adds a receiver, changes a receiver's URL and re-routes, the resolve follows the firing",
          "[integration][reload]") {
  Service db;
  Recorder a("/a"), b("/b"), a2("/a2");
  DaemonProcess d(model_with(db, webhook("oncall", a), route("oncall")));
  REQUIRE(d.wait_ready());

  SECTION("receiver added with a route to it: the next outage reaches it") {
    d.rewrite_config(model_with(db, webhook("oncall", a) + webhook("backup", b), route("oncall") + "continue = true\n" + route("backup")));
    REQUIRE(reload(d));
    outage(db, b);
    CHECK(DaemonProcess::wait_until([&] { return count(a, "resolved") == 1 && count(b, "resolved") == 1; }, 15s));
    CHECK(count(a, "firing") == 1);
  }
  SECTION("receiver URL changed: new notifications go to the new URL") {
    d.rewrite_config(model_with(db, webhook("oncall", a2), route("oncall")));
    REQUIRE(reload(d));
    outage(db, a2);
    CHECK(DaemonProcess::wait_until([&] { return count(a2, "resolved") == 1; }, 15s));
    CHECK(a.got().empty());
  }
  SECTION("route changed mid-incident: the resolve goes to whoever was told of the firing") {
    d.rewrite_config(model_with(db, webhook("oncall", a) + webhook("backup", b), route("oncall")));
    REQUIRE(reload(d));
    db.status = 503;
    REQUIRE(DaemonProcess::wait_until([&] { return count(a, "firing") == 1; }, 15s));
    d.rewrite_config(model_with(db, webhook("oncall", a) + webhook("backup", b), route("backup")));
    REQUIRE(reload(d));
    db.status = 200;
    CHECK(DaemonProcess::wait_until([&] { return count(a, "resolved") == 1; }, 15s));
    CHECK(b.got().empty());  // b was never told of the firing
  }
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("a receiver removed by a reload still gets the resolve it is owed, or it is logged and counted as dropped",
          "[integration][reload]") {
  Service db;
  Recorder a("/a"), b("/b");
  DaemonProcess d(model_with(db, webhook("oncall", a) + webhook("backup", b), route("oncall")));
  REQUIRE(d.wait_ready());
  db.status = 503;
  REQUIRE(DaemonProcess::wait_until([&] { return count(a, "firing") == 1; }, 15s));
  // oncall goes away while it is owed the resolve.
  d.rewrite_config(model_with(db, webhook("backup", b), route("backup")));
  REQUIRE(reload(d));
  db.status = 200;
  // Never silent: the resolve owed to the removed receiver is dropped with a log line and a
  // count, and nothing reaches the remaining receiver, which was never told of the firing.
  REQUIRE(DaemonProcess::wait_until(
      [&] { return !d.log_events({{"event", "notification_dropped"}, {"receiver", "oncall"}}).empty(); }, 15s));
  CHECK(d.get("/metrics")->body.find(R"(greenlight_notifications_total{outcome="dropped",receiver="oncall"} 1)") !=
        std::string::npos);
  CHECK(b.got().empty());
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("a reload that changes listen or state_dir is refused and the running config kept", "[integration][reload]") {
  Service db;
  Recorder a("/a");
  DaemonProcess d(model_with(db, webhook("oncall", a), route("oncall")));
  REQUIRE(d.wait_ready());
  d.rewrite_config(model_with(db, webhook("oncall", a), route("oncall"), "127.0.0.1:1"));
  auto r = d.post("/-/reload");
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(r->body.find("listen cannot change on reload") != std::string::npos);
  CHECK(d.get("/metrics")->body.find("greenlight_config_last_reload_successful 0") != std::string::npos);
  CHECK(d.get("/healthz"));  // still serving where it was
  CHECK(d.stop(SIGTERM) == 0);
}
