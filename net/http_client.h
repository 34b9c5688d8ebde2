#pragma once

// A one-shot HTTP(S) request with explicit timeouts, over cpp-httplib (whose own
// defaults are minutes). Shared by the http, prometheus and scrape probes.

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
  // For connect, and again for each read or write; the body must also be complete within
  // it, counted from the start (a server dripping it byte by byte does not hold a probe or
  // a delivery worker for longer).
  model::Duration timeout{10'000};
  std::string ca_file;
  bool tls_verify = true;
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
