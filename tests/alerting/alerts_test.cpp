#include <catch2/catch.hpp>

#include "alerting/alerts.h"
#include "tests/support/world.h"

using namespace greenlight::alerting;
using namespace greenlight::model;
using namespace std::chrono_literals;
using greenlight::test::read_source_file;
using greenlight::test::require_model;
using greenlight::test::World;

namespace {

World shop() {
  World w(require_model(HM_HERE, read_source_file("examples/shop.toml"), "examples/shop.toml"));
  w.all_green();
  return w;
}

// "flow/checkout firing critical" for each notice.
std::vector<std::string> told(const AlertBook& book, const std::vector<Notice>& notices) {
  std::vector<std::string> out;
  for (const Notice& n : notices) {
    out.push_back(book.alerts()[n.alert].id + " " + std::string(to_string(n.reason)) + " " +
                  std::string(to_string(n.severity)));
  }
  return out;
}

const Alert& alert(const AlertBook& book, const std::string& id) {
  for (const Alert& a : book.alerts()) {
    if (a.id == id) return a;
  }
  FAIL("no alert " << id);
  throw;
}

}  // namespace

TEST_CASE("an alert exists for every flow and every component with alert = true", "[alerting][alerts]") {
  World w = shop();
  AlertBook book(w.model());
  CHECK(book.alerts().size() == w.model().flows.size() + 2);  // database and payments set alert = true
  CHECK(alert(book, "component/database").labels.at("owner") == "team-data");
  CHECK(alert(book, "flow/checkout").labels.at("criticality") == "high");
}

TEST_CASE("check out pages after alert_after, changes severity, and resolves once", "[alerting][alerts][lifecycle]") {
  World w = shop();
  AlertBook book(w.model());
  CHECK(book.update(w.model(), w.state(), {}, w.now()).empty());
  // Time-stepped: the web front end fails at t0; check out has alert_after = 30s.
  w.settle("web", "home", Health::Red);
  struct Step {
    Duration after;  // since the previous step
    const char* web;  // web's state from this step on ("" = unchanged)
    std::vector<std::string> expected;
    AlertStatus status;
  };
  const Step steps[] = {
      {0s, "", {}, AlertStatus::Pending},                                             // red, waiting
      {29s, "", {}, AlertStatus::Pending},                                            // still within alert_after
      {1s, "", {"flow/checkout firing critical"}, AlertStatus::Firing},                // 30s: pages
      {10s, "", {}, AlertStatus::Firing},                                             // no repeat from here
      {10s, "yellow", {"flow/checkout severity_change warning"}, AlertStatus::Firing},  // high/yellow = warning
      {10s, "green", {"flow/checkout resolved warning"}, AlertStatus::Inactive},
      {10s, "", {}, AlertStatus::Inactive},
  };
  for (const Step& s : steps) {
    w.advance(s.after);
    if (std::string(s.web) == "yellow") w.settle("web", "home", Health::Yellow);
    if (std::string(s.web) == "green") w.settle("web", "home", Health::Green);
    std::vector<std::string> got;
    for (auto& t : told(book, book.update(w.model(), w.state(), {}, w.now()))) {
      if (t.rfind("flow/checkout", 0) == 0) got.push_back(t);
    }
    INFO("at +" << std::chrono::duration_cast<std::chrono::seconds>(s.after).count() << "s");
    CHECK(got == s.expected);
    CHECK(alert(book, "flow/checkout").status == s.status);
  }
  // Browse and add to cart have no alert_after: they paged at once, and resolved too.
  CHECK(alert(book, "flow/browse").ends_at > alert(book, "flow/browse").starts_at);
}

TEST_CASE("severity follows the criticality x state matrix, none and unknown page nobody",
          "[alerting][alerts][severity]") {
  World w = shop();
  AlertBook book(w.model());
  book.update(w.model(), w.state(), {}, w.now());
  // profile red: email preferences (low) red -> warning; add to cart (high) yellow -> warning.
  w.settle("profile", "health", Health::Red);
  auto notices = told(book, book.update(w.model(), w.state(), {}, w.now()));
  CHECK(std::count(notices.begin(), notices.end(), "flow/email-preferences firing warning") == 1);
  CHECK(std::count(notices.begin(), notices.end(), "flow/add-to-cart firing warning") == 1);
  // Low/yellow is none: email preferences turns yellow -> resolved as far as paging goes.
  w.settle("profile", "health", Health::Yellow);
  notices = told(book, book.update(w.model(), w.state(), {}, w.now()));
  CHECK(std::count(notices.begin(), notices.end(), "flow/email-preferences resolved warning") == 1);
  CHECK(alert(book, "flow/email-preferences").severity == Severity::None);
  // Unknown (stale data) is listed but pages nobody by default.
  w.advance(1h);
  expire_stale(w.model(), w.state(), w.now());
  for (const auto& t : told(book, book.update(w.model(), w.state(), {}, w.now()))) CHECK(t.find("firing") == std::string::npos);
  CHECK(alert(book, "flow/checkout").state == Health::Unknown);
  CHECK(alert(book, "flow/checkout").status == AlertStatus::Firing);
  CHECK(alert(book, "flow/checkout").severity == Severity::None);
}

TEST_CASE("a database outage: the database pages, the components it explains are suppressed",
          "[alerting][alerts][suppression][seed]") {
  World w = shop();
  AlertBook book(w.model());
  book.update(w.model(), w.state(), {}, w.now());
  w.settle("database", "tcp", Health::Red);
  // Payments fails its own synthetic order too, but the deepest explanation is the database.
  w.settle("payments", "synthetic-order", Health::Red);
  auto notices = told(book, book.update(w.model(), w.state(), {}, w.now()));
  CHECK(std::count(notices.begin(), notices.end(), "component/database firing critical") == 1);
  CHECK(std::count(notices.begin(), notices.end(), "component/payments firing critical") == 0);
  CHECK(alert(book, "component/payments").status == AlertStatus::Firing);  // still listed
  CHECK(alert(book, "component/payments").suppressed);
  // The database recovers; payments' last own result is from before: held down (SPEC 6.1).
  w.advance(1s);
  w.settle("database", "tcp", Health::Green);
  notices = told(book, book.update(w.model(), w.state(), {}, w.now()));
  CHECK(std::count(notices.begin(), notices.end(), "component/database resolved critical") == 1);
  CHECK(std::count(notices.begin(), notices.end(), "component/payments firing critical") == 0);
  CHECK(alert(book, "component/payments").held_down);
  // Both its own signals run again after the recovery; one still fails: now it pages.
  w.advance(1s);
  w.set("payments", "health", Health::Green);
  CHECK(told(book, book.update(w.model(), w.state(), {}, w.now())).empty());  // one of two re-ran
  w.set("payments", "synthetic-order", Health::Red);
  notices = told(book, book.update(w.model(), w.state(), {}, w.now()));
  CHECK(std::count(notices.begin(), notices.end(), "component/payments firing critical") == 1);
  CHECK_FALSE(alert(book, "component/payments").suppressed);
  CHECK_FALSE(alert(book, "component/payments").held_down);
}

TEST_CASE("a silence holds the page, when it ends and the alert still fires, it pages then",
          "[alerting][alerts][silence]") {
  World w = shop();
  AlertBook book(w.model());
  book.update(w.model(), w.state(), {}, w.now());
  const std::vector<Silence> silences{{"s1", {{"component", "database"}}, w.now(), w.now() + 10min, "alice", "upgrade"}};
  w.settle("database", "tcp", Health::Red);
  auto notices = told(book, book.update(w.model(), w.state(), silences, w.now()));
  CHECK(std::count(notices.begin(), notices.end(), "component/database firing critical") == 0);
  CHECK(alert(book, "component/database").silenced);
  w.advance(10min);  // the silence ends, the database is still down
  notices = told(book, book.update(w.model(), w.state(), silences, w.now()));
  CHECK(std::count(notices.begin(), notices.end(), "component/database firing critical") == 1);
}

TEST_CASE("a resolve is never held by a silence", "[alerting][alerts][silence]") {
  World w = shop();
  AlertBook book(w.model());
  book.update(w.model(), w.state(), {}, w.now());
  w.settle("database", "tcp", Health::Red);
  CHECK(told(book, book.update(w.model(), w.state(), {}, w.now())).size() > 0);  // told of the firing
  const std::vector<Silence> silences{{"s1", {{"component", "database"}}, w.now(), w.now() + 1h, "bob", ""}};
  w.settle("database", "tcp", Health::Green);
  const auto notices = told(book, book.update(w.model(), w.state(), silences, w.now()));
  CHECK(std::count(notices.begin(), notices.end(), "component/database resolved critical") == 1);
}

TEST_CASE("a flapping alert tells once that it flaps, nothing while it flaps, then the settled truth once",
          "[alerting][alerts][flapping]") {
  // db (alert = true) under checkout, one result at a time, failures = 1.
  World w(require_model(HM_HERE, R"(
[components.db]
alert = true
criticality = "high"
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
[flows.checkout]
criticality = "high"
steps = ["db"]
)"));
  w.all_green();
  AlertBook book(w.model());
  book.update(w.model(), w.state(), {}, w.now());
  std::vector<std::string> all;
  auto result = [&](Health h) {
    w.advance(1s);
    w.set("db", "tcp", h);
    for (auto& t : told(book, book.update(w.model(), w.state(), {}, w.now()))) {
      if (t.rfind("component/db", 0) == 0) all.push_back(t);
    }
  };
  // Red and green every result: changes 1..5 are told (28.5 %), the 6th (33.9 %) is the
  // flapping notice; then nothing for changes 7..12.
  for (int i = 0; i < 12; ++i) result(i % 2 == 0 ? Health::Red : Health::Green);
  const std::vector<std::string> flapping{"component/db firing critical",  "component/db resolved critical",
                                          "component/db firing critical",  "component/db resolved critical",
                                          "component/db firing critical",  "component/db flapping critical"};
  CHECK(all == flapping);
  CHECK(alert(book, "component/db").flapping);
  CHECK(alert(book, "flow/checkout").flapping);
  const TimePoint incident = alert(book, "component/db").starts_at;
  // Red from then on: a real outage. The changes age out, it settles red within 20
  // results, and the firing is told (the same incident as the flapping notice).
  int held = 0;
  while (all.size() == flapping.size() && held < 25) {
    result(Health::Red);
    ++held;
  }
  CHECK(held <= 20);
  CHECK_FALSE(alert(book, "component/db").flapping);
  CHECK(all.back() == "component/db firing critical");
  CHECK(alert(book, "component/db").starts_at == incident);
  result(Health::Green);
  CHECK(all.back() == "component/db resolved critical");
  CHECK(all.size() == flapping.size() + 2);
}

TEST_CASE("a flapping alert that is silenced tells nothing, and its resolve is still owed", "[alerting][alerts][flapping]") {
  World w(require_model(HM_HERE, R"(
[components.db]
alert = true
criticality = "high"
  [[components.db.signals]]
  id = "tcp"
  probe = "tcp"
  target = "127.0.0.1:5432"
)"));
  w.all_green();
  AlertBook book(w.model());
  const std::vector<Silence> none;
  w.set("db", "tcp", Health::Red);
  CHECK(told(book, book.update(w.model(), w.state(), none, w.now())) ==
        std::vector<std::string>{"component/db firing critical"});
  const std::vector<Silence> silences{{"s1", {{"component", "db"}}, w.now(), w.now() + 1h, "bob", ""}};
  std::vector<std::string> all;
  for (int i = 0; i < 12; ++i) {
    w.advance(1s);
    w.set("db", "tcp", i % 2 == 0 ? Health::Green : Health::Red);
    auto t = told(book, book.update(w.model(), w.state(), silences, w.now()));
    all.insert(all.end(), t.begin(), t.end());
  }
  // The first green resolves (a resolve is never held); from then on firings are silenced,
  // and the flapping notice with them.
  CHECK(all == std::vector<std::string>{"component/db resolved critical"});
  CHECK(alert(book, "component/db").flapping);
  CHECK_FALSE(alert(book, "component/db").told_flapping);
}
