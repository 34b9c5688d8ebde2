#pragma once

// HTTP probes on one event loop (Boost.Asio + Boost.Beast): many requests in flight on a
// single thread, no thread hand-off or blocking wait per probe. This is the path of
// plain-http signals in the daemon, where a thread per request cost twice the CPU
// budget per probe (BENCHMARKS.md); https and `greenlight check` keep the blocking
// cpp-httplib client. The whole request (connect, write, read) has one deadline.
// Thread-safety: submit() from any thread; callbacks run on the engine's thread and must
// not block.

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "net/http_client.h"

namespace greenlight::probes {

using net::HttpRequest;
using net::HttpResponse;

class HttpEngine {
 public:
  HttpEngine();
  ~HttpEngine();  // stops the loop; requests still in flight are abandoned, not called back
  HttpEngine(const HttpEngine&) = delete;
  HttpEngine& operator=(const HttpEngine&) = delete;

  using Callback = std::function<void(HttpResponse)>;
  // `req.url` must be http://; `done` is called exactly once (unless stopped first).
  void submit(HttpRequest req, Callback done);
  // Many requests with one hand-off to the loop's thread (one wake-up instead of one each).
  void submit(std::vector<std::pair<HttpRequest, Callback>> batch);
  void stop();

  // Whether the engine can serve this URL (plain http).
  static bool handles(const std::string& url) { return url.rfind("http://", 0) == 0; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace greenlight::probes
