#pragma once

// A real cpp-httplib server on an ephemeral 127.0.0.1 port whose behaviour the test
// controls, stopped and joined when it goes out of scope (cpp-httplib's own test style).

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace greenlight::test {

class HttpFixture {
 public:
  // port 0: any free port.
  explicit HttpFixture(int port = 0) {
    if (port == 0) {
      port_ = server.bind_to_any_port("127.0.0.1");
    } else {
      port_ = server.bind_to_port("127.0.0.1", port) ? port : -1;
    }
    thread_ = std::thread([this] { server.listen_after_bind(); });
    // cpp-httplib 0.11 has no wait_until_ready: poll is_running with a deadline.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!server.is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ~HttpFixture() {
    server.stop();
    if (thread_.joinable()) thread_.join();
  }
  HttpFixture(const HttpFixture&) = delete;
  HttpFixture& operator=(const HttpFixture&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  httplib::Server server;

 private:
  int port_ = 0;
  std::thread thread_;
};

// A service whose /health status and delay the test sets; it counts the requests it served.
struct Service {
  HttpFixture http;
  std::atomic<int> status{200};
  std::atomic<int> delay_ms{0};
  std::atomic<int> served{0};
  std::atomic<int> fail_next{0};  // answer 500 to this many requests, then `status` again
  Service() {
    http.server.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
      if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms.load()));
      int expected = fail_next.load();
      while (expected > 0 && !fail_next.compare_exchange_weak(expected, expected - 1)) {
      }
      res.status = expected > 0 ? 500 : status.load();
      res.set_content("{}", "application/json");
      ++served;
    });
  }
  std::string url() const { return http.url("/health"); }
};

// A receiver that records the JSON bodies POSTed to `path` and answers `status`.
class Recorder {
 public:
  explicit Recorder(const std::string& path, int status = 204) : path_(path) {
    http.server.Post(path, [this, status](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      bodies_.push_back(nlohmann::json::parse(req.body, nullptr, false));
      res.status = status;
    });
  }
  std::vector<nlohmann::json> got() const {
    std::lock_guard lock(mutex_);
    return bodies_;
  }
  std::string url() const { return http.url(path_); }
  int port() const { return http.port(); }

 private:
  HttpFixture http;
  std::string path_;
  mutable std::mutex mutex_;
  std::vector<nlohmann::json> bodies_;  // guarded by mutex_
};

}  // namespace greenlight::test
