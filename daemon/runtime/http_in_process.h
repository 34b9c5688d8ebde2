#pragma once

// The HTTP API's server, which can also serve one request from memory: cpp-httplib's
// parsing, routing, the pre-routing, error and exception handlers and our handlers, all
// driven without a socket (fuzz/fuzz_http_api.cpp; tests may use it too). HttpApi creates
// this server, so HttpApi::serve_in_process reaches every route it registered.

#include <string>
#include <string_view>

#include <httplib.h>

namespace greenlight::daemon {

class InProcessServer : public httplib::Server {
 public:
  // The raw HTTP/1.1 request in (request line, headers, body), everything the server
  // wrote in answer out (status line, headers, body); one request, then "closed".
  std::string serve(std::string_view request);
};

}  // namespace greenlight::daemon
