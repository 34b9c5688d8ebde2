#include "daemon/commands/demo.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <httplib.h>
#include <iostream>
#include <regex>

#include "daemon/commands/demo_shop.h"
#include "daemon/stores/files.h"
#include "daemon/runtime/run.h"
#include "dashboards/assets.h"
#include "model/json_text.h"

namespace greenlight::daemon {

using nlohmann::json;

std::string demo_model(const std::string& shop_toml, const DemoOptions& o) {
  const auto every = [&](int n) { return model::format_duration(o.interval * n); };
  std::string out;
  std::istringstream in(shop_toml);
  static const std::regex kAddress(R"(127\.0\.0\.1:(\d+))");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("listen = ", 0) == 0) {
      line = "listen = \"" + o.listen + "\"";
    } else if (line.rfind("state_dir = ", 0) == 0) {
      line = "state_dir = \"" + o.state_dir + "\"";
    } else if (line.rfind("interval = ", 0) == 0) {
      line = "interval = \"" + model::format_duration(o.interval) + "\"";
    } else if (line.rfind("group_interval = ", 0) == 0) {
      line = "group_interval = \"" + every(4) + "\"     # the demo's: resolves come within a few intervals";
    } else if (line.find("yellow_after = ") != std::string::npos) {
      line = "  yellow_after = \"" + every(4) + "\"           # the demo's night: a few intervals";
    } else if (line.find("red_after = ") != std::string::npos) {
      line = "  red_after = \"" + every(6) + "\"";
    } else {
      // Every simulated service moves by the port offset.
      std::string shifted;
      auto begin = std::sregex_iterator(line.begin(), line.end(), kAddress);
      std::size_t last = 0;
      for (auto it = begin; it != std::sregex_iterator(); ++it) {
        shifted += line.substr(last, static_cast<std::size_t>(it->position()) - last);
        shifted += "127.0.0.1:" + std::to_string(std::stoi((*it)[1].str()) + o.port_offset);
        last = static_cast<std::size_t>(it->position() + it->length());
      }
      line = shifted + line.substr(last);
    }
    out += line + "\n";
  }
  out += R"(
# ---- added by `greenlight demo` ------------------------------------------------------
# Self-healing: when the recommendations service has been red for two intervals, restart
# it (the demo's simulated restart; on a real system `run = ["systemctl", "restart", ...]`).
[[actions]]
name = "restart-recommendations"
component = "recommendations"
state = "red"
for = ")" + every(2) + R"("
url = "http://)" + o.listen + R"(/demo/restart/recommendations"
timeout = "5s"
cooldown = ")" + every(4) + R"("
max_attempts = 3
window = "1h"
)";
  return out;
}

int demo_command(const DemoOptions& options) {
  DemoOptions o = options;
  // Signals are for the daemon's sigwait: block them before any demo thread starts, so
  // none of those threads takes a Ctrl-C.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  if (o.state_dir.empty()) {
    o.state_dir = (std::filesystem::temp_directory_path() / ("greenlight-demo-" + std::to_string(::getuid()))).string();
  }
  o.state_dir = std::filesystem::absolute(o.state_dir).string();
  std::error_code ec;
  std::filesystem::create_directories(o.state_dir, ec);
  if (ec) {
    std::cerr << "greenlight demo: cannot create " << o.state_dir << ": " << ec.message() << '\n';
    return 1;
  }
  std::string shop_toml;
  for (const dashboards::Asset& a : dashboards::demo_files()) {
    if (a.name == "shop.toml") shop_toml = a.body;
  }
  const std::string path = o.state_dir + "/demo.toml";
  if (const std::string err = write_file_atomically(path, demo_model(shop_toml, o)); !err.empty()) {
    std::cerr << "greenlight demo: " << err << '\n';
    return 1;
  }
  DemoShop shop(o.port_offset, "http://" + o.listen + "/api/v1/heartbeats/backup/nightly", o.interval * 2);
  if (const std::string err = shop.start(); !err.empty()) {
    std::cerr << "greenlight demo: " << err << '\n';
    return 1;
  }
  RunHooks hooks;
  hooks.routes = [&shop](httplib::Server& s) {
    auto reply = [](httplib::Response& res, int status, const json& body) {
      res.status = status;
      res.set_content(model::json_text(body, 2) + "\n", "application/json");
    };
    s.Get("/demo/faults", [&shop, reply](const httplib::Request&, httplib::Response& res) {
      reply(res, 200, shop.faults_json());
    });
    s.Post("/demo/faults", [&shop, reply](const httplib::Request& req, httplib::Response& res) {
      const json body = json::parse(req.body, nullptr, false);
      if (!body.is_object() || !body.contains("fault") || !body["fault"].is_string() ||
          (body.contains("active") && !body["active"].is_boolean())) {
        return reply(res, 400, {{"error", R"(the body must be {"fault": "database", "active": true})"}, {"status", 400}});
      }
      const std::string id = body["fault"];
      const bool active = body.value("active", true);
      if (!shop.set_fault(id, active)) {
        return reply(res, 404, {{"error", "no fault \"" + id + "\" (GET /demo/faults lists them)"}, {"status", 404}});
      }
      std::cout << "demo: fault " << id << (active ? " injected" : " cleared") << '\n' << std::flush;
      reply(res, 200, shop.faults_json());
    });
    s.Post(R"(/demo/restart/([a-z-]+))", [&shop, reply](const httplib::Request& req, httplib::Response& res) {
      if (!shop.restart(req.matches[1].str())) {
        return reply(res, 404, {{"error", "no service \"" + req.matches[1].str() + "\""}, {"status", 404}});
      }
      reply(res, 200, {{"restarted", req.matches[1].str()}});
    });
  };
  hooks.listening = [path](const std::string& url) {
    std::cout << "\n"
              << "  greenlight demo: the seed's e-commerce shop, simulated on 127.0.0.1\n"
              << "  dashboard:  " << url << "\n"
              << "  model:      " << path << "\n"
              << "  inject a failure from the dashboard's Demo panel, or:\n"
              << "    curl -X POST " << url << "demo/faults -d '{\"fault\": \"database\", \"active\": true}'\n"
              << "  faults: database, recommendations, pricing, payments, backup. Ctrl-C stops.\n\n"
              << std::flush;
  };
  const int rc = run_daemon(path, o.log_format, hooks);
  shop.stop();
  return rc;
}

}  // namespace greenlight::daemon
