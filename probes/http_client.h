#pragma once

// A one-shot HTTP(S) request with explicit timeouts, over cpp-httplib (whose own
// defaults are minutes). Shared by the http, prometheus and scrape probes.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/types.h"

namespace greenlight::probes {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::pair<std::string, std::string>> query;  // appended, URL-encoded
  std::string body;
  model::Duration timeout{10'000};  // for connect, and again for each read or write
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

HttpResponse http_request(const HttpRequest& req);

}  // namespace greenlight::probes
