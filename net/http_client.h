#pragma once

// A one-shot HTTP(S) request with one deadline and a capped body: the event-loop client
// (net/http_async.h) run on the caller's thread. Deliveries, actions and `greenlight
// check` use it; the daemon's probes use the event-loop client directly.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/types.h"

namespace greenlight::net {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::pair<std::string, std::string>> query;  // appended, URL-encoded
  std::string body;
  // One deadline for the whole request (connect, TLS handshake, write, the complete
  // response), counted from its start: a server dripping its body byte by byte does not
  // hold a probe or a delivery worker for longer.
  model::Duration timeout{10'000};
  std::string ca_file;
  bool tls_verify = true;
  // Reuse the connection for the next request to the same origin (signal key
  // `keepalive = true`); the default closes it, so that each probe proves connection set-up.
  bool keepalive = false;
};

struct HttpResponse {
  int status = 0;      // 0: no response (see error)
  std::string body;
  std::string error;   // transport error, e.g. "Connection refused"
  std::string retry_after;  // the Retry-After header, if any
  double seconds = 0;  // time to the complete response
};

// The largest response body read (a probe or a receiver answering more is an error).
inline constexpr std::size_t kMaxResponseBody = 4 * 1024 * 1024;
inline constexpr const char* kResponseTooLarge = "response larger than 4 MiB";

HttpResponse http_request(const HttpRequest& req);

}  // namespace greenlight::net
