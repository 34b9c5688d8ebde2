// The dashboard's "Why?" panel and "What if…" mode (dashboards/web/whatif.js) in headless
// Chromium against the real daemon: the explain tree under a red flow, and failing a
// component on the graph shows the blast radius and who would be paged, marked as a
// simulation, while the daemon stays green and nothing is sent.

#include <signal.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "tests/support/browser.h"
#include "tests/support/daemon_process.h"
#include "tests/support/http_fixture.h"

using namespace std::chrono_literals;
using greenlight::test::Browser;
using greenlight::test::DaemonProcess;
using greenlight::test::Recorder;
using greenlight::test::Service;
using nlohmann::json;

namespace {

std::string fixture(const Service& web, const Service& db, const Recorder& pager) {
  return R"(
[daemon]
listen = "127.0.0.1:{PORT}"
state_dir = "{DIR}/state"
interval = "2s"                 # probes time out at 2s: a loaded machine does not fail them

[components.web]
name = "Front end"
depends_on = ["db"]
  [[components.web.signals]]
  id = "home"
  probe = "http"
  url = ")" + web.url() + R"("

[components.db]
name = "Orders database"
alert = true
criticality = "high"
  [[components.db.signals]]
  id = "health"
  probe = "http"
  url = ")" + db.url() + R"("

[flows.checkout]
name = "Check out"
criticality = "high"
steps = ["web", "db"]

[flows.reports]
criticality = "low"
steps = ["db"]

[alerting.receivers.pager]
type = "webhook"
url = ")" + pager.url() + R"("
[[alerting.routes]]
receiver = "pager"
group_by = ["..."]
)";
}

bool wait_for(Browser& b, const std::string& expression, std::chrono::milliseconds deadline = 15s) {
  return DaemonProcess::wait_until([&] { return b.evaluate(expression) == true; }, deadline);
}

}  // namespace

TEST_CASE("dashboard: Why? shows the tree behind a red flow down to the failing signal", "[integration][dashboard][whatif]") {
  REQUIRE(std::filesystem::exists("/usr/bin/chromium"));
  Service web, db;
  Recorder pager("/page");
  DaemonProcess d(fixture(web, db, pager));
  REQUIRE(d.wait_ready());
  db.status = 503;
  REQUIRE(DaemonProcess::wait_until([&] { return d.flow_state("checkout") == "red"; }, 10s));
  Browser b(d.dir() + "/browser");
  INFO(b.error());
  REQUIRE(b.ok());
  b.open("http://127.0.0.1:" + std::to_string(d.port()) + "/#/flows/checkout");
  REQUIRE(wait_for(b, "!!document.querySelector('#why [data-why-node=checkout]')"));
  // web decides the flow; web's dependency on db decides web; db's signal says why.
  REQUIRE(wait_for(b, "!!document.querySelector('#why [data-why-edge=web].decides [data-why-edge=db].decides "
                      "[data-why-signal=health].decides')"));
  const std::string text = b.evaluate("document.getElementById('why').innerText");
  CHECK(text.find("HTTP 503") != std::string::npos);
  CHECK(text.find("alert firing (critical)") != std::string::npos);
  // A component's own page has it too, and it survives the page's polling.
  b.evaluate("location.hash = '#/components/db'");
  REQUIRE(wait_for(b, "!!document.querySelector('#why [data-why-node=db] [data-why-signal=health]')"));
  REQUIRE(wait_for(b, "document.querySelectorAll('#why').length === 1 && "
                      "document.getElementById('view-detail').innerText.includes('HTTP 503')"));
  CHECK(d.stop(SIGTERM) == 0);
}

TEST_CASE("dashboard: What if… fails a component on the graph and shows the blast radius and who would be paged",
          "[integration][dashboard][whatif]") {
  REQUIRE(std::filesystem::exists("/usr/bin/chromium"));
  Service web, db;
  Recorder pager("/page");
  DaemonProcess d(fixture(web, db, pager));
  REQUIRE(d.wait_ready());
  REQUIRE(DaemonProcess::wait_until([&] { return d.flow_state("checkout") == "green"; }, 10s));
  Browser b(d.dir() + "/browser");
  INFO(b.error());
  REQUIRE(b.ok());
  b.open("http://127.0.0.1:" + std::to_string(d.port()) + "/#/graph");
  REQUIRE(wait_for(b, "document.querySelectorAll('#graph a.node').length === 4 && !!document.getElementById('whatif-toggle')"));
  b.evaluate("document.getElementById('whatif-toggle').click()");
  REQUIRE(wait_for(b, "document.querySelector('.whatif-banner').innerText.includes('SIMULATION')"));
  // Click the database: the page stays on the graph, which shows what would break.
  b.evaluate("document.querySelector('#graph a.node[data-node=db]').dispatchEvent("
             "new MouseEvent('click', {bubbles: true, cancelable: true}))");
  REQUIRE(wait_for(b, "document.querySelector('#graph a.node-flow[data-node=checkout]').dataset.simState === 'red'"));
  CHECK(b.evaluate("location.hash") == "#/graph");
  CHECK(b.evaluate("document.querySelector('#graph a[data-node=web]').classList.contains('sim-changed')") == true);
  CHECK(b.evaluate("document.querySelector('#graph a[data-node=db]').classList.contains('sim-failed')") == true);
  CHECK(b.evaluate("document.querySelector('#graph a.node-flow[data-node=checkout] .state-word').textContent") ==
        "✖ red (now green) · flow");
  // Who would be paged, and the blast radius in words.
  REQUIRE(wait_for(b, "!!document.querySelector('#whatif-result [data-page=\"pager flow/checkout\"]')"));
  CHECK(b.evaluate("!!document.querySelector('#whatif-result [data-page=\"pager component/db\"]')") == true);
  CHECK(b.evaluate("document.querySelector('#whatif-result [data-sim-flow=checkout]').dataset.state") == "red");
  // GREENLIGHT_WHATIF_SCREENSHOT=path saves the page as it is now (docs/whatif.png).
  if (const char* shot = std::getenv("GREENLIGHT_WHATIF_SCREENSHOT")) CHECK(b.screenshot(shot) > 10'000);
  // It survives the next polls (the graph is redrawn every second).
  for (int i = 0; i < 2; ++i) {
    b.evaluate("window.__seen = document.getElementById('connection').textContent");
    REQUIRE(wait_for(b, "document.getElementById('connection').textContent !== window.__seen"));
  }
  CHECK(b.evaluate("document.querySelector('#graph a.node-flow[data-node=checkout]').dataset.simState") == "red");
  // Nothing real happened.
  CHECK(d.flow_state("checkout") == "green");
  CHECK(pager.got().empty());
  // Clicking again restores it; leaving the mode shows the real states.
  b.evaluate("document.querySelector('#graph a.node[data-node=db]').dispatchEvent("
             "new MouseEvent('click', {bubbles: true, cancelable: true}))");
  REQUIRE(wait_for(b, "!document.querySelector('#graph a.sim-changed')"));
  b.evaluate("document.getElementById('whatif-toggle').click()");
  REQUIRE(wait_for(b, "!document.querySelector('.whatif-banner') && "
                      "document.querySelector('#graph a.node-flow[data-node=checkout]').dataset.simState === undefined"));
  // Without the mode a click opens the component, as before.
  b.evaluate("document.querySelector('#graph a.node[data-node=db]').dispatchEvent("
             "new MouseEvent('click', {bubbles: true, cancelable: true}))");
  REQUIRE(wait_for(b, "location.hash === '#/components/db'"));
  CHECK(d.stop(SIGTERM) == 0);
}
