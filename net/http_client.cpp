#include "net/http_client.h"

#include <boost/asio/io_context.hpp>

#include "net/http_async.h"

namespace greenlight::net {

// The event-loop client (net/http_async.h) on a loop of its own, run on the caller's
// thread: one implementation for the daemon's probes and for the blocking callers
// (deliveries, actions, `greenlight check`).
HttpResponse http_request(const HttpRequest& req) {
  boost::asio::io_context ioc{1};
  HttpResponse out;
  {
    ClientCache cache;
    HttpRequest once = req;
    once.keepalive = false;  // nothing would reuse the connection
    async_http(ioc, cache, std::move(once), [&out](HttpResponse r) { out = std::move(r); });
    ioc.run();
  }
  return out;
}

}  // namespace greenlight::net
