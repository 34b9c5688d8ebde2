#pragma once

// The one HTTP(S) client of greenlight, on a Boost.Asio event loop: probes (http,
// prometheus, scrape), deliveries and actions all go through it. Plain HTTP runs on a bare
// non-blocking socket with the system calls its work needs (socket, connect, send, recv,
// close); HTTPS on Beast's TLS stream (Asio SSL over OpenSSL). Both send the same request
// bytes and read the answer with Beast's HTTP/1.1 parser. Many requests in flight on one thread, no thread hand-off or blocking
// wait per request. One deadline per request (connect, TLS handshake, write and the whole
// response; a server dripping its body byte by byte does not hold it longer), bodies
// capped at kMaxResponseBody. The blocking net::http_request is this client on a private
// loop.
// Keep-alive is opt-in per request (HttpRequest::keepalive): the connection goes back to
// the ClientCache when the server keeps it open, and a request that finds a reused
// connection closed under it retries once on a fresh one.
// Thread-safety: a ClientCache and the requests using it belong to one io_context, run by
// one thread; `done` runs on that thread and must not block.

#include <functional>
#include <memory>
#include <string>

#include "net/http_client.h"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}
}  // namespace boost::asio

namespace greenlight::net {

// What requests on one loop share: TLS contexts (by CA file: loading the system's CA
// store once, not per request) and idle keep-alive connections.
class ClientCache {
 public:
  ClientCache();
  ~ClientCache();  // before its io_context goes
  ClientCache(const ClientCache&) = delete;
  ClientCache& operator=(const ClientCache&) = delete;

  // A client context trusting `ca_file`, or the system's CAs when it is empty; nullptr
  // (and `error` says why) when the file cannot be loaded.
  std::shared_ptr<boost::asio::ssl::context> tls_context(const std::string& ca_file, std::string& error);

  struct Idle;
  std::unique_ptr<Idle> idle;  // the keep-alive connections (http_async.cpp)
};

// Starts `req` on `ioc`; `done` is called exactly once on the loop's thread, unless the
// loop is stopped first. `cache` must outlive the request.
void async_http(boost::asio::io_context& ioc, ClientCache& cache, HttpRequest req,
                std::function<void(HttpResponse)> done);

// Parts of a URL; `ok` false when it is not http:// or https://.
struct UrlParts {
  bool ok = false;
  bool tls = false;
  std::string host, port, target;  // target: path and query
};
UrlParts parse_url(const std::string& url);
// RFC 3986 percent-encoding of a query parameter name or value.
std::string url_encode(const std::string& s);

}  // namespace greenlight::net
