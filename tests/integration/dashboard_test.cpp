// The dashboard in a real browser: headless Chromium loads the page a running daemon
// serves, finds every flow with its state, sees a flow turn red without a reload when a
// fixture service fails, drills down, draws the graph, fits a phone, and saves a
// screenshot (build/dashboard.png; GREENLIGHT_SCREENSHOT=path to write it elsewhere, as
// docs/dashboard.png).

#include <signal.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/support/browser.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_fixture.h"

using namespace std::chrono_literals;
using greenlight::test::Browser;
using greenlight::test::DaemonProcess;
using greenlight::test::Service;
using nlohmann::json;

namespace {

std::string fixture(const Service& web, const Service& db, const Service& search) {
  return R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "200ms"

[components.web]
name = "Front end"
owner = "team-web"
depends_on = ["db", { component = "search", impact = "degrading" }]
  [[components.web.signals]]
  id = "home"
  probe = "http"
  url = ")" + web.url() + R"("

[components.db]
name = "Orders database"
owner = "team-data"
runbook = "https://runbooks.example/db"
alert = true
criticality = "high"
  [[components.db.signals]]
  id = "health"
  probe = "http"
  url = ")" + db.url() + R"("

[components.search]
name = "Search"
  [[components.search.signals]]
  id = "health"
  probe = "http"
  url = ")" + search.url() + R"("

[flows.browse]
name = "Browse"
criticality = "high"
steps = ["web", { component = "search", impact = "degrading" }]

[flows.checkout]
name = "Check out"
criticality = "high"
steps = ["web", "db"]

[flows.reports]
name = "Reports"
criticality = "low"
steps = ["db"]

[alerting.receivers.sink]
type = "webhook"
url = "http://127.0.0.1:9/unused"
[[alerting.routes]]
receiver = "sink"
)";
}

// id -> state of the flow cards on the overview, and whether each card says its state in words.
json flow_cards(Browser& b) {
  return b.evaluate(R"(Object.fromEntries([...document.querySelectorAll('#flows [data-flow-id]')].map(
      e => [e.dataset.flowId, {state: e.dataset.state, text: e.innerText}])))");
}

bool wait_for(Browser& b, const std::string& expression, std::chrono::milliseconds deadline = 15s) {
  return DaemonProcess::wait_until([&] { return b.evaluate(expression) == true; }, deadline);
}

}  // namespace

TEST_CASE("the dashboard shows every flow and turns red live, without a reload", "[integration][dashboard]") {
  REQUIRE(std::filesystem::exists("/usr/bin/chromium"));
  Service web, db, search;
  DaemonProcess d(fixture(web, db, search));
  REQUIRE(d.wait_ready());
  Browser b(d.dir() + "/browser");
  INFO(b.error());
  REQUIRE(b.ok());
  const std::string base = "http://127.0.0.1:" + std::to_string(d.port()) + "/";
  b.open(base);

  // Every flow of the model, with its state as a word, not only a colour.
  REQUIRE(wait_for(b, "document.querySelectorAll('#flows [data-flow-id][data-state=green]').length === 3"));
  json cards = flow_cards(b);
  REQUIRE(cards.size() == 3);
  for (const char* f : {"browse", "checkout", "reports"}) {
    INFO(f);
    CHECK(cards[f]["state"] == "green");
    CHECK(cards[f]["text"].get<std::string>().find("GREEN") != std::string::npos);
  }
  CHECK(b.evaluate("document.getElementById('overall').dataset.state") == "green");

  // The database fails: checkout and reports turn red on the open page, with the root cause,
  // and the page was not reloaded (a marker set now survives).
  b.evaluate("window.__notReloaded = true");
  db.status = 503;
  REQUIRE(wait_for(b, "document.querySelector('[data-flow-id=checkout]').dataset.state === 'red'"));
  CHECK(b.evaluate("window.__notReloaded") == true);
  cards = flow_cards(b);
  CHECK(cards["checkout"]["text"].get<std::string>().find("RED") != std::string::npos);
  CHECK(cards["checkout"]["text"].get<std::string>().find("Orders database") != std::string::npos);
  CHECK(cards["reports"]["state"] == "red");
  CHECK(b.evaluate("document.getElementById('overall').dataset.state") == "red");
  // Red flows come first.
  CHECK(b.evaluate("document.querySelector('#flows [data-flow-id]').dataset.state") == "red");
  // The runbook link of the root cause is on the page.
  CHECK(b.evaluate("!!document.querySelector('#flows a[href=\"https://runbooks.example/db\"]')") == true);
  // The alert shows up in the alerts count and list.
  REQUIRE(wait_for(b, "document.getElementById('alert-count').textContent !== ''"));
  // The page leads with one incident for the database, naming what it breaks.
  REQUIRE(wait_for(b, "document.querySelectorAll('#incidents [data-incident]').length === 1"));
  CHECK(b.evaluate("document.querySelector('#incidents [data-incident]').dataset.incident") == "db");
  const std::string incident = b.evaluate("document.querySelector('#incidents [data-incident]').innerText");
  CHECK(incident.find("Orders database") != std::string::npos);
  CHECK(incident.find("Breaks") != std::string::npos);

  const char* env = std::getenv("GREENLIGHT_SCREENSHOT");
  const std::string shot = env != nullptr ? env : std::string(GREENLIGHT_BINARY_DIR) + "/dashboard.png";
  CHECK(b.screenshot(shot) > 10'000);
  std::ifstream png(shot, std::ios::binary);
  char magic[8] = {};
  png.read(magic, 8);
  CHECK(std::string(magic + 1, 3) == "PNG");

  // Drill-down to a flow: its steps with their states.
  b.evaluate("location.hash = '#/flows/checkout'");
  REQUIRE(wait_for(b, "!!document.querySelector('#view-detail [data-component-id=db][data-state=red]')"));
  CHECK(b.evaluate("document.getElementById('view-overview').hidden") == true);
  // A component: its signals' last results.
  b.evaluate("location.hash = '#/components/db'");
  REQUIRE(wait_for(b, "document.querySelector('#view-detail').innerText.includes('HTTP 503')"));

  // The graph: every node drawn with its state (colour and word), edges with impact styles.
  b.evaluate("location.hash = '#/graph'");
  REQUIRE(wait_for(b, "document.querySelectorAll('#graph [data-node]').length === 6"));
  CHECK(b.evaluate("document.querySelector('#graph [data-node=db]').dataset.state") == "red");
  CHECK(b.evaluate("document.querySelector('#graph [data-node=db]').textContent.includes('red')") == true);
  CHECK(b.evaluate("document.querySelectorAll('#graph path.impact-degrading').length") == 2);

  // Alerts view: the database alert with its severity.
  b.evaluate("location.hash = '#/alerts'");
  REQUIRE(wait_for(b, "!!document.querySelector('#alerts [data-alert-id=\"component/db\"]')"));

  // Recovery shows live too.
  b.evaluate("location.hash = '#/'");
  db.status = 200;
  REQUIRE(wait_for(b, "document.querySelectorAll('#flows [data-flow-id][data-state=green]').length === 3"));

  // A phone: nothing wider than the screen.
  b.viewport(390, 844, true);
  REQUIRE(wait_for(b, "window.innerWidth === 390"));
  CHECK(b.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1") == true);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("silences can be created and expired from the dashboard, with the token when auth is on",
          "[integration][dashboard][silences]") {
  REQUIRE(std::filesystem::exists("/usr/bin/chromium"));
  Service web, db, search;
  std::string toml = fixture(web, db, search);
  toml.replace(toml.find("interval = \"200ms\""), 18, "interval = \"200ms\"\nauth_token_file = \"token.txt\"");
  DaemonProcess d(toml, {{"token.txt", "s3cret\n"}});
  REQUIRE(d.wait_ready());
  Browser b(d.dir() + "/browser");
  INFO(b.error());
  REQUIRE(b.ok());
  b.open("http://127.0.0.1:" + std::to_string(d.port()) + "/#/silences");
  REQUIRE(wait_for(b, "!!document.querySelector('#silence-form') && !document.getElementById('view-silences').hidden"));
  const std::string fill = R"((() => {
    const f = document.getElementById('silence-form');
    f.match.value = 'component=db'; f.duration.value = '1h'; f.author.value = 'alice';
    f.comment.value = 'failover drill'; f.token.value = %TOKEN%;
    f.requestSubmit(); return true; })())";
  // Without the token: refused, and the page says why.
  std::string no_token = fill;
  no_token.replace(no_token.find("%TOKEN%"), 7, "''");
  b.evaluate("localStorage.clear()");
  REQUIRE(b.evaluate(no_token) == true);
  REQUIRE(wait_for(b, "document.getElementById('silence-result').textContent.length > 0"));
  CHECK(b.evaluate("document.getElementById('silence-result').className") == "error");
  CHECK(d.get_json("/api/v1/silences")["silences"].empty());
  // With it: created, listed on the page.
  std::string with_token = fill;
  with_token.replace(with_token.find("%TOKEN%"), 7, "'s3cret'");
  REQUIRE(b.evaluate(with_token) == true);
  REQUIRE(wait_for(b, "!!document.querySelector('#silences [data-silence-id]')"));
  REQUIRE(d.get_json("/api/v1/silences")["silences"].size() == 1);
  // Expire it from the page.
  b.evaluate("document.querySelector('#silences [data-silence-id] button').click()");
  REQUIRE(DaemonProcess::wait_until(
      [&] { return d.get_json("/api/v1/silences")["silences"][0]["status"] == "expired"; }, 10s));
  REQUIRE(wait_for(b, "!document.querySelector('#silences [data-silence-id]')"));
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("the graph of 50 components stays readable: no overlaps, no sideways scrolling",
          "[integration][dashboard][graph]") {
  REQUIRE(std::filesystem::exists("/usr/bin/chromium"));
  std::string toml = "[daemon]\nlisten = \"127.0.0.1:{PORT}\"\nstate_dir = \"{DIR}/state\"\n";
  // Five tiers of ten: each component depends on two of the tier below.
  for (int i = 0; i < 50; ++i) {
    toml += "[components.c" + std::to_string(i) + "]\n";
    if (i < 40) {
      toml += "depends_on = [\"c" + std::to_string((i / 10 + 1) * 10 + i % 10) + "\", \"c" +
              std::to_string((i / 10 + 1) * 10 + (i + 3) % 10) + "\"]\n";
    }
    toml += "  [[components.c" + std::to_string(i) + ".signals]]\n  id = \"beat\"\n  probe = \"heartbeat\"\n"
            "  yellow_after = \"1h\"\n  red_after = \"2h\"\n";
  }
  for (int f = 0; f < 5; ++f) {
    toml += "[flows.f" + std::to_string(f) + "]\nsteps = [\"c" + std::to_string(f * 2) + "\", \"c" +
            std::to_string(f * 2 + 1) + "\"]\n";
  }
  DaemonProcess d(toml);
  REQUIRE(d.wait_ready());
  Browser b(d.dir() + "/browser");
  INFO(b.error());
  REQUIRE(b.ok());
  b.open("http://127.0.0.1:" + std::to_string(d.port()) + "/#/graph");
  REQUIRE(wait_for(b, "document.querySelectorAll('#graph [data-node]').length === 55"));
  CHECK(b.evaluate(R"((() => {
    const r = [...document.querySelectorAll('#graph [data-node] rect')].map(e => e.getBoundingClientRect());
    for (let i = 0; i < r.length; ++i)
      for (let j = i + 1; j < r.length; ++j)
        if (r[i].left < r[j].right && r[j].left < r[i].right && r[i].top < r[j].bottom && r[j].top < r[i].bottom)
          return false;
    return true; })())") == true);
  const auto box = b.evaluate("(() => { const g = document.getElementById('graph'); return [g.scrollWidth, g.clientWidth]; })()");
  CHECK(box[0].get<int>() <= box[1].get<int>());
  // Labels are whole words a person can read: at least 11 px.
  CHECK(b.evaluate("parseFloat(getComputedStyle(document.querySelector('#graph text')).fontSize) >= 11") == true);
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("a heartbeat's detail shows its next expected run and how late it is", "[integration][dashboard][heartbeat]") {
  REQUIRE(std::filesystem::exists("/usr/bin/chromium"));
  DaemonProcess d(R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "200ms"
[components.backup]
  [[components.backup.signals]]
  id = "nightly"
  probe = "heartbeat"
  period = "1h"
)");
  REQUIRE(d.wait_ready());
  Browser b(d.dir() + "/browser");
  INFO(b.error());
  REQUIRE(b.ok());
  b.open("http://127.0.0.1:" + std::to_string(d.port()) + "/#/components/backup");
  REQUIRE(wait_for(b, "!!document.querySelector('#view-detail [data-heartbeat]')"));
  const std::string text = b.evaluate("document.querySelector('#view-detail [data-heartbeat]').innerText").get<std::string>();
  CHECK(text.find("next expected") != std::string::npos);
  CHECK(text.find("never pinged") != std::string::npos);
  CHECK(b.evaluate("document.querySelector('#view-detail').innerText.includes('no heartbeat yet')") == true);
  CHECK(d.stop(SIGTERM) == 0);
}
