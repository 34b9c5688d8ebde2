// Delivery benchmark (issue 4): time from the deciding probe result to the webhook
// request, and notifications lost / duplicated over a fault-injection run against a flaky
// receiver.
//
//   ./build/bench/greenlight_delivery_bench [TRANSITIONS] [FAILURE_PERCENT]
//   ./build/bench/greenlight_delivery_bench 1000 0     # latency against a healthy receiver
//   ./build/bench/greenlight_delivery_bench 1000 30    # fault injection (the default)
//
// 40 components, each with alert = true and its own HTTP endpoint on a local service this
// program controls, are flipped between healthy and failing, one at a time, each staying
// at least 400 ms in a state (4 probe intervals) so that greenlight sees every flip. The
// receiver answers 500 to two thirds of FAILURE_PERCENT of the requests and 429 to the
// rest of them (a quarter of those with Retry-After: 1), 2xx otherwise. Lost = ids greenlight journalled (outbox.jsonl) but never
// delivered with a 2xx; duplicated = ids delivered with a 2xx more than once. Latency =
// the first request for a notification at the receiver minus the component's state change
// in greenlight's log (the deciding probe result was applied then).

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>

#include "tests/support/daemon_process.h"
#include "tests/support/http_fixture.h"

using namespace std::chrono;
using greenlight::test::DaemonProcess;
using greenlight::test::HttpFixture;
using nlohmann::json;

namespace {
constexpr int kComponents = 40;
std::int64_t now_ms() { return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count(); }

std::int64_t parse_ts(const std::string& ts) {  // "2026-11-26T08:41:08.123Z" -> ms
  int y, mo, d, h, mi, s, ms;
  std::sscanf(ts.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &s, &ms);
  const auto day = sys_days(year{y} / mo / d);
  return duration_cast<milliseconds>((day + hours(h) + minutes(mi) + seconds(s)).time_since_epoch()).count() + ms;
}
}  // namespace

int main(int argc, char** argv) {
  const int transitions = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int failure_percent = argc > 2 ? std::atoi(argv[2]) : 30;
  std::mt19937 rng(1126);

  HttpFixture service;
  std::array<std::atomic<int>, kComponents> status;
  for (auto& s : status) s = 200;
  service.server.Get(R"(/c/(\d+))", [&](const httplib::Request& req, httplib::Response& res) {
    res.status = status[std::stoi(req.matches[1].str())];
  });

  HttpFixture receiver;
  std::mutex m;
  std::map<std::string, int> delivered;             // id -> 2xx count
  std::map<std::string, std::int64_t> first_seen;   // id -> first request time (ms)
  std::map<std::string, std::string> alert_of;      // id -> alert id
  std::mt19937 flaky(7);
  int refused = 0, throttled = 0;
  std::atomic<int> failing{0};  // the receiver's current failure percentage
  receiver.server.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    const std::int64_t t = now_ms();
    const std::string id = req.get_header_value("webhook-id");
    std::lock_guard lock(m);
    first_seen.emplace(id, t);
    const int roll = std::uniform_int_distribution<int>(0, 99)(flaky);
    const int failure_percent = failing.load();
    if (roll < failure_percent * 2 / 3) {
      ++refused;
      res.status = 500;
      return;
    }
    if (roll < failure_percent) {
      ++throttled;
      res.status = 429;
      if (roll < failure_percent * 2 / 3 + (failure_percent - failure_percent * 2 / 3) / 4) res.set_header("Retry-After", "1");
      return;
    }
    alert_of[id] = json::parse(req.body)["alert"]["id"];
    ++delivered[id];
    res.status = 204;
  });

  failing = failure_percent;
  // One state_dir for both runs of the daemon (the second one after a restart).
  const std::string state_dir = "/tmp/greenlight-delivery-bench-" + std::to_string(::getpid());
  std::filesystem::remove_all(state_dir);
  std::string toml = "[daemon]\nlisten = \"127.0.0.1:{PORT}\"\nstate_dir = \"" + state_dir + "\"\ninterval = \"100ms\"\n"
                     "log_level = \"info\"\n\n[alerting.flapping]\nhigh = 100\n\n"
                     "[alerting.receivers.hook]\ntype = \"webhook\"\nurl = \"" + receiver.url("/hook") +
                     "\"\ntimeout = \"2s\"\n\n[[alerting.routes]]\nreceiver = \"hook\"\n\n";
  for (int i = 0; i < kComponents; ++i) {
    toml += "[components.c" + std::to_string(i) + "]\nalert = true\ncriticality = \"high\"\n  [[components.c" +
            std::to_string(i) + ".signals]]\n  id = \"h\"\n  probe = \"http\"\n  url = \"" +
            service.url("/c/" + std::to_string(i)) + "\"\n  timeout = \"1s\"\n";
  }
  auto daemon = std::make_unique<DaemonProcess>(toml);
  DaemonProcess& d = *daemon;
  if (!d.wait_ready()) {
    std::cerr << "greenlight did not become ready\n" << d.log();
    return 1;
  }
  std::this_thread::sleep_for(1s);

  // Flip components, one every 12 ms on average, never one that changed in the last 400 ms.
  std::array<std::int64_t, kComponents> last_flip{};
  int flips = 0;
  while (flips < transitions) {
    const int i = std::uniform_int_distribution<int>(0, kComponents - 1)(rng);
    if (now_ms() - last_flip[i] < 400) {
      std::this_thread::sleep_for(2ms);
      continue;
    }
    status[i] = status[i] == 200 ? 500 : 200;
    last_flip[i] = now_ms();
    ++flips;
    std::this_thread::sleep_for(10ms);
  }
  for (auto& s : status) s = 200;  // everything recovers: every firing gets its resolve
  // Wait until greenlight has nothing left to deliver: no active alert, and every
  // notification in its journal marked done.
  auto undone = [&] {
    std::set<std::string> pending;
    std::ifstream journal(state_dir + "/outbox.jsonl");
    for (std::string line; std::getline(journal, line);) {
      const json j = json::parse(line, nullptr, false);
      if (!j.is_object()) continue;
      if (j["op"] == "enqueue") pending.insert(j["id"].get<std::string>());
      if (j["op"] == "done") pending.erase(j["id"].get<std::string>());
    }
    return pending.size();
  };
  // Phase 1: the flaky receiver, for at most two minutes after the last flip.
  const bool drained = DaemonProcess::wait_until(
      [&] {
        const json alerts = d.get_json("/api/v1/alerts");
        return alerts.is_object() && alerts["alerts"].empty() && undone() == 0 &&
               d.get("/metrics")->body.find("greenlight_notification_queue_length 0\n") != std::string::npos;
      },
      120s);
  const std::size_t pending_at_stop = undone();
  std::string log_text = d.log();
  int code = d.stop(SIGTERM);
  // Expected: every notification greenlight journalled (read before the restart compacts it).
  std::set<std::string> journalled;
  {
    std::ifstream journal(state_dir + "/outbox.jsonl");
    for (std::string line; std::getline(journal, line);) {
      const json j = json::parse(line, nullptr, false);
      if (j.is_object() && j["op"] == "enqueue") journalled.insert(j["id"]);
    }
  }
  // Phase 2: whatever was still undelivered (a notification in a long backoff) must be
  // delivered by the next start, now with a healthy receiver.
  failing = 0;
  bool recovered = pending_at_stop == 0;
  if (!recovered) {
    daemon = std::make_unique<DaemonProcess>(toml);
    recovered = daemon->wait_ready() && DaemonProcess::wait_until([&] { return undone() == 0; }, 60s);
    log_text += daemon->log();
    code = daemon->stop(SIGTERM);
  }
  if (std::getenv("DEBUG_LOST")) {
    std::istringstream all(log_text);
    for (std::string line; std::getline(all, line);) {
      if (line.find("\"level\":\"error\"") != std::string::npos || line.find("warn") != std::string::npos) {
        if (line.find("notification_retry") == std::string::npos) std::cout << "log: " << line.substr(0, 300) << "\n";
      }
    }
  }

  std::size_t lost = 0, duplicated = 0;
  {
    std::lock_guard lock(m);
    for (const auto& id : journalled) {
      if (delivered.count(id)) continue;
      ++lost;
      if (std::getenv("DEBUG_LOST")) {
        std::ifstream again(state_dir + "/outbox.jsonl");
        for (std::string line; std::getline(again, line);) {
          if (line.find(id) != std::string::npos) std::cout << "lost " << line.substr(0, 160) << "\n";
        }
        std::cout << "  first seen at receiver: " << (first_seen.count(id) ? "yes" : "no") << "\n";
      }
    }
    for (const auto& [id, n] : delivered) {
      if (n > 1) ++duplicated;
    }
  }
  // Latency: pair each component's state changes (log) with its notifications (receiver), in order.
  std::map<std::string, std::vector<std::int64_t>> changes;  // alert id -> state change times
  std::istringstream log(log_text);
  for (std::string line; std::getline(log, line);) {
    const json j = json::parse(line, nullptr, false);
    if (!j.is_object() || j.value("event", "") != "state_change" || j.value("kind", "") != "component") continue;
    if (j.value("from", "") == "unknown") continue;  // the first evaluation, not an alert transition
    changes["component/" + j["component"].get<std::string>()].push_back(parse_ts(j["ts"]));
  }
  std::map<std::string, std::vector<std::int64_t>> arrivals;  // alert id -> first request times
  {
    std::lock_guard lock(m);
    std::vector<std::pair<std::int64_t, std::string>> ordered;
    for (const auto& [id, t] : first_seen) {
      if (alert_of.count(id)) ordered.emplace_back(t, alert_of.at(id));
    }
    std::sort(ordered.begin(), ordered.end());
    for (const auto& [t, alert] : ordered) arrivals[alert].push_back(t);
  }
  if (std::getenv("DEBUG_PAIRS")) {
    for (const char* alert : {"component/c0", "component/c1"}) {
      std::cout << alert << " changes:";
      for (auto t : changes[alert]) std::cout << " " << t % 100000;
      std::cout << "\n" << alert << " arrivals:";
      for (auto t : arrivals[alert]) std::cout << " " << t % 100000;
      std::cout << "\n";
    }
  }
  std::vector<double> latency;
  for (const auto& [alert, times] : arrivals) {
    const auto& c = changes[alert];
    for (std::size_t k = 0; k < times.size() && k < c.size(); ++k) latency.push_back(static_cast<double>(times[k] - c[k]));
  }
  std::sort(latency.begin(), latency.end());
  auto pct = [&](double p) { return latency.empty() ? 0.0 : latency[static_cast<std::size_t>(p * (latency.size() - 1))]; };
  std::size_t total_changes = 0;
  for (const auto& [a, c] : changes) total_changes += c.size();

  std::cout << "receiver failure rate       " << failure_percent << "%\n"
            << "flips                       " << flips << "\n"
            << "state changes seen          " << total_changes << "\n"
            << "notifications journalled    " << journalled.size() << "\n"
            << "receiver answers            " << refused << " x 500, " << throttled << " x 429\n"
            << "lost                        " << lost << "\n"
            << "duplicated                  " << duplicated << "\n"
            << "latency to first request    median " << pct(0.5) << " ms, p99 " << pct(0.99) << " ms ("
            << latency.size() << " pairs)\n"
            << "undelivered at stop         " << pending_at_stop << (drained ? "" : " (still in backoff)")
            << ", delivered after restart: " << (recovered ? "yes" : "NO") << ", greenlight exit " << code << "\n";
  std::filesystem::remove_all(state_dir);
  return lost == 0 && duplicated == 0 && recovered ? 0 : 1;
}
